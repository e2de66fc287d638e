"""A suppressed address gets no customer email, and the night says how many were held back."""

from __future__ import annotations

# On the suppression list before the first night (conftest); Fabrikam's widget user.
SUPPRESSED = "ops@fabrikam.com"


def test_a_suppressed_address_gets_no_customer_email(nights) -> None:
    assert [row for row in nights.outbox_after_first if row["to_email"] == SUPPRESSED] == []
    assert not [
        path
        for path in nights.mail_dir.glob("*.eml")
        if SUPPRESSED in path.read_text(encoding="utf-8")
    ]


def test_the_suppressed_acknowledgment_is_counted(nights) -> None:
    assert nights.first.acks.suppressed == 1
    assert nights.first.suppressed == 1
    assert any("1 suppressed" in line for line in nights.first.lines())
