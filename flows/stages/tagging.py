"""The tag step: items not yet tagged by the current model version, tagged in batches.

Tags are keyed by the text's version: each item's tags row keeps the md5 of the text they were
computed from (``text_hash``), so an item whose text changed (a Zendesk ticket updated, a comment
added to an NPS response) is tagged again, and the loop judges it again on its new words. The
words an item added to its theme's label counts are kept on it too (``terms``), and taken back
out when it is tagged again, so its old text no longer labels the theme.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import pandas as pd

from flows.stages.classified import Batch, ClassifiedColumns, Classifiers, Classify, this_process
from flows.warehouse.connection import scalar
from nlp import Tagger
from nlp.tagger import frozen_heap
from nlp.theme_book import ThemeBook, ThemeRow
from nlp.theme_labels import LABEL_SCHEME

UNTAGGED_SQL = """
select item.item_id, item.feedback_text
from intermediate.int_feedback_items as item
where not exists (
    select 1 from raw.feedback_tags as tag
    where tag.item_id = item.item_id and tag.model_version = ?
        and tag.text_hash = coalesce(md5(item.feedback_text), '')
)
order by item.item_id
"""

# The items a tag step tags, found once: telling them costs an md5 of every item's text (1-2 s at
# a million items), and the step reads them twice (their old words, then their texts). A temp
# table of the connection that reads them; the count before loading the tagger is its own pass.
UNTAGGED_IDS_SQL = f"create or replace temp table _untagged as select item_id from ({UNTAGGED_SQL})"

UNTAGGED_ROWS_SQL = """
select item.item_id, item.feedback_text
from intermediate.int_feedback_items as item
where item.item_id in (select untagged.item_id from _untagged as untagged)
order by item.item_id
"""

# Tags written before their texts were kept were made from the text the item has now (texts
# only got versions with them): they are stamped with it, not tagged again. Only unstamped
# tags (a null hash; an item without text has '') are read, so a night with every tag stamped
# hashes no text.
STAMP_SQL = """
update raw.feedback_tags as tag set text_hash = coalesce(md5(item.feedback_text), '')
from intermediate.int_feedback_items as item
where tag.item_id = item.item_id and tag.text_hash is null
"""

# A new text of an item replaces its tags of the same model version, with the text's hash and
# its words; `tagged_at` stays when it was first triaged (stg_loopkeeper__feedback_taggings).
UPSERT_TAGS_SQL = """
insert into raw.feedback_tags by name select * from _tags
on conflict (item_id, model_version) do update set
    intents = excluded.intents, intent = excluded.intent, sentiment = excluded.sentiment,
    sentiment_score = excluded.sentiment_score, severity = excluded.severity,
    product_area = excluded.product_area, competitors = excluded.competitors,
    theme_key = excluded.theme_key, theme_label = excluded.theme_label,
    redacted_text = excluded.redacted_text, text_hash = excluded.text_hash,
    terms = excluded.terms
