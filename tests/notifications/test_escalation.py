from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from notifications import (
    Escalated,
    EscalationThresholds,
    FeedbackItem,
    Outbox,
    ThemeAccount,
    ThemeEvidence,
    answer_needed_by,
    escalated_theme_keys,
    escalates,
    escalation_document,
    escalation_reasons,
    record_escalation,
    write_escalation_document,
    write_escalation_index,
)
from notifications.escalation import representative_verbatims
from notifications.escalation_store import escalation_file_name

ItemFactory = Callable[..., FeedbackItem]
AS_OF = date(2026, 11, 22)
ONLY_ACCOUNTS = EscalationThresholds(min_accounts=3, min_arr=None, min_retention_risk_accounts=None)


def account(n: int, arr: float = 50_000.0, **changes: object) -> ThemeAccount:
    fields: dict[str, object] = {
        "account_id": f"A{n}",
        "account_name": f"Account {n}",
        "tier": "Mid-Market",
        "arr": arr,
        "renewal_date": None,
    }
    fields.update(changes)
    return ThemeAccount(**fields)  # type: ignore[arg-type]


def theme(
    accounts: tuple[ThemeAccount, ...], items: tuple[FeedbackItem, ...] = (), **changes: object
) -> ThemeEvidence:
    fields: dict[str, object] = {
        "theme_key": "theme:export-timeouts",
        "theme_label": "export timeouts",
        "product_area": "exports",
        "accounts": accounts,
        "items": items,
    }
    fields.update(changes)
    return ThemeEvidence(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("accounts", "thresholds", "crossed"),
    [
        pytest.param(3, ONLY_ACCOUNTS, True, id="3 accounts at 3"),
        pytest.param(2, ONLY_ACCOUNTS, False, id="2 accounts under 3"),
        pytest.param(
            2,
            EscalationThresholds(
                min_accounts=None, min_arr=100_000.0, min_retention_risk_accounts=None
            ),
            True,
            id="arr at 100k",
        ),
        pytest.param(
            1,
            EscalationThresholds(
                min_accounts=None, min_arr=100_000.0, min_retention_risk_accounts=None
            ),
            False,
            id="arr under",
        ),
        pytest.param(
            2,
            EscalationThresholds(min_accounts=None, min_arr=None, min_retention_risk_accounts=2),
            True,
            id="retention risk",
        ),
        pytest.param(
            5,
            EscalationThresholds(min_accounts=None, min_arr=None, min_retention_risk_accounts=None),
            False,
            id="all switched off",
        ),
    ],
)
def test_escalation_thresholds(
    accounts: int, thresholds: EscalationThresholds, crossed: bool
) -> None:
    evidence = theme(tuple(account(n, at_retention_risk=True) for n in range(accounts)))
    assert bool(escalation_reasons(evidence, AS_OF, thresholds)) is crossed


def test_an_account_listed_twice_counts_once() -> None:
    evidence = theme((account(1), account(1), account(2)))
    assert escalation_reasons(evidence, AS_OF, ONLY_ACCOUNTS) == ()


def test_answer_is_due_before_the_first_renewal_when_that_is_sooner() -> None:
    soon = theme((account(1, renewal_date=date(2027, 1, 1)),))
    far = theme((account(1, renewal_date=date(2027, 6, 1)),))
    imminent = theme((account(1, renewal_date=date(2026, 11, 30)),))
    assert answer_needed_by(soon, AS_OF) == date(2026, 12, 2)  # 30 days before renewal
    assert answer_needed_by(far, AS_OF) == date(2026, 12, 6)  # 14 days
    assert answer_needed_by(imminent, AS_OF) == date(2026, 11, 25)  # never under 3 days


def evidence_with_words(make_item: ItemFactory) -> ThemeEvidence:
    accounts = (
        account(
            1, 400_000.0, tier="Enterprise", renewal_date=date(2027, 1, 10), at_retention_risk=True
        ),
        account(2, 20_000.0, tier="SMB"),
    )
    items = (
        make_item(
            item_id="nps:1",
            account_id="A2",
            tier="SMB",
            text="Exports time out; mail me at sam@fabrikam.com",
        ),
        make_item(
            item_id="nps:2",
            account_id="A1",
            tier="Enterprise",
            text="<script>alert('x')</script> # Exports [fail](http://evil) every Monday",
        ),
    )
    return theme(accounts, items, workaround="Export one quarter at a time.")


