from __future__ import annotations

import pytest
from markdown_it import MarkdownIt  # CommonMark, as GitHub, GitLab and memo tools read it

from notifications.markdown import markdown_text

RENDERER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def rendered(value: str, *, opening_a_line: bool = True) -> str:
    """The HTML a Markdown reader makes of the value, alone on a line or inside one."""
    source = markdown_text(value) if opening_a_line else "Note: " + markdown_text(value)
    return RENDERER.render(source)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("<img src=x onerror=alert(1)>", id="html tag"),
        pytest.param("<script>alert('x')</script>", id="script"),
        pytest.param("[click](javascript:alert(1))", id="link"),
        pytest.param("![pixel](http://evil/p.png)", id="image"),
        pytest.param("<http://evil.example>", id="autolink"),
        pytest.param("# Heading", id="heading"),
        pytest.param("- list item", id="bullet"),
        pytest.param("1. numbered", id="ordered list"),
        pytest.param("**bold** and _em_ and `code`", id="emphasis and code"),
        pytest.param("~~struck~~", id="strikethrough"),
        pytest.param("---", id="rule"),
    ],
)
def test_a_value_renders_as_its_own_text_and_nothing_else(value: str) -> None:
    for html in (rendered(value), rendered(value, opening_a_line=False)):
        for markup in ("<img", "<script", "<a ", "<h1", "<ul", "<ol", "<strong", "<em", "<code"):
            assert markup not in html
        assert "<del" not in html and "<hr" not in html


@pytest.mark.parametrize(
    ("value", "raw"),
    [
        pytest.param("SSO & login", "SSO & login", id="ampersand"),
        pytest.param("Regards, [name]", "Regards, [name]", id="placeholder"),
        pytest.param("Thanks!", "Thanks!", id="exclamation"),
        pytest.param("api_token expired", "api_token expired", id="snake case"),
        pytest.param("NPS -12.5", "NPS -12.5", id="negative number"),
    ],
)
def test_ordinary_punctuation_stays_as_written_in_the_file(value: str, raw: str) -> None:
    assert markdown_text(value) == raw
    assert rendered(value) == f"<p>{value.replace('&', '&amp;')}</p>\n"


def test_an_entity_in_the_data_is_shown_not_decoded() -> None:
    assert rendered("Tom &amp; Jerry &#60;3") == "<p>Tom &amp;amp; Jerry &amp;#60;3</p>\n"


def test_a_pipe_does_not_split_a_table_cell() -> None:
    table = f"| a | b |\n|---|---|\n| {markdown_text('x | y')} | z |\n"
    assert RENDERER.render(table).count("<td>") == 2
