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
