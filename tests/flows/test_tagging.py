"""The tag step: only items the current model version has not tagged, and a new version re-tags."""

from __future__ import annotations

import gc
import hashlib
import pickle
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import numpy
import pytest

from flows.stages.classified import Batch, ClassifiedColumns, Classifiers, this_process
from flows.stages.tagging import count_untagged, in_process, tag_items
from flows.warehouse.schema import apply_schema
from nlp import Tag, Tagger
from nlp.tagger import Classified, Placeable


class FakeTagger:
    """Tags every text the same way and counts what it was asked to tag."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.seen: list[str | None] = []

    def classify_texts(self, texts: list[str | None]) -> Classified:
        self.seen.extend(texts)
        tags = [
            Tag(
                intents=("bug",),
                intent_scores={"bug": 0.9},
                intent="bug",
                sentiment="negative",
                sentiment_score=-0.5,
                severity="high",
                product_area="exports",
                competitors=(),
                redacted_text=text or "",
                theme_key="",
                theme_label="",
            )
            for text in texts
        ]
        return Classified(tags, [], numpy.zeros((len(texts), 2), "f"), [[] for _ in texts])

    def place_themes(self, batch: Placeable) -> list[tuple[str, str]]:
        return [("exports.xlsx", "Exports: xlsx")] * len(batch.terms)


ITEMS_SQL = (
    "insert into intermediate.int_feedback_items"
    " select 'item-' || i, 'text ' || i from range({count}) t(i)"
)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with items_warehouse() as connection:
        connection.execute(ITEMS_SQL.format(count=2500))
        yield connection


def test_everything_is_tagged_once_in_batches(con: duckdb.DuckDBPyConnection) -> None:
    tagger = FakeTagger("1.0")
    marks: list[int] = []
    done = tag_items(con, tagger, batch_size=500, write_rows=1000, progress=marks.append)  # type: ignore[arg-type]
    assert done == 2500
    assert marks == [1000, 2000, 2500]  # committed every 1,000 items, two batches at a time
    assert count_untagged(con, "1.0") == 0
    again = FakeTagger("1.0")
    assert tag_items(con, again) == 0  # type: ignore[arg-type]
    assert again.seen == []


def test_items_without_text_are_tagged_once(con: duckdb.DuckDBPyConnection) -> None:
    """An NPS score without a comment (no text, or an empty one) is tagged once, not again
    every night: its kept text is '' and matches the missing text it was computed from."""
    con.execute("insert into intermediate.int_feedback_items values ('nps:1', null), ('nps:2', '')")
    assert tag_items(con, FakeTagger("1.0")) == 2502  # type: ignore[arg-type]
    assert count_untagged(con, "1.0") == 0
    again = FakeTagger("1.0")
    assert tag_items(con, again) == 0  # type: ignore[arg-type]
    assert again.seen == []


def test_the_step_keeps_the_collector_off_the_loaded_model_and_hands_it_back(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """The objects alive when the step starts are out of the collector's sight while batches
    run (each full collection walked the whole model again) and back in it afterwards, also
    when the step fails, so nothing stays frozen for the rest of the process."""
    tagger = FakeTagger("1.0")
    frozen_during: list[int] = []

    def classify(batches: Iterator[Batch]) -> Iterator[tuple[Batch, ClassifiedColumns]]:
        for batch, classified in in_process(tagger)(batches):  # type: ignore[arg-type]
            frozen_during.append(gc.get_freeze_count())
            yield batch, classified

    before = gc.get_freeze_count()
    tag_items(con, tagger, batch_size=1000, classify=classify)  # type: ignore[arg-type]
    assert len(frozen_during) == 3 and min(frozen_during) > before
    assert gc.get_freeze_count() == before

    def failing(batches: Iterator[Batch]) -> Iterator[tuple[Batch, ClassifiedColumns]]:
        raise RuntimeError("worker lost")
        yield from ()

    con.execute("insert into intermediate.int_feedback_items values ('late', 'a late item')")
    with pytest.raises(RuntimeError, match="worker lost"):
        tag_items(con, FakeTagger("1.0"), classify=failing)  # type: ignore[arg-type]
    assert gc.get_freeze_count() == before


def test_in_process_classifying_is_timed_as_one_worker(con: duckdb.DuckDBPyConnection) -> None:
    classifiers = Classifiers()
    tag_items(con, FakeTagger("1.0"), batch_size=1000, classifiers=classifiers)  # type: ignore[arg-type]
    assert list(classifiers.work) == [this_process()]
    items, seconds = classifiers.work[this_process()]
    assert items == 2500 and seconds > 0
    assert classifiers.line().startswith("1 worker classified 2,500 items at ")
    assert classifiers.line().endswith(" items/s each")  # it placed what it classified itself
    assert Classifiers().line() == ""  # nothing classified (a quiet night): nothing to say


class VariedTagger(FakeTagger):
    """Gives each item its own intents, scores and competitors, so a column out of place or
    out of order shows."""

    def classify_texts(self, texts: list[str | None]) -> Classified:
        tags = [
            Tag(
                intents=("bug", "churn_risk") if n % 2 else ("praise",),
                intent_scores={"bug": 0.9, "churn_risk": 0.8} if n % 2 else {"praise": 0.7},
                intent="bug" if n % 2 else "praise",
                sentiment="negative" if n % 2 else "positive",
                sentiment_score=-n / 10_000,
                severity="critical" if n % 3 == 0 else "low",
                product_area="billing" if n % 2 else "exports",
                competitors=("Gainsight", "Totango") if n % 5 == 0 else (),
                redacted_text=f"redacted {text}",
                theme_key="",
                theme_label="",
            )
            for n, text in ((int((text or "0").split()[-1]), text) for text in texts)
        ]
        words = [[f"w{tag.sentiment_score}"] for tag in tags]
        return Classified(tags, [], numpy.zeros((len(texts), 2), "f"), words)


def test_a_batch_moves_as_columns_and_is_written_as_its_tags_say() -> None:
    """A classified batch crosses from a Dask worker as columns (ClassifiedColumns): every
    item's tag lands in its own row, field for field, as the Tag objects said, with the hash
    of its text and its words."""
    texts: list[str | None] = [f"text {n}" for n in range(12)]
    classified = VariedTagger("1.0").classify_texts(texts)
    columns = pickle.loads(pickle.dumps(ClassifiedColumns.of(classified)))
    assert len(columns.intent) == len(texts) and columns.terms == classified.terms
    with items_warehouse() as con:
        con.executemany(
            "insert into intermediate.int_feedback_items values (?, ?)",
            [(f"item-{n:02d}", text) for n, text in enumerate(texts)],
        )
        tag_items(con, VariedTagger("1.0"), batch_size=5, write_rows=5)  # type: ignore[arg-type]
        stored = con.execute(
            "select intents, intent, sentiment, sentiment_score, severity, product_area,"
            " competitors, redacted_text, text_hash, terms from raw.feedback_tags order by item_id"
        ).fetchall()
    assert stored == [
        (
            ";".join(tag.intents),
            tag.intent,
            tag.sentiment,
            tag.sentiment_score,
            tag.severity,
            tag.product_area,
            ";".join(tag.competitors),
            tag.redacted_text,
            hashlib.md5(text.encode()).hexdigest(),  # the text the tags are of
            words,  # the words the item added to its theme's counts
        )
        for tag, text, words in zip(classified.tags, texts, classified.terms, strict=True)
        if text is not None
    ]


def test_wordless_themes_kept_from_earlier_nights_are_dropped_and_their_items_unthemed(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # Before items with no words got no theme, each NPS score without a comment started one.
    con.execute(
        "insert into raw.themes values"
        " ('other.general.aaa', 'other.general', 'General feedback', [0, 0, 0], '0.9', now()),"
        " ('exports.bug.csv', 'exports.bug', 'Exports: csv', [0.6, 0.8, 0], '0.9', now())"
    )
    con.execute(
        "insert into raw.feedback_tags (item_id, model_version, theme_key, theme_label) values"
        " ('nps:1', '0.9', 'other.general.aaa', 'General feedback'),"
        " ('ticket:1', '0.9', 'exports.bug.csv', 'Exports: csv')"
    )
    tag_items(con, FakeTagger("1.0"))  # type: ignore[arg-type]
    assert con.execute("select theme_key from raw.themes").fetchall() == [("exports.bug.csv",)]
    assert con.execute(
        "select item_id, theme_key from raw.feedback_tags where model_version = '0.9'"
        " order by item_id"
    ).fetchall() == [("nps:1", ""), ("ticket:1", "exports.bug.csv")]


def test_only_new_items_are_tagged(con: duckdb.DuckDBPyConnection) -> None:
    tag_items(con, FakeTagger("1.0"))  # type: ignore[arg-type]
    con.execute("insert into intermediate.int_feedback_items values ('late', 'a late item')")
    tagger = FakeTagger("1.0")
    assert tag_items(con, tagger) == 1  # type: ignore[arg-type]
    assert tagger.seen == ["a late item"]


def test_a_new_model_version_retags_and_keeps_the_old_tags(con: duckdb.DuckDBPyConnection) -> None:
    tag_items(con, FakeTagger("1.0"))  # type: ignore[arg-type]
    assert count_untagged(con, "2.0") == 2500
    assert tag_items(con, FakeTagger("2.0")) == 2500  # type: ignore[arg-type]
    rows = con.execute(
        "select model_version, count(*) from raw.feedback_tags group by 1 order by 1"
    ).fetchall()
    assert rows == [("1.0", 2500), ("2.0", 2500)]


THEMED_TEXTS = [
    "the app crashes when I open the camera",
    "Excel export keeps failing",
    "app crashing every time i open camera",
    "the xlsx download never finishes",
    "Please add dark mode",
    "playlists vanished after the update",
]


@contextmanager
def items_warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory warehouse with its schema and an empty int_feedback_items to tag from."""
    with duckdb.connect() as con:
        apply_schema(con)
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_feedback_items (item_id varchar, feedback_text varchar)"
        )
        yield con


