"""The public tagger: load the trained pipeline, stream texts through it, get Tags back.

`tag` does not build spaCy Docs: it tokenises with the pipeline's own regex, scores each batch
with the trained classifiers' layers on features computed in a few numpy calls, and runs the
rule components' `apply` on a plain record. That gives the same tags as `nlp.pipe` (a test
holds it to that) at several times the speed, since making Docs costs more than all the rest.
"""

from __future__ import annotations

import ast
import functools
import gc
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

from nlp.redact import redact
from nlp.state import DocState, new_state
from nlp.subjects import content_terms, pieces_of
from nlp.tag import Tag
from nlp.taxonomy import Taxonomy, load_taxonomy
from nlp.theme_book import ThemeBook
from nlp.theme_labels import fill
from nlp.themes import FILLER, theme_kind, theme_name, theme_template

if TYPE_CHECKING:
    import numpy
    from spacy.language import Language
    from threadpoolctl import ThreadpoolController

    from nlp.components import RuleComponent
    from nlp.embedding_intents import EmbeddingIntents

MODELS_ROOT = Path(__file__).resolve().parent.parent / "models"
MODEL_DIR = MODELS_ROOT / "tagger"
TAXONOMY_DIR = MODELS_ROOT / "taxonomy"
CLASSIFIERS = ("textcat_multilabel", "sentiment")
# The modules whose code decides tags beside the trained weights: the wording rules, the
# tokenizer, the theme placing and naming. Their code is part of the tagger's version, so a
# warehouse tags its items again when the rules change, as when the weights or the taxonomy do;
# an edit to their comments or docstrings changes nothing.
RULE_MODULES = (
    "tokens", "phrases", "cues", "rules", "lexicon", "components", "redact", "subjects",
    "themes", "theme_labels", "theme_book",
)  # fmt: skip
HEAD_PIPE = "loopkeeper_embedding_intents"


@dataclass(frozen=True)
class Classified:
    """A batch read by the classifiers and rules, not yet in themes (plain data: picklable)."""

    tags: list[Tag]  # everything but theme_key and theme_label
    names: list[tuple[str, str, str]]  # each item's theme bucket, keyword and first label
    vectors: numpy.ndarray  # each item's theme vector
    terms: list[list[str]]  # each item's labelling terms


class Placeable(Protocol):
    """What placing a batch in themes reads of it (`Tagger.place_themes`): a `Classified`, or
    the same batch in another form that carries these three as `Classified` does."""

    @property
    def names(self) -> list[tuple[str, str, str]]: ...

    @property
    def vectors(self) -> numpy.ndarray: ...

    @property
    def terms(self) -> list[list[str]]: ...