"""


# Items about to be tagged again whose earlier words are known: those words leave their theme's
# counts first, in one transaction, so a theme is labelled from what its items say now. A crash
# after it and before the new tags commit loses nothing: the items are still untagged, and
# their words are gone from their rows, so nothing is taken out twice.
FORGET_TERMS_SQL = (
    """
    create or replace temp table _retagged as
    select old.item_id, old.theme_key, unnest(old.terms) as term
    from raw.feedback_tags as old
    where old.model_version = $version
        and old.item_id in (select item_id from _untagged)
    """,
    """
    update raw.theme_terms set items = theme_terms.items - gone.items
    from (select theme_key, term, count(*)::integer as items from _retagged group by all) as gone
    where theme_terms.theme_key = gone.theme_key and theme_terms.term = gone.term
    """,
    "delete from raw.theme_terms where items <= 0",
    """
    update raw.feedback_tags set terms = null
    where model_version = $version and item_id in (select item_id from _retagged)
    """,
)


# Themes an item with no words started, before such items got no theme (nlp/theme_book.py):
# one per NPS score without a comment, none of which another item could ever join. Their
# items leave them and they go, once; on a warehouse without any it is one count.
WORDLESS_THEMES_SQL = """
select theme_key from raw.themes
where not coalesce(list_bool_or(list_transform(vector, lambda x: x <> 0)), false)
"""
DROP_WORDLESS_THEMES_SQL = (
    f"update raw.feedback_tags set theme_key = '', theme_label = ''"
    f" where theme_key in ({WORDLESS_THEMES_SQL})",
    f"delete from raw.theme_terms where theme_key in ({WORDLESS_THEMES_SQL})",
    f"delete from raw.themes where theme_key in ({WORDLESS_THEMES_SQL})",
)


def drop_wordless_themes(con: duckdb.DuckDBPyConnection) -> int:
    """Take items with no words out of the one-item themes they started; how many themes went."""
    wordless = int(scalar(con, f"select count(*) from ({WORDLESS_THEMES_SQL})") or 0)
    if not wordless:
        return 0
    con.execute("begin")
    try:
        for statement in DROP_WORDLESS_THEMES_SQL:
            con.execute(statement)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return wordless


def forget_old_words(con: duckdb.DuckDBPyConnection, version: str) -> set[str]:
    """Take the words of items about to be tagged again (temp table ``_untagged`` of ``con``,
    UNTAGGED_IDS_SQL) out of their themes' term counts; the themes they leave (to be labelled
    again)."""
    con.execute("begin")
    try:
        for statement in FORGET_TERMS_SQL:
            con.execute(statement, {"version": version} if "$version" in statement else None)
        keys = {
            row[0] for row in con.execute("select distinct theme_key from _retagged").fetchall()
        }
        con.execute("drop table _retagged")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return keys


def themes_need_upkeep(con: duckdb.DuckDBPyConnection, version: str) -> bool:
    """Whether the tag step has theme work even with no item to tag: wordless items' themes to
    drop, or labels written another way to write again (``tag_items`` does both)."""
    wordless = int(scalar(con, f"select count(*) from ({WORDLESS_THEMES_SQL})") or 0)
    return wordless > 0 or bool(stale_labels(con, version))


@dataclass
class Untagged:
    """The items a model version has not tagged for their current text, found once: the temp
    table ``_untagged`` of ``reader``, a cursor of its own that ``tag_items`` then reads them
    on. Finding them takes an md5 of every item's text (1.1-1.2 s at a million items here),
    which the count before loading the tagger and the tagging itself each paid."""

    reader: duckdb.DuckDBPyConnection
    version: str
    count: int


def find_untagged(con: duckdb.DuckDBPyConnection, version: str) -> Untagged:
    """The items without tags of ``version`` for their current text (stamping old tags first),
    on a new cursor of ``con``, for ``tag_items(..., untagged=)`` on the same connection."""
    con.execute(STAMP_SQL)
    reader = con.cursor()
    try:
        reader.execute(UNTAGGED_IDS_SQL, [version])
        count = int(scalar(reader, "select count(*) from _untagged") or 0)
    except BaseException:
        reader.close()
        raise
    return Untagged(reader, version, count)


def count_untagged(con: duckdb.DuckDBPyConnection, version: str) -> int:
    """How many items ``find_untagged`` finds (stamping old tags first)."""
    untagged = find_untagged(con, version)
    untagged.reader.close()
    return untagged.count


# Placed batches are written this many items at a time, in one transaction: each statement
# and commit has a fixed cost, so 10,000 rows cost about a third of ten writes of 1,000
# (measured on a million-item warehouse). A crash loses at most these items' tags, and the
# re-run tags them again.
WRITE_ROWS = 10_000


def tag_items(
    con: duckdb.DuckDBPyConnection,
    tagger: Tagger,
    *,
    batch_size: int = 1000,
    write_rows: int = WRITE_ROWS,
    progress: Callable[[int], None] | None = None,
    tagged_at: datetime | None = None,
    classify: Classify | None = None,
    classifiers: Classifiers | None = None,
    untagged: Untagged | None = None,
) -> int:
    """Tag every untagged item, committing every ``write_rows`` items so a crash keeps
    finished work. ``untagged``: those items as ``find_untagged`` found them on ``con`` for the
    tagger's version, not looked for again (its cursor is closed here).

    ``tagged_at`` is the night the tags belong to (its as_of), so a backfill stamps its items
    as the nightly runs over the same dates would, and an item counts as triaged that night;
    without it, the wall clock.

    ``classify`` may classify batches elsewhere (flows/stages/tag_cluster.py: on Dask workers); by
    default this process does, timed into ``classifiers`` if given. Either way, batches are
    placed in themes and written here, one after another in item order, so the tags and
    themes are the same whoever classified them.
    """
    stamp = tagged_at or datetime.now(UTC).replace(tzinfo=None)
    if untagged is not None and untagged.version != tagger.version:
        untagged.reader.close()
        untagged = None
    if untagged is None:
        untagged = find_untagged(con, tagger.version)
    # Read on one cursor, write on another: the read streams while finished batches commit.
    reader = untagged.reader
    writer = con.cursor()
    # (it changes which theme a tag names, not which items are untagged)
    drop_wordless_themes(con)
    left = forget_old_words(reader, tagger.version)
    tagger.themes = load_themes(con, tagger.version)
    tagger.live_labels = False  # the labels are written once, at the end (_relabel)
    reader.execute(UNTAGGED_ROWS_SQL)
    classify = classify or in_process(tagger, classifiers)
    done = 0
    touched: set[str] = set(left) | stale_labels(con, tagger.version)
    # (batch, its classification, each item's (theme key, label))
    pending: list[tuple[Batch, ClassifiedColumns, list[tuple[str, str]]]] = []

    def write() -> None:
        nonlocal done
        if not pending:
            return
        item_ids = [i for (ids, _), _, _ in pending for i in ids]
        texts = [t for (_, batch_texts), _, _ in pending for t in batch_texts]
        themed = [theme for _, _, themes in pending for theme in themes]
        frame = _tag_frame(
            item_ids, texts, [columns for _, columns, _ in pending], themed, tagger.version, stamp
        )
        themes = _theme_frame(tagger.themes.take_new(), tagger.version, stamp)
        terms = _terms_frame(tagger.themes.terms.take_added(), tagger.version)
        touched.update(terms["theme_key"])
        # Tags, the themes they started and their words commit together: a crash keeps all
        # or none, and a re-run counts no item's words twice.
        writer.execute("begin")
        writer.register("_tags", frame)
        writer.execute(UPSERT_TAGS_SQL)
        writer.unregister("_tags")
        if len(themes):
            writer.register("_themes", themes)
            writer.execute("insert into raw.themes select * from _themes on conflict do nothing")
            writer.unregister("_themes")
        writer.register("_terms", terms)
        writer.execute(
            "insert into raw.theme_terms select * from _terms on conflict (theme_key, term)"
            " do update set items = theme_terms.items + excluded.items"
        )
        writer.unregister("_terms")
        writer.execute("commit")
        pending.clear()
        done += len(frame)
        if progress:
            progress(done)

    try:
        with frozen_heap():
            for batch, classified in classify(read_batches(reader, batch_size)):
                pending.append((batch, classified, tagger.place_themes(classified)))
                if sum(len(ids) for (ids, _), _, _ in pending) >= write_rows:
                    write()
            write()
            _relabel(writer, tagger, touched)
            writer.execute(
                "insert or replace into raw._label_schemes values (?, ?, ?)",
                [tagger.version, LABEL_SCHEME, stamp],
            )
    finally:
        reader.close()
        writer.close()
    return done


def read_batches(reader: duckdb.DuckDBPyConnection, batch_size: int) -> Iterator[Batch]:
    """The untagged items' (ids, texts), batch_size at a time, from an executed
    UNTAGGED_ROWS_SQL."""
    while rows := reader.fetchmany(batch_size):
        yield [row[0] for row in rows], [row[1] for row in rows]


def in_process(tagger: Tagger, classifiers: Classifiers | None = None) -> Classify:
    """Classify each batch here, as it is read (timed into `classifiers` if given)."""

    def classify(batches: Iterator[Batch]) -> Iterator[tuple[Batch, ClassifiedColumns]]:
        for batch in batches:
            started = time.perf_counter()
            classified = ClassifiedColumns.of(tagger.classify_texts(batch[1]))
            if classifiers is not None:
                classifiers.add(this_process(), len(batch[0]), time.perf_counter() - started)
            yield batch, classified

    return classify


def stale_labels(con: duckdb.DuckDBPyConnection, version: str) -> set[str]:
    """Every theme of the model version when its labels were last written another way (an
    upgrade, LABEL_SCHEME), so the night relabels them all once; else none."""
    written = con.execute(
        "select scheme from raw._label_schemes where model_version = ?", [version]
    ).fetchone()
    if written is not None and written[0] == LABEL_SCHEME:
        return set()
    rows = con.execute("select theme_key from raw.themes where model_version = ?", [version])
    return {key for (key,) in rows.fetchall()}


def _relabel(writer: duckdb.DuckDBPyConnection, tagger: Tagger, keys: set[str]) -> None:
    """Write the labels of the themes items joined tonight, from all their items' words."""
    if not keys:
        return
    labels = pd.DataFrame(
        {"theme_key": sorted(keys), "theme_label": [tagger.theme_label(k) for k in sorted(keys)]}
    )
    writer.register("_labels", labels)
    writer.execute(
        "update raw.themes set theme_label = _labels.theme_label from _labels"
        " where raw.themes.theme_key = _labels.theme_key"
        " and raw.themes.theme_label is distinct from _labels.theme_label"
    )
    writer.unregister("_labels")