def _two_nights(tagger: Tagger) -> tuple[dict[str, str], dict[str, str]]:
    """Night one has the first half of the items, night two the rest; themes per item, labels."""
    with items_warehouse() as con:
        for night, texts in enumerate((THEMED_TEXTS[:3], THEMED_TEXTS[3:])):
            rows = [(f"item-{night}-{i}", text) for i, text in enumerate(texts)]
            con.executemany("insert into intermediate.int_feedback_items values (?, ?)", rows)
            tag_items(con, tagger, batch_size=2)
            tag_items(con, tagger, batch_size=2)  # a re-run of the night tags nothing
        stored = con.execute("select count(*) from raw.themes").fetchone()
        themes = dict(con.execute("select item_id, theme_key from raw.feedback_tags").fetchall())
        assert stored is not None and stored[0] == len(set(themes.values()))
        labels = dict(con.execute("select theme_key, theme_label from raw.themes").fetchall())
        return themes, labels


def test_themes_are_the_same_after_a_rerun_and_a_backfill_of_the_same_nights() -> None:
    from nlp import Tagger as RealTagger

    nightly, labels = _two_nights(RealTagger.load())
    # A backfill: a new warehouse, a new process, the same nights in order.
    assert _two_nights(RealTagger.load()) == (nightly, labels)
    by_text = dict(zip(sorted(nightly), [nightly[k] for k in sorted(nightly)], strict=True))
    camera = [by_text["item-0-0"], by_text["item-0-2"]]
    assert camera[0] == camera[1]  # a near-duplicate joins, also across a batch boundary
    assert by_text["item-1-1"] != by_text["item-0-0"]  # a request is not a crash report
    # The label comes from the words the theme's items share.
    assert "camera" in labels[camera[0]]


