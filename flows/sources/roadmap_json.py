"""Roadmap JSON exports, told apart by their keys: Jira search results (`issues`), Linear
GraphQL (`data.issues.nodes`) and Productboard features (`data`). DuckDB reads them by path."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from flows.sources.base import FileUnreadable

# style -> (path of the item list, raw column -> JSON path inside one item)
STYLES: dict[str, tuple[str, dict[str, str]]] = {
    "jira": (
        "$.issues",
        {
            "item_id": "$.key",
            "title": "$.fields.summary",
            "theme_keywords": "$.fields.labels",
            "status": "$.fields.status.name",
            "effort": "$.fields.customfield_10016",
            "created_at": "$.fields.created",
            "target_date": "$.fields.duedate",
            "shipped_at": "$.fields.resolutiondate",
        },
    ),
    "linear": (
        "$.data.issues.nodes",
        {
            "item_id": "$.identifier",
            "title": "$.title",
            "theme_keywords": "$.labels.nodes[*].name",
            "status": "$.state.name",
            "effort": "$.estimate",
            "created_at": "$.createdAt",
            "target_date": "$.dueDate",
            "shipped_at": "$.completedAt",
        },
    ),
    "productboard": (
        "$.data",
        {
            "item_id": "$.id",
            "title": "$.name",
            "theme_keywords": "$.tags",
            "status": "$.status.name",
            "effort": "$.effort",
            "created_at": "$.createdAt",
            "target_date": "$.timeframe.endDate",
            "shipped_at": "$.releasedAt",
        },
    ),
}

_DOC = "read_json_objects(?, format = 'auto', maximum_object_size = 268435456)"


def _value(path: str) -> str:
    """A scalar as text, a list of scalars as `a;b`."""
    if "[*]" in path:
        return f"array_to_string(json_extract_string(item, '{path}'), ';')"
    return (
        f"case when json_type(item, '{path}') = 'ARRAY'"
        f" then array_to_string(json_extract_string(item, '{path}[*]'), ';')"
        f" else json_extract_string(item, '{path}') end"
    )


def read_roadmap_json(path: Path) -> pd.DataFrame:
    """Rows named like the raw columns plus `_record` (the item's position in the list)."""
    if path.stat().st_size == 0:
        raise FileUnreadable(f"{path.name}: the file is empty")
    with duckdb.connect() as con:
        try:
            probes = ", ".join(f"json_type(json, '{p}')" for p, _ in STYLES.values())
            types = con.execute(f"select {probes} from {_DOC}", [str(path)]).fetchall()
        except duckdb.Error as exc:
            first = str(exc).strip().splitlines()[0].replace(f'"{path}"', path.name)[:300]
            raise FileUnreadable(f"{path.name}: not a readable JSON export: {first}") from exc
        shape = types[0] if len(types) == 1 else (None,) * len(STYLES)
        found = [s for s, t in zip(STYLES, shape, strict=True) if t == "ARRAY"]
        if not found:
            raise FileUnreadable(
                f"{path.name}: not a Jira (`issues`), Linear (`data.issues.nodes`)"
                " or Productboard (`data`) roadmap export"
            )
        items, columns = STYLES[found[0]]
        select = ", ".join(f"{_value(p)} as {c}" for c, p in columns.items())
        return con.execute(
            f"with items as (select unnest(json_extract(json, '{items}[*]')) as item,"
            f" generate_subscripts(json_extract(json, '{items}[*]'), 1) as _record from {_DOC})"
            f" select {select}, _record from items order by _record",
            [str(path)],
        ).df()