def load_themes(con: duckdb.DuckDBPyConnection, version: str) -> ThemeBook:
    """The themes earlier nights started with this model version, in the order they began."""
    rows = con.execute(
        "select theme_key, bucket, theme_label, vector from raw.themes"
        " where model_version = ? order by created_at, theme_key",
        [version],
    ).fetchall()
    book = ThemeBook.from_rows(
        ThemeRow(key, bucket, label, tuple(vector)) for key, bucket, label, vector in rows
    )
    book.terms.add_rows(
        con.execute(
            "select theme_key, term, items from raw.theme_terms where model_version = ?"
            " order by theme_key, term",
            [version],
        ).fetchall()
    )
    return book


def _terms_frame(rows: list[tuple[str, str, int]], version: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme_key": [key for key, _, _ in rows],
            "term": [term for _, term, _ in rows],
            "items": pd.Series([count for _, _, count in rows], dtype="int32"),
            "model_version": version,
        }
    )


def _theme_frame(rows: list[ThemeRow], version: str, now: datetime) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme_key": [r.theme_key for r in rows],
            "bucket": [r.bucket for r in rows],
            "theme_label": [r.theme_label for r in rows],
            "vector": pd.Series([list(r.vector) for r in rows], dtype=object),
            "model_version": version,
            "created_at": now,
        }
    )


