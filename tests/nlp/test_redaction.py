import pytest

from nlp.redact import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("write to priya.raman@northwind.example", "write to [email]", id="email"),
        pytest.param("call +1 415 555 0134 today", "call [phone] today", id="phone international"),
        pytest.param("call (415) 555-0134", "call [phone]", id="phone with area code"),
        pytest.param("ring 020 7946 0958.", "ring [phone].", id="phone uk"),
        pytest.param(
            "see https://app.example.com/r/42?token=abc123, thanks",
            "see [url], thanks",
            id="url with query",
        ),
        pytest.param(
            "reset at https://app.example.com/reset/9f8e7d6c5b4a3f2e1d0c9b8a",
            "reset at [url]",
            id="url with token path",
        ),
    ],
)
def test_pii_is_replaced_by_its_kind(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("exports time out above 10,000 rows", id="amount"),
        pytest.param("broken since 2026-11-02", id="date"),
        pytest.param("see https://app.example.com/reports/42 for the report", id="plain url"),
        pytest.param("upgraded to 3.8.18 last week", id="version"),
    ],
)
def test_text_without_pii_is_unchanged(text: str) -> None:
    assert redact(text) == text