def test_document_puts_business_impact_first(make_item: ItemFactory) -> None:
    document = escalation_document(evidence_with_words(make_item), as_of=AS_OF)

    headings = [line for line in document.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Business impact",
        "## The problem, from the customer's side",
        "## What customers said",
        "## Current workaround",
        "## The ask",
    ]
    impact = document[document.index("## Business impact") : document.index("## The problem")]
    assert "$420,000 across 2 accounts, 1 of them Enterprise" in impact
    assert "Account 1 (Enterprise, $400,000) renews 10 January 2027" in impact
    assert "Answer needed by 6 December 2026" in document  # 14 days: sooner
    assert "Export one quarter at a time." in document


def test_document_quotes_redacted_inert_verbatims_biggest_account_first(
    make_item: ItemFactory,
) -> None:
    document = escalation_document(evidence_with_words(make_item), as_of=AS_OF)

    said = document[document.index("## What customers said") : document.index("## Current")]
    assert said.index("Enterprise customer, $400,000 ARR") < said.index("SMB customer, $20,000")
    assert "sam@fabrikam.com" not in document
    assert "<script>" not in document and "&lt;script&gt;" in document
    assert "[fail\\](http://evil)" in document  # no link


def test_verbatims_take_one_item_per_account_first_then_the_rest_biggest_arr_first(
    make_item: ItemFactory,
) -> None:
    big, small = account(1, arr=400_000.0), account(2, arr=20_000.0)
    items = tuple(
        make_item(
            item_id=f"nps:{name}",
            account_id=owner.account_id,
            received_at=datetime(2026, 11, day, tzinfo=UTC),
        )
        for name, owner, day in [
            ("big-old", big, 1),
            ("big-new", big, 9),
            ("small", small, 5),
            ("big-mid", big, 4),
        ]
    )

    quoted = representative_verbatims(theme((big, small), items), limit=3)

    assert [item.item_id for item, _ in quoted] == ["nps:big-new", "nps:small", "nps:big-mid"]
    assert [owner.account_id for _, owner in quoted if owner] == ["A1", "A2", "A1"]


def test_verbatims_pass_over_items_with_nothing_to_quote_and_stop_at_the_limit(
    make_item: ItemFactory,
) -> None:
    owners = [account(n, arr=100_000.0 * (10 - n)) for n in range(1, 8)]
    items = tuple(
        make_item(
            item_id=f"nps:{owner.account_id}-{day}",
            account_id=owner.account_id,
            received_at=datetime(2026, 11, day, tzinfo=UTC),
            # the biggest account's newest item says nothing: its older one speaks for it
            **({"text": " ", "redacted_text": ""} if (owner.account_id, day) == ("A1", 9) else {}),
        )
        for owner in reversed(owners)
        for day in (3, 9)
    )

    quoted = representative_verbatims(theme(tuple(owners), items), limit=4)
    assert [item.item_id for item, _ in quoted] == ["nps:A1-3", "nps:A2-9", "nps:A3-9", "nps:A4-9"]

    # fewer accounts than the limit: their other items fill it, biggest ARR first, then newest
    quoted = representative_verbatims(theme(tuple(owners[:2]), items[-4:]), limit=4)
    assert [item.item_id for item, _ in quoted] == ["nps:A1-3", "nps:A2-9", "nps:A2-3"]


def test_document_is_written_atomically_under_a_stable_name(
    make_item: ItemFactory, tmp_path: Path
) -> None:
    evidence = evidence_with_words(make_item)

    path = write_escalation_document(evidence, tmp_path / "escalations", as_of=AS_OF)
    again = write_escalation_document(evidence, tmp_path / "escalations", as_of=AS_OF)

    assert path == again == tmp_path / "escalations" / escalation_file_name(evidence.theme_key)
    assert path.name.startswith("escalation-theme-export-timeouts-") and path.suffix == ".md"
    assert path.read_text(encoding="utf-8") == escalation_document(evidence, as_of=AS_OF)
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left


def test_file_names_differ_for_keys_that_read_alike() -> None:
    assert escalation_file_name("Theme: Exports") != escalation_file_name("theme-exports")