class Tagger:
    """Wraps a loaded pipeline; build one with Tagger.load()."""

    def __init__(self, nlp: Language, taxonomy: Taxonomy) -> None:
        from nlp.bow import Features
        from nlp.embed import Embedder

        nlp.get_pipe("loopkeeper_taxonomy").configure(taxonomy)  # type: ignore[attr-defined]
        self.nlp = nlp
        self.taxonomy = taxonomy
        self._stop_words = frozenset(nlp.Defaults.stop_words)
        self._area_labels = {area.name: area.label for area in taxonomy.areas}
        self._generic = {area.name: area.generic for area in taxonomy.areas}
        self._features = Features(nlp.vocab.strings)
        self._embedder = Embedder.load()
        self._classifiers = [
            (nlp.get_pipe(name).model, tuple(nlp.get_pipe(name).labels))  # type: ignore[attr-defined]
            for name in CLASSIFIERS
            if name in nlp.pipe_names
        ]
        self._head = (
            cast("EmbeddingIntents", nlp.get_pipe(HEAD_PIPE))
            if HEAD_PIPE in nlp.pipe_names
            else None
        )
        # The themes items join; a fresh book groups one run's items among themselves, and the
        # nightly hands in the warehouse's book so items join the themes of earlier nights.
        self.themes = ThemeBook()
        # Whether each Tag carries its theme's label as of its batch. Callers that write every
        # label once at the end (the nightly, `loopkeeper tag`) turn it off: a tag then carries
        # the label its theme started with, and the labelling work is done once, not per batch.
        self.live_labels = True
        self._rules = [cast("RuleComponent", nlp.get_pipe(name)) for name in _rule_pipes()]
        self.version = _version(nlp.meta, taxonomy)

    @classmethod
    def load(
        cls,
        model_dir: Path = MODEL_DIR,
        *,
        taxonomy_dir: Path | None = None,
        threshold: float | None = None,
    ) -> Tagger:
        """Load the trained pipeline and the taxonomy files (default: models/taxonomy)."""
        import spacy  # imported here so that `import nlp` stays light

        # The saved pipeline names our tokenizer, architecture, factories and scorer.
        import nlp.bow
        import nlp.components
        import nlp.embedding_intents
        import nlp.scorers
        import nlp.tokenizer  # noqa: F401

        if not (model_dir / "meta.json").is_file():
            raise FileNotFoundError(
                f"{model_dir}: no trained pipeline (meta.json missing); "
                "run `uv run python -m nlp.train`"
            )
        pipeline = spacy.load(model_dir)
        if threshold is not None:
            intents = pipeline.get_pipe("loopkeeper_intents")
            intents.threshold = threshold  # type: ignore[attr-defined]
            intents.label_thresholds = {}  # type: ignore[attr-defined]
        return cls(pipeline, load_taxonomy(taxonomy_dir or TAXONOMY_DIR))

    def tag(self, texts: Iterable[str | None], batch_size: int = 1000) -> Iterator[Tag]:
        """Tag texts lazily and in order; None and "" give a Tag with no intents."""
        stream = iter(texts)
        while batch := list(islice(stream, max(1, batch_size))):
            yield from self.place(self.classify_texts(batch))

    def classify_texts(self, texts: list[str | None]) -> Classified:
        """`classify` for raw texts: redacted first; None and "" give no intents."""
        return self.classify([redact(text) if text else "" for text in texts])

    def tag_redacted(self, redacted: list[str]) -> list[Tag]:
        """Tag one batch of already-redacted texts."""
        with _batch_work():
            return self.place(self.classify(redacted))

    def classify(self, redacted: list[str]) -> Classified:
        """Everything about a batch but its themes: the part that runs anywhere, in any order.

        Each text's tag depends on that text alone, so batches may be classified in other
        processes (or machines) and placed afterwards, in order, by one `place`.
        """
        with _batch_work():
            return self._classify(redacted)

    def _classify(self, redacted: list[str]) -> Classified:
        import numpy

        from nlp.bow import score
        from nlp.embed import theme_vectors
        from nlp.embedding_intents import best_of_sentences

        states = [new_state(text) for text in redacted]
        # the words themes are named by: hyphenated compounds whole, phrases ended at punctuation
        pieces = [pieces_of(text) for text in redacted]
        words = [state.words for state in states]
        features = self._features(words)
        columns: list[tuple[tuple[str, ...], Any]] = []
        embedded = self._embedder.sentences(words)
        head_probs = None
        if len(features[0]):
            columns = [(labels, score(model, features)) for model, labels in self._classifiers]
            if self._head is not None and self._head.trained:
                head_probs = self._head.text_probabilities(embedded)
                if len(embedded.owner) and CLASSIFIERS[0] in self.nlp.pipe_names:
                    # The textcat, too, reads a text of several sentences by its best one.
                    model, labels = self._classifiers[0]
                    sentences = self._features(embedded.sentence_words(words))
                    best_of_sentences(
                        columns[0][1], numpy.asarray(score(model, sentences)), embedded.owner
                    )
        for row, state in enumerate(states):
            cats: dict[str, float] = {}
            for labels, probs in columns:
                cats.update(zip(labels, probs[row].tolist(), strict=True))
            if self._head is not None and head_probs is not None and state.words:
                self._head.blend(cats, head_probs[row])
            for rule in self._rules:
                rule.apply(state, cats)
        return Classified(
            tags=[
                self._to_tag(state, text, ("", ""))
                for state, text in zip(states, redacted, strict=True)
            ],
            names=[
                self._theme_name(state, item) for state, item in zip(states, pieces, strict=True)
            ],
            vectors=theme_vectors(embedded.texts),
            terms=[
                content_terms(
                    item, self._stop_words, FILLER, asks=state.intent == "feature_request"
                )
                for state, item in zip(states, pieces, strict=True)
            ],
        )

    def place(self, batch: Classified) -> list[Tag]:
        """Put a classified batch's items in themes, in order: the part that runs in one place.

        The theme book is stateful (an item joins a theme an earlier item started), so batches
        are placed one after another, in the order of their items, whoever classified them.
        """
        themes = self.place_themes(batch)
        return [
            replace(tag, theme_key=key, theme_label=label)
            for tag, (key, label) in zip(batch.tags, themes, strict=True)
        ]

    def place_themes(self, batch: Placeable) -> list[tuple[str, str]]:
        """`place`, giving each item's (theme_key, theme_label) rather than a new Tag."""
        with _batch_work():
            themes = self.themes.assign(
                [bucket for bucket, _, _ in batch.names],
                batch.vectors,
                [(word, label) for _, word, label in batch.names],
            )
            self.themes.terms.add_many([key for key, _ in themes], batch.terms)
            if not self.live_labels:
                return themes
            named = {key: self.theme_label(key) for key in dict.fromkeys(k for k, _ in themes)}
            return [(key, named[key]) for key, _ in themes]

    def theme_label(self, theme_key: str) -> str:
        """The theme's label now: its template filled with its most distinctive words ("" for
        no theme: an item with no words)."""
        if not theme_key:
            return ""
        book = self.themes
        bucket = book.bucket_of[theme_key]
        area = bucket.partition(".")[0]
        template, said = theme_template(bucket, self._area_labels.get(area, ""))
        terms = book.terms.top_terms(theme_key, exclude=said | {self._generic.get(area, "")})
        return fill(template, terms, book.first_label[theme_key])

    def _theme_name(self, state: DocState, pieces: list[str]) -> tuple[str, str, str]:
        area = state.product_area
        return theme_name(
            area,
            self._area_labels.get(area, ""),
            state.area_keyword,
            theme_kind(state.intents),
            pieces,
            self._stop_words,
            self._generic.get(area, ""),
        )

    def _to_tag(self, state: DocState, redacted: str, theme: tuple[str, str]) -> Tag:
        area = state.product_area
        return Tag(
            intents=state.intents,
            intent_scores=dict(state.intent_scores),
            intent=state.intent,
            sentiment=state.sentiment,
            sentiment_score=state.sentiment_score,
            severity=state.severity,
            product_area=area,
            competitors=state.competitors,
            redacted_text=redacted,
            theme_key=theme[0],
            theme_label=theme[1],
        )


