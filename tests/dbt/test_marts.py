"""The loop marts over the fixture: stages, SLA clocks, roadmap links, themes and risk."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

import duckdb
import pytest


def test_stages_follow_messages_tags_escalation_and_roadmap_history(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    stages = warehouse.execute(
        "select stage, entered_at, left_at, is_current_stage from marts.fct_feedback_stages"
        " where item_id = 'nps:r1' order by stage_sequence"
    ).fetchall()

    # The theme's stages (escalated, planned) come no earlier than the tagging that put the item
    # in the theme (4 Nov 03:00); the acknowledgment came before the tagging, so triage is no
    # step of its own; shipped after as_of is not seen.
    assert stages == [
        ("new", datetime(2026, 11, 3, 14, 22, 5), datetime(2026, 11, 3, 20), False),
        ("acknowledged", datetime(2026, 11, 3, 20), datetime(2026, 11, 4, 3), False),
        ("escalated", datetime(2026, 11, 4, 3), datetime(2026, 11, 4, 3), False),
        ("planned", datetime(2026, 11, 4, 3), datetime(2026, 11, 6, 2), False),
        ("in_progress", datetime(2026, 11, 6, 2), None, True),
    ]


def test_stages_never_move_backwards(warehouse: duckdb.DuckDBPyConnection) -> None:
    backwards = warehouse.execute(
        "select count(*) from marts.fct_feedback_stages s join marts.fct_feedback_stages t"
        " on s.item_id = t.item_id and t.stage_sequence = s.stage_sequence + 1"
        " where t.stage_rank <= s.stage_rank"
    ).fetchone()
    assert backwards == (0,)


def test_declined_note_closes_the_loop(warehouse: duckdb.DuckDBPyConnection) -> None:
    row = warehouse.execute(
        "select current_stage, current_stage_entered_at from marts.fct_feedback"
        " where item_id = 'widget:wfb_2'"
    ).fetchone()

    assert row == ("closed_loop", datetime(2026, 11, 6, 2, 30))


def test_time_in_current_stage_runs_to_as_of(warehouse: duckdb.DuckDBPyConnection) -> None:
    hours = warehouse.execute(
        "select hours_in_stage from marts.fct_feedback_stages where feedback_stage_id = ?",
        ["nps:r1:in_progress"],
    ).fetchone()

    assert hours == (94.0,)


def test_sla_clocks_of_an_escalated_detractor(warehouse: duckdb.DuckDBPyConnection) -> None:
    row = warehouse.execute(
        "select ack_sla_status, first_plan_sla_status, hours_to_first_plan,"
        " detractor_contact_method, detractor_contact_sla_status,"
        " product_responded_at, product_response_sla_status"
        " from marts.fct_feedback_sla where item_id = 'nps:r1'"
    ).fetchone()

    assert row == ("met", "met", 0.0, "handoff", "met", datetime(2026, 11, 6, 2), "met")


@pytest.mark.parametrize(
    ("item_id", "detractor", "product"),
    [
        pytest.param("nps:r2", None, None, id="promoter, theme never escalated"),
        pytest.param("widget:wfb_2", None, None, id="widget item has no detractor clock"),
    ],
)
def test_clocks_that_do_not_apply_are_null(
    warehouse: duckdb.DuckDBPyConnection, item_id: str, detractor: None, product: None
) -> None:
    row = warehouse.execute(
        "select detractor_contact_due_at, detractor_contact_sla_status,"
        " product_response_sla_status from marts.fct_feedback_sla where item_id = ?",
        [item_id],
    ).fetchone()

    assert row == (None, detractor, product)


def test_roadmap_links_by_theme_name_and_by_item_text(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    links = warehouse.execute(
        "select theme_key, roadmap_item_id, match_method, matched_keyword, is_primary"
        " from intermediate.int_roadmap_theme_links order by theme_key, roadmap_item_id"
    ).fetchall()

    assert links == [
        ("exports", "RM-1", "theme_name", "export timeouts", True),
        ("exports", "RM-3", "item_text", "keep-timing", False),
        ("other.feature_request.dark", "RM-2", "item_text", "dark mode", True),
    ]


def test_theme_dimension_shows_roadmap_status_at_as_of(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    rows = warehouse.execute(
        "select theme_key, roadmap_item_id, roadmap_status, roadmap_effort, is_escalated"
        " from marts.dim_themes order by theme_key"
    ).fetchall()

    assert rows == [
        ("exports", "RM-1", "in_progress", 2, True),
        ("other.feature_request.dark", "RM-2", "declined", None, False),
    ]


def test_theme_impact_current_view(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        "select theme_period_id, items, accounts_affected, arr_affected, detractor_account_share,"
        " effort, priority_rank from marts.fct_theme_impact where period_type = 'current'"
        " order by priority_rank"
    ).fetchall()

    # both themes hit 001A (415k, a detractor); RM-1's effort 2 beats the default 3
    assert [row[0] for row in rows] == ["exports:current", "other.feature_request.dark:current"]
    assert [row[1:6] for row in rows] == [(1, 1, 415000, 1.0, 2), (1, 1, 415000, 1.0, 3)]


def test_at_risk_reasons(warehouse: duckdb.DuckDBPyConnection) -> None:
    reasons = dict(
        warehouse.execute("select account_id, at_risk_reasons from marts.dim_accounts").fetchall()
    )

    assert reasons == {
        "001A": ["churn_or_competitor_mention", "detractor"],
        "002B": [],
        "003C": [],
    }


def test_loop_health_counts_items_and_closed_loop_emails(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    rows = warehouse.execute(
        "select loop_health_key, items, acknowledged_within_48h, escalated_items,"
        " closed_loop_emails_sent from marts.fct_loop_health_monthly"
        " where channel in ('all', 'widget') order by loop_health_key"
    ).fetchall()

    assert rows == [
        ("2026-10:all", 2, 0, 0, 0),
        ("2026-11:all", 6, 2, 1, 1),
        ("2026-11:widget", 2, 1, 0, 1),
    ]


def test_csat_pools_ticket_ratings_with_offered_surveys(
    warehouse: duckdb.DuckDBPyConnection,
) -> None:
    row = warehouse.execute(
        "select csat_responses, unsatisfied, csat, ticket_csat_offered, response_rate"
        " from marts.fct_csat where csat_month_segment_key = '2026-11:Mid-Market:ARR 25k-100k'"
    ).fetchone()

    assert row == (1, 1, 0.0, 1, 1.0)


def test_items_mention_the_roadmap_items_they_name(warehouse: duckdb.DuckDBPyConnection) -> None:
    rows = warehouse.execute(
        "select roadmap_item_id, matched_keyword, count(*)"
        " from marts.fct_feedback_roadmap_mentions group by all order by all"
    ).fetchall()
    # The theme links' item-text matches count these rows; "Dark" alone is no "ark" (RM-3).
    assert [row[:2] for row in rows] == [
        ("RM-1", "exports"),
        ("RM-2", "dark mode"),
        ("RM-3", "keep-timing"),
    ]


def test_a_warehouse_without_a_roadmap_builds(
    dbt: Callable[[Sequence[str], Path, str], None],
    raw_layer: Callable[[Path], None],
    as_of: str,
    tmp_path: Path,
) -> None:
    # Teams without a roadmap export: the keyword search has no phrase to check.
    path = tmp_path / "loopkeeper.duckdb"
    raw_layer(path)
    with duckdb.connect(str(path)) as con:
        con.execute("delete from raw.roadmap_items")
    selected = ["--select", "+dim_themes", "+fct_feedback_roadmap_mentions"]
    dbt(["build", *selected, "--resource-type", "seed", "--resource-type", "model"], path, as_of)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute(
            "select count(*) from marts.fct_feedback_roadmap_mentions"
        ).fetchall() == [(0,)]
        themes = con.execute(
            "select count(*), count(roadmap_item_id) from marts.dim_themes"
        ).fetchall()
    assert themes == [(2, 0)]


def test_only_problems_and_requests_go_to_product(
    dbt: Callable[[Sequence[str], Path, str], None],
    raw_layer: Callable[[Path], None],
    as_of: str,
    tmp_path: Path,
) -> None:
    # Kim's remark is tagged with no intent ("Other: general feedback"), Sam's with praise and
    # the QBR's SSO bullet with a question: none asks product for something, so no escalation
    # model reads them, whatever their reach; the exports fault (RM-1 in progress) stays.
    path = tmp_path / "loopkeeper.duckdb"
    raw_layer(path)
    retagged = [
        ("widget:wfb_1", "", "", "other.general", "Other: general feedback"),
        ("nps:r2", "praise", "praise", "other.praise", "Other: praise"),
        ("note:n1:1", "question", "question", "other.question.sso", "Questions: sso"),
    ]
    with duckdb.connect(str(path)) as con:
        for item_id, intents, intent, key, label in retagged:
            con.execute(
                "insert into raw.feedback_tags (item_id, model_version, intents, intent, sentiment,"
                " sentiment_score, severity, product_area, competitors, theme_key, theme_label,"
                " redacted_text, tagged_at) values (?, 'tagger-2', ?, ?, 'neutral', 0.0,"
                " 'low', '', '', ?, ?, 'text', '2026-11-09 03:00:00')",
                [item_id, intents, intent, key, label],
            )
    dbt(["build", "--select", "+loop_theme_escalation_items", "+loop_theme_escalation_accounts",
         "--resource-type", "seed", "--resource-type", "model"], path, as_of)  # fmt: skip
    with duckdb.connect(str(path), read_only=True) as con:
        themes = con.execute(
            "select theme_key, is_for_product from marts.dim_themes order by theme_key"
        ).fetchall()
        items = con.execute(
            "select distinct theme_key from loop.loop_theme_escalation_items"
            " union select distinct theme_key from loop.loop_theme_escalation_accounts"
        ).fetchall()
    assert ("other.general", False) in themes and ("other.praise", False) in themes
    assert ("other.question.sso", False) in themes and ("exports", True) in themes
    assert items == [("exports",)]