def test_a_later_nights_items_relabel_the_theme_they_join() -> None:
    from nlp import Tagger as RealTagger

    tagger = RealTagger.load()
    with items_warehouse() as con:
        nights = [
            ["since tuesday the camera crashes the app when I upload photos"],
            ["app crashing when i upload photos from the camera"],
        ]
        labels = []
        for night, texts in enumerate(nights):
            rows = [(f"item-{night}-{i}", text) for i, text in enumerate(texts)]
            con.executemany("insert into intermediate.int_feedback_items values (?, ?)", rows)
            tag_items(con, tagger)
            labels.append(con.execute("select theme_key, theme_label from raw.themes").fetchall())
        [(key, first)], [(same_key, second)] = labels
        assert same_key == key
        # The first label is the first item's first words; two items sharing words relabel it.
        assert "tuesday" in first and "tuesday" not in second
        assert "upload photos" in second


def test_a_new_way_of_labelling_relabels_every_theme_once() -> None:
    """Labels are rewritten only for the themes items join; after an upgrade that changes how
    labels are chosen, the next tag step rewrites every theme's label from its counts, once,
    even on a night with nothing to tag."""
    from flows.stages.tagging import stale_labels
    from nlp import Tagger as RealTagger
    from nlp.theme_labels import LABEL_SCHEME

    tagger = RealTagger.load()
    with items_warehouse() as con:
        rows = [(f"item-{i}", text) for i, text in enumerate(THEMED_TEXTS)]
        con.executemany("insert into intermediate.int_feedback_items values (?, ?)", rows)
        tag_items(con, tagger, batch_size=2)
        labels = con.execute("select theme_key, theme_label from raw.themes order by 1").fetchall()
        assert stale_labels(con, tagger.version) == set()
        # As an older release left the warehouse: its own label on the camera crashes' theme
        # (two items share its words), no scheme recorded.
        [(camera,)] = con.execute(
            "select distinct theme_key from raw.feedback_tags where item_id = 'item-0'"
        ).fetchall()
        con.execute(
            "update raw.themes set theme_label = 'record open ios problems' where theme_key = ?",
            [camera],
        )
        con.execute("delete from raw._label_schemes")
        assert len(stale_labels(con, tagger.version)) == len(labels)
        assert tag_items(con, tagger, batch_size=2) == 0  # nothing new to tag
        relabelled = con.execute("select theme_key, theme_label from raw.themes order by 1")
        assert relabelled.fetchall() == labels
        assert "camera" in dict(labels)[camera]
        assert con.execute("select scheme from raw._label_schemes").fetchall() == [(LABEL_SCHEME,)]
        # Once done, a theme no item joined keeps its label.
        con.execute("update raw.themes set theme_label = 'kept'")
        tag_items(con, tagger, batch_size=2)
        assert {
            label for (label,) in con.execute("select theme_label from raw.themes").fetchall()
        } == {"kept"}
