"""Survey exports that also ask a CES or CSAT question keep those answers next to the NPS score."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from flows.sources import SOURCES
from flows.sources.loader import load_source
from flows.warehouse.connection import open_warehouse
from flows.warehouse.schema import apply_schema

SURVEYS = Path(__file__).parents[1] / "fixtures" / "sources" / "survey_questions"
LOADED_AT = datetime(2026, 11, 20, 3, 0, 0)
NPS = next(s for s in SOURCES if s.name == "nps")


def test_ces_and_csat_questions_land_in_their_columns(tmp_path: Path) -> None:
    with open_warehouse(tmp_path / "w.duckdb") as con:
        apply_schema(con)
        result = load_source(con, SURVEYS, NPS, loaded_at=LOADED_AT)
        rows = con.execute(
            "select response_id, score, ces_score, csat_score from raw.nps_responses order by 1"
        ).fetchall()
        reasons = con.execute("select file, record, field, reason from raw._quarantine").fetchall()
    assert rows == [
        ("dl_20", "7", None, "4"),
        ("dl_21", "10", None, None),
        ("tf_10", "8", "2", None),
        ("tf_11", "3", "6", None),
    ]
    assert reasons == [("nps/typeform-ces.csv", 3, "ces_score", "ces_score is above 7")]
    assert result.rows_quarantined == 1


def test_rows_stored_before_the_csat_column_are_not_loaded_again(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "nps").mkdir(parents=True)
    shutil.copy(SURVEYS / "nps_later" / "before-csat.csv", inbox / "nps" / "a.csv")
    with open_warehouse(tmp_path / "w.duckdb") as con:
        apply_schema(con)
        assert load_source(con, inbox, NPS, loaded_at=LOADED_AT).rows_loaded == 2
        # The same responses re-exported once the survey tool adds a CSAT column: only the
        # response that now carries a CSAT answer is a new fact.
        shutil.copy(SURVEYS / "nps" / "delighted-csat.csv", inbox / "nps" / "b.csv")
        again = load_source(con, inbox, NPS, loaded_at=LOADED_AT)
    assert (again.rows_loaded, again.rows_duplicate) == (1, 1)
