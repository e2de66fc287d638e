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


def test_rescore_records_the_current_rules_scores_and_trains_nothing(tmp_path: Path) -> None:
    """After a change to the wording rules, `--rescore` writes the saved pipeline's scores on
    real text to its meta.json; the weights are not touched."""
    import json
    import shutil

    from nlp import MODEL_DIR
    from nlp.train import main

    model = tmp_path / "tagger"
    shutil.copytree(MODEL_DIR, model)
    weights = {p.relative_to(model): p.read_bytes() for p in model.rglob("*") if p.is_file()}
    path = tmp_path / "reviews.csv"
    path.write_text('text,labels\n"Keeps crashing when I open a photo",bug\n', encoding="utf-8")
    main([str(tmp_path / "no-corpus.jsonl"), str(model), "--rescore", "--real-text", str(path)])
    meta = json.loads((model / "meta.json").read_text(encoding="utf-8"))
    assert set(meta["performance"]["real_text"]) == {"reviews.csv"}
    assert meta["performance"]["real_text"]["reviews.csv"]["intents_per_label"]["bug"]["f"] == 1.0
    changed = [
        name
        for name, data in weights.items()
        if (model / name).read_bytes() != data and name.name != "meta.json"
    ]
    assert changed == []
