from pathlib import Path

import pytest

from nlp.tagger import TAXONOMY_DIR
from nlp.taxonomy import TaxonomyError, load_taxonomy


def write(tmp_path: Path, areas: str, competitors: str = "competitors:\n  - Rival\n") -> Path:
    (tmp_path / "product_areas.yml").write_text(areas)
    (tmp_path / "competitors.yml").write_text(competitors)
    return tmp_path


def test_shipped_taxonomy_loads_with_labels_and_generic_words() -> None:
    taxonomy = load_taxonomy(TAXONOMY_DIR)
    exports = taxonomy.area("exports")
    assert exports is not None and exports.label == "Exports" and exports.generic == "export"
    assert "excel" in exports.keywords["xlsx"]
    assert "Gainsight" in taxonomy.competitors


def test_plain_phrases_and_variants_both_become_keywords(tmp_path: Path) -> None:
    taxonomy = load_taxonomy(
        write(tmp_path, "billing:\n  - invoice\n  - seat: [Seats, per-seat]\n")
    )
    billing = taxonomy.area("billing")
    assert billing is not None and billing.label == "Billing"
    assert billing.keywords == {"invoice": ("invoice",), "seat": ("seat", "seats", "per-seat")}


@pytest.mark.parametrize(
    ("areas", "competitors", "message"),
    [
        pytest.param(
            "- just a list\n",
            "competitors: [A]\n",
            "product_areas.yml: expected a mapping",
            id="not a mapping",
        ),
        pytest.param(
            "billing: []\n",
            "competitors: [A]\n",
            "area 'billing' must be a non-empty",
            id="empty area",
        ),
        pytest.param(
            "billing:\n  - seat: seats\n",
            "competitors: [A]\n",
            "'seat' needs a list",
            id="variants not a list",
        ),
        pytest.param(
            "billing:\n  - label: Billing\n",
            "competitors: [A]\n",
            "'billing' has a label but no phrases",
            id="label only",
        ),
        pytest.param(
            "billing: [invoice]\n",
            "rivals: [A]\n",
            "competitors.yml: expected 'competitors:'",
            id="wrong competitors key",
        ),
        pytest.param(
            "billing: [invoice\n", "competitors: [A]\n", "not valid YAML", id="broken yaml"
        ),
    ],
)
def test_malformed_files_name_the_file_and_entry(
    tmp_path: Path, areas: str, competitors: str, message: str
) -> None:
    with pytest.raises(TaxonomyError, match=message):
        load_taxonomy(write(tmp_path, areas, competitors))


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match=r"product_areas\.yml: taxonomy file not found"):
        load_taxonomy(tmp_path)


def test_digest_changes_when_a_file_changes(tmp_path: Path) -> None:
    before = load_taxonomy(write(tmp_path, "billing: [invoice]\n")).digest
    after = load_taxonomy(write(tmp_path, "billing: [invoice, refund]\n")).digest
    assert before != after


def test_an_area_phrase_inside_a_longer_one_is_not_counted_again() -> None:
    """Words count once, for the longest area phrase they are in; spans sharing both ends are
    two areas' words for the same phrase and both count. Checked against every pair compared,
    the rule as first written (one sorted pass now: pairs took 10 s on a long text)."""
    import random

    from nlp.components import outermost_spans

    def pairwise(spans: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
        return [
            span
            for span in spans
            if not any(s <= span[0] and span[1] <= e and (s, e) != span[:2] for s, e, _, _ in spans)
        ]

    assert outermost_spans([(0, 2, "imports", "csv importer"), (0, 1, "exports", "csv")]) == [
        (0, 2, "imports", "csv importer")
    ]
    rng = random.Random(1)
    for _ in range(20_000):
        spans = []
        for _ in range(rng.randint(0, 8)):
            start = rng.randint(0, 6)
            spans.append((start, start + rng.randint(1, 3), rng.choice("xyz"), rng.choice("kl")))
        assert outermost_spans(spans) == pairwise(spans), spans
