"""Themes from embeddings: paraphrases join, different subjects do not, and the book is stable."""

import numpy
import pytest

from nlp.embed import Embedder, theme_vectors
from nlp.theme_book import ThemeBook, ThemeRow


@pytest.fixture(scope="module")
def embed() -> Embedder:
    return Embedder.load()


def themes_of(book: ThemeBook, embed: Embedder, bucket: str, texts: list[str]) -> list[str]:
    vectors = theme_vectors(embed([t.lower() for t in texts]))
    names = [(text.split()[-1], text) for text in texts]
    return [key for key, _ in book.assign([bucket] * len(texts), vectors, names)]


def test_embeddings_are_unit_vectors_and_blank_text_is_zero(embed: Embedder) -> None:
    vectors = embed(["the export never finishes", ""])
    assert vectors.shape == (2, 256) and vectors.dtype == numpy.float32
    assert abs(float(numpy.linalg.norm(vectors[0])) - 1) < 1e-5
    assert not vectors[1].any()


def test_items_with_no_words_start_no_theme_and_join_none(embed: Embedder) -> None:
    # NPS scores without a comment: each used to start a one-item theme nothing could join.
    book = ThemeBook()
    texts = ["", "the export never finishes", "", "the export never finishes", ""]
    vectors = theme_vectors(embed(texts))
    placed = book.assign(["other.general"] * 5, vectors, [("", "General feedback")] * 5)
    keys = [key for key, _ in placed]
    assert keys[0] == keys[2] == keys[4] == ""
    assert keys[1] == keys[3] != ""
    assert len(book) == 1 and [row.theme_key for row in book.take_new()] == [keys[1]]


def test_a_kept_theme_without_a_vector_is_not_loaded(embed: Embedder) -> None:
    book = ThemeBook()
    themes_of(book, embed, "other.general", ["the export never finishes"])
    kept = [*book.rows(), ThemeRow("other.general.old", "other.general", "Old", (0.0,) * 128)]
    assert [row.theme_key for row in ThemeBook.from_rows(kept).rows()] == [kept[0].theme_key]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param("Excel export keeps failing", "the xlsx download never finishes", id="export"),
        pytest.param("invoice shows the wrong VAT", "tax on our bill is miscalculated", id="tax"),
    ],
)
def test_paraphrases_with_no_content_word_in_common_share_a_theme(
    embed: Embedder, first: str, second: str
) -> None:
    # The taxonomy puts both in one area and subject; the embeddings keep them together there.
    keys = themes_of(ThemeBook(), embed, "exports.bug.xlsx", [first, second])
    assert keys[0] == keys[1]


def test_different_things_without_an_area_get_different_themes(embed: Embedder) -> None:
    texts = ["the app crashes when I open the camera", "my playlists vanished after the update"]
    keys = themes_of(ThemeBook(), embed, "other.bug", texts)
    assert keys[0] != keys[1]


def test_near_duplicates_without_an_area_share_a_theme(embed: Embedder) -> None:
    texts = ["the app crashes when I open the camera", "app crashing every time i open camera"]
    keys = themes_of(ThemeBook(), embed, "other.bug", texts)
    assert keys[0] == keys[1]


def test_themes_never_cross_buckets(embed: Embedder) -> None:
    book = ThemeBook()
    vectors = theme_vectors(embed(["search is broken", "search is broken"]))
    keys = book.assign(["search.bug", "search.feature_request"], vectors, [("a", "A"), ("b", "B")])
    assert keys[0][0] != keys[1][0]


def test_a_book_kept_between_runs_gives_the_same_themes_as_one_long_run(embed: Embedder) -> None:
    texts = [
        "the app crashes when I open the camera",
        "login fails with a blank screen",
        "app crashing every time i open camera",
        "cannot sign in, the screen goes blank",
        "playlists vanished after the update",
    ]
    one_run = themes_of(ThemeBook(), embed, "other.bug", texts)
    first = ThemeBook()
    night_one = themes_of(first, embed, "other.bug", texts[:2])
    stored = first.take_new()
    night_two = themes_of(ThemeBook.from_rows(stored), embed, "other.bug", texts[2:])
    assert night_one + night_two == one_run
    assert len(set(one_run)) < len(texts)


def test_a_bucket_too_large_for_one_product_is_placed_as_one_of_usual_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Near-duplicates in two buckets, interleaved, so items join themes their batch started.
    rng = numpy.random.default_rng(7)
    centres = rng.standard_normal((12, 16)).astype("f")
    picks = rng.integers(0, len(centres), 300)
    vectors = centres[picks] + 0.3 * rng.standard_normal((300, 16)).astype("f")
    vectors /= numpy.linalg.norm(vectors, axis=1, keepdims=True)
    buckets = ["other.bug" if i % 3 else "search.bug" for i in range(300)]
    names = [(f"w{i}", f"label {i}") for i in range(300)]

    usual = ThemeBook().assign(buckets, vectors, names)
    monkeypatch.setattr("nlp.theme_book.GRAM_ROWS", 0)
    one_by_one = ThemeBook().assign(buckets, vectors, names)

    assert usual == one_by_one
    assert len(set(usual)) < 100  # items did join themes started earlier in the batch