def test_an_escalation_is_recorded_once(
    make_item: ItemFactory, outbox: Outbox, con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    evidence = evidence_with_words(make_item)
    at = datetime(2026, 11, 22, 0, 5, tzinfo=UTC).replace(tzinfo=None)
    path = tmp_path / "x.md"

    assert record_escalation(con, evidence, path, escalated_at=at, run_date=AS_OF) is True
    assert record_escalation(con, evidence, path, escalated_at=at, run_date=AS_OF) is False

    assert escalated_theme_keys(con) == {"theme:export-timeouts"}
    row = con.execute(
        "select accounts, arr, reasons, document_path from ops.escalations"
    ).fetchone()
    assert row == (2, 420_000.0, "$420,000 ARR (threshold $250,000)", str(path))


def test_counts_are_written_in_words_one_and_many(make_item: ItemFactory) -> None:
    one = theme(
        (account(1, tier="Enterprise", at_retention_risk=True),),
        (make_item(item_id="nps:1", account_id="A1", text="SSO & login breaks"),),
        theme_label="SSO & login",
    )
    document = escalation_document(one, as_of=AS_OF)
    assert "across 1 account, 1 of them Enterprise" in document
    assert "on 1 account that mentioned leaving" in document
    assert "1 of 1 item shown" in document
    assert "raised 1 piece of feedback" in document
    assert "(s)" not in document
    assert "# Escalation: SSO & login" in document and "&amp;" not in document


BAR = EscalationThresholds(min_accounts=3, min_arr=100_000.0, min_retention_risk_accounts=1)


@pytest.mark.parametrize(
    ("accounts", "arr", "risk", "escalated", "watched"),
    [
        pytest.param(3, 50_000.0, True, True, True, id="every threshold: a document"),
        pytest.param(3, 50_000.0, False, False, True, id="accounts and ARR only: watched"),
        pytest.param(1, 150_000.0, False, False, True, id="ARR only: watched"),
        pytest.param(1, 20_000.0, False, False, False, id="none: neither"),
    ],
)
def test_a_theme_is_escalated_when_it_crosses_every_threshold_and_watched_on_some(
    accounts: int, arr: float, risk: bool, escalated: bool, watched: bool
) -> None:
    evidence = theme(tuple(account(n, arr, at_retention_risk=risk) for n in range(accounts)))
    assert escalates(evidence, AS_OF, BAR) is escalated
    assert bool(escalation_reasons(evidence, AS_OF, BAR)) is watched


def test_requests_are_headed_arr_asking_and_at_risk_only_with_a_retention_signal(
    make_item: ItemFactory,
) -> None:
    asks = tuple(
        make_item(item_id=f"nps:{n}", account_id=f"A{n}", intent="feature_request", text="Add X")
        for n in (1, 2)
    )
    calm = theme((account(1), account(2)), asks, theme_label="Exports: requests for xlsx")
    document = escalation_document(calm, as_of=AS_OF)
    assert "**ARR asking:** $100,000 across 2 accounts" in document
    assert "ARR at risk" not in document
    assert "none of these accounts mentioned leaving" in document

    faults = tuple(
        make_item(item_id=f"nps:{n}", account_id=f"A{n}", intent="bug", text="X breaks")
        for n in (1, 2)
    )
    risky = theme((account(1, at_retention_risk=True), account(2)), faults)
    document = escalation_document(risky, as_of=AS_OF)
    assert "**ARR affected:** $100,000 across 2 accounts" in document
    assert "**ARR at risk:** $50,000 on 1 account that mentioned leaving" in document


def test_the_problem_line_names_the_area_once(make_item: ItemFactory) -> None:
    item = make_item(item_id="nps:1", account_id="A1", text="Rate limits hurt")
    named = theme(
        (account(1),), (item,), theme_label="API: rate limit problems", product_area="api"
    )
    document = escalation_document(named, as_of=AS_OF)
    assert "raised 1 piece of feedback about API: rate limit problems." in document
    bare = theme((account(1),), (item,), theme_label="rate limits", product_area="api")
    assert "about rate limits in API." in escalation_document(bare, as_of=AS_OF)


def test_the_index_links_escalations_and_lists_watched_themes_biggest_arr_first(
    tmp_path: Path,
) -> None:
    watched = [
        theme((account(1, 150_000.0),), theme_key="t:small", theme_label="Small | pipes"),
        theme((account(2, 300_000.0),), theme_key="t:big", theme_label="Big & bold"),
    ]
    escalated = [Escalated("Exports: fails", date(2026, 11, 20), tmp_path / "escalation-x.md")]
    path = write_escalation_index(tmp_path, escalated, watched, as_of=AS_OF, thresholds=BAR)
    text = path.read_text(encoding="utf-8")
    assert path.name == "index.md"
    assert "1 theme escalated" in text and "2 more themes below the escalation bar" in text
    assert "[escalation-x.md](escalation-x.md)" in text
    assert text.index("Big & bold") < text.index("Small \\| pipes")
    assert "$300,000 ARR (threshold $100,000)" in text