def _tag_frame(
    item_ids: list[str],
    texts: list[str | None],
    batches: list[ClassifiedColumns],
    themes: list[tuple[str, str]],
    version: str,
    now: datetime,
) -> pd.DataFrame:
    """Tags as raw.feedback_tags rows; each item's theme from `themes` (key, label), and the
    text they were computed from as its md5, as DuckDB computes it (UTF-8 bytes, lower-case
    hex; '' for no text), for UNTAGGED_SQL to compare with the item's text now."""

    def column(name: str) -> list[object]:
        return [value for batch in batches for value in getattr(batch, name)]

    return pd.DataFrame(
        {
            "item_id": item_ids,
            "model_version": version,
            "intents": column("intents"),
            "intent": column("intent"),
            "sentiment": column("sentiment"),
            "sentiment_score": column("sentiment_score"),
            "severity": column("severity"),
            "product_area": column("product_area"),
            "competitors": column("competitors"),
            "theme_key": [key for key, _ in themes],
            "theme_label": [label for _, label in themes],
            "redacted_text": column("redacted_text"),
            "tagged_at": now,
            "text_hash": [
                "" if t is None else hashlib.md5(t.encode("utf-8")).hexdigest() for t in texts
            ],
            "terms": pd.Series(column("terms"), dtype=object),
        }
    )
