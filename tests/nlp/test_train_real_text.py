"""`nlp.train --real-text`: a labelled file of real feedback is scored on the labels it defines."""

from pathlib import Path

from nlp import Tagger
from nlp.train import score_real_text


def test_real_text_scores_only_the_labels_the_file_defines(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text(
        "text,labels\n"
        '"Keeps crashing when I open a photo",bug\n'
        '"Way too expensive for what it does",pricing\n'
        '"Please add a dark mode",\n',
        encoding="utf-8",
    )
    scores = score_real_text(Tagger.load(), [path])["reviews.csv"]
    assert scores["items"] == 3
    # feature_request is not labelled in this file, so predicting it is neither right nor wrong.
    assert set(scores["intents_per_label"]) == {"bug", "pricing"}
    assert scores["intents_per_label"]["bug"]["support"] == 1
    assert 0.0 <= scores["intents_macro_f"] <= 1.0