@contextmanager
def _batch_work() -> Iterator[None]:
    """Pause the garbage collector, and keep BLAS on this thread, while a batch is tagged.

    A batch allocates tens of thousands of small objects, none in reference cycles, and the
    collector would rescan the loaded pipeline's objects again and again meanwhile: it is paused
    for the batch (never while the caller's code runs), which doubles throughput.

    A batch's matrix products are small (a thousand texts by a few hundred numbers): OpenBLAS
    splits them over every core and its threads then spin while they wait, which does not make
    one batch faster (6,030 against 5,940 items/s on 30,000 texts) but burned 10.6 s of CPU
    for 6.1 s of work. With two Dask workers classifying beside the process that places
    themes, those spinning threads took the cores the workers needed: on a 100k-item night the
    workers classified 5,234 and 4,161 items/s with them, 5,999 and 4,630 with one thread here;
    on a million items 4,235 and 4,372 against 4,620 and 4,731.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        with _blas().limit(limits=1, user_api="blas"):
            yield
    finally:
        if was_enabled:
            gc.enable()


@functools.cache
def _blas() -> ThreadpoolController:
    """The BLAS libraries numpy and scipy loaded (found once: finding them walks the process's
    shared libraries)."""
    import numpy  # noqa: F401  # loaded first, so its BLAS is among those found
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the collector off the objects alive now (the loaded pipeline, the theme book) for a
    long run of batches, and give them back to it afterwards.

    Between batches the collector still runs (unpickled results, data frames), and each full
    collection walked every object of the loaded model again: on a hundred thousand items that
    was half the time of the process that places and writes tags. `gc.freeze` moves today's
    objects out of its sight; nothing is leaked, since objects freed by reference counting are
    freed as ever, and `gc.unfreeze` hands them back at the end.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _rule_pipes() -> tuple[str, ...]:
    from nlp.components import RULE_PIPES

    return RULE_PIPES


def _version(meta: dict[str, Any], taxonomy: Taxonomy) -> str:
    """The tagger's version: the weights' release and corpus, the taxonomy's and the rules'
    digests. A warehouse tags its items again when it changes."""
    corpus_hash = str(meta.get("corpus", {}).get("sha256", ""))[:8] or "untracked"
    return (
        f"{meta.get('version', '0.0.0')}+{corpus_hash}.t{taxonomy.digest[:6]}.r{rules_digest()[:6]}"
    )


def tagger_version(model_dir: Path = MODEL_DIR, *, taxonomy_dir: Path | None = None) -> str:
    """The version ``Tagger.load`` with these arguments would have, without loading the
    pipeline (seconds): enough to learn that nothing needs tagging."""
    import json

    meta_path = model_dir / "meta.json"
    if not meta_path.is_file():
        raise FileNotFoundError(
            f"{model_dir}: no trained pipeline (meta.json missing); "
            "run `uv run python -m nlp.train`"
        )
    meta = json.loads(meta_path.read_text("utf-8"))
    return _version(meta, load_taxonomy(taxonomy_dir or TAXONOMY_DIR))


@functools.cache  # read once per process (~0.1 s), at the first tagger it loads
def rules_digest() -> str:
    """sha256 of the code of RULE_MODULES, comments, docstrings and layout left out."""
    here = Path(__file__).resolve().parent
    return code_digest((here / f"{name}.py").read_text(encoding="utf-8") for name in RULE_MODULES)


def code_digest(sources: Iterable[str]) -> str:
    """sha256 of Python sources' syntax trees: what the code does, not how it is written down."""
    digest = hashlib.sha256()
    for source in sources:
        tree = ast.parse(source)
        for node in ast.walk(tree):
            body = getattr(node, "body", None)
            if (
                isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                node.body = body[1:] or [ast.Pass()]
        digest.update(ast.dump(tree).encode())
    return digest.hexdigest()
