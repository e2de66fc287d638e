"""The public tagger: load the trained pipeline, stream texts through it, get Tags back."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from nlp.redact import redact
from nlp.tag import Tag
from nlp.taxonomy import Taxonomy, load_taxonomy
from nlp.themes import theme_for

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODELS_ROOT = Path(__file__).resolve().parent.parent / "models"
MODEL_DIR = MODELS_ROOT / "tagger"
TAXONOMY_DIR = MODELS_ROOT / "taxonomy"


class Tagger:
    """Wraps a loaded pipeline; build one with Tagger.load()."""

    def __init__(self, nlp: Language, taxonomy: Taxonomy) -> None:
        nlp.get_pipe("loopkeeper_taxonomy").configure(taxonomy)  # type: ignore[attr-defined]
        self.nlp = nlp
        self.taxonomy = taxonomy
        self._stop_words = frozenset(nlp.Defaults.stop_words)
        self._area_labels = {area.name: area.label for area in taxonomy.areas}
        self._generic = {area.name: area.generic for area in taxonomy.areas}
        meta = nlp.meta
        corpus_hash = str(meta.get("corpus", {}).get("sha256", ""))[:8] or "untracked"
        self.version = f"{meta.get('version', '0.0.0')}+{corpus_hash}.t{taxonomy.digest[:6]}"

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

        # The saved pipeline names our factories and scorer: register them before loading.
        import nlp.components
        import nlp.scorers  # noqa: F401

        if not (model_dir / "meta.json").is_file():
            raise FileNotFoundError(
                f"{model_dir}: no trained pipeline (meta.json missing); "
                "run `uv run python -m nlp.train`"
            )
        pipeline = spacy.load(model_dir)
        if threshold is not None:
            intents = pipeline.get_pipe("loopkeeper_intents")
            intents.threshold = threshold  # type: ignore[attr-defined]
        return cls(pipeline, load_taxonomy(taxonomy_dir or TAXONOMY_DIR))

    def tag(self, texts: Iterable[str | None], batch_size: int = 1000) -> Iterator[Tag]:
        """Tag texts lazily and in order; None and "" give a Tag with no intents."""
        # spaCy's as_tuples costs more per doc than the tagging rules, so the redacted texts wait
        # in a queue instead: nlp.pipe hands docs back in the order it took the texts.
        pending: deque[str] = deque()

        def feed() -> Iterator[str]:
            for text in texts:
                redacted = redact(text) if text else ""
                pending.append(redacted)
                # A zero-token doc next to others crashes spaCy's bag-of-words ngrams
                # (IndexError), so an empty text goes through as one space.
                yield redacted or " "

        for doc in self.nlp.pipe(feed(), batch_size=batch_size):
            yield self._to_tag(doc, pending.popleft())

    def _to_tag(self, doc: Doc, redacted: str) -> Tag:
        from nlp.docstate import state_of

        state = state_of(doc)
        area = state.product_area
        theme = theme_for(
            area,
            self._area_labels.get(area, ""),
            state.area_keyword,
            state.intent,
            state.words,
            self._stop_words,
            self._generic.get(area, ""),
        )
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
            theme_key=theme.key,
            theme_label=theme.label,
        )
