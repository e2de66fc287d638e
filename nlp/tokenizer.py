"""The tagger's regex tokenizer as a spaCy tokenizer, named in config.cfg for training."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from nlp.tokens import TOKEN, apostrophes_restored, mended


class RegexTokenizer:
    """A spaCy tokenizer splitting with TOKEN; has nothing to save but must say so."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        text = mended(text)
        for match in TOKEN.finditer(text.replace("’", "'")):
            words.append(match.group(0))
            end = match.end()
            spaces.append(end < len(text) and text[end].isspace())
        # the words tagging reads (nlp.tokens.words_of), so training sees "don't" for "dont" too
        lowered = [word.lower() for word in words]
        restored = apostrophes_restored(lowered)
        words = [
            new if new != low else word
            for word, low, new in zip(words, lowered, restored, strict=True)
        ]
        return Doc(self.vocab, words=words, spaces=spaces)

    def to_disk(self, path: Path, **kwargs: Any) -> None:
        path.mkdir(parents=True, exist_ok=True)
        (path / "regex.txt").write_text(TOKEN.pattern, encoding="utf-8")

    def from_disk(self, path: Path, **kwargs: Any) -> "RegexTokenizer":
        saved = (path / "regex.txt").read_text(encoding="utf-8")
        if saved != TOKEN.pattern:
            raise ValueError(f"{path}: pipeline was trained with another tokenizer; retrain it")
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return TOKEN.pattern.encode()

    def from_bytes(self, data: bytes, **kwargs: Any) -> "RegexTokenizer":
        return self


@spacy.registry.tokenizers("loopkeeper.RegexTokenizer.v1")
def make_tokenizer() -> Callable[[Any], RegexTokenizer]:
    return lambda nlp: RegexTokenizer(nlp.vocab)
