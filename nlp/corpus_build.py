"""Build `models/corpus/feedback.jsonl`: `uv run python -m nlp.corpus_build`.

The corpus is composed, not templated: every line of `models/corpus/statements/*.txt` is one
hand-written piece of feedback with its labels, and this script only dresses it the way each
source carries text (a ticket's greeting and sign-off, a widget's lowercase shorthand, a CSM's
"Ops lead: ..." bullet), sometimes with a typo or PII. A statement's variants stay inside one
source group (nps+ticket or widget+note), so the by-source split never sees its wording twice.
The "final" slice is not dressed: `models/corpus/final/*.txt` holds items written whole in
each source's style (`source | intents | sentiment | severity | text`, `\n` for a line break),
kept out of training and scored once per release. The first corpus (`seed.jsonl`, already
dressed) is carried over as it is.
"""

import argparse
import json
import random
from hashlib import sha256
from pathlib import Path

from nlp.corpus import CorpusError
from nlp.labels import INTENTS

CORPUS_DIR = Path(__file__).resolve().parent.parent / "models" / "corpus"
SENTIMENT = {"neg": "negative", "neu": "neutral", "pos": "positive"}
SEVERITY = {"c": "critical", "h": "high", "m": "medium", "l": "low"}
GROUPS = (("nps", "ticket"), ("widget", "note"))
FINAL_DIR = "final"

GREETINGS = ("Hi team,", "Hello,", "Hey there,", "Hi support,", "Good morning,", "Hi,", "")
CONTEXT = (
    "",
    "",
    "This affects our whole CS team.",
    "Screenshot attached.",
    "Happy to jump on a call.",
    "Let me know if you need more details.",
    "We are on the Business plan.",
    "Our account id is 4471.",
    "Reply to {email} please.",
    "Best number to reach me is {phone}.",
    "Example: https://app.example.com/share/{token}",
)
SIGNOFFS = ("Thanks,", "Regards,", "Best,", "Cheers,", "Thank you,", "Kind regards,", "--", "")
NAMES = (
    "Maria Lopez", "Jan Kowalski", "Priya", "Tom Becker", "Aisha Khan", "Sven", "Lena Fischer",
    "Diego Alvarez", "Kofi Mensah", "Yuki Tanaka", "Ola", "Chris O'Neill", "Fatima Zahra",
)  # fmt: skip
ROLES = ("Ops lead", "CS manager", "Admin", "VP Sales", "RevOps", "Head of Support", "Champion")
NOTE_PREFIXES = (
    "{role}: ", "- {role}: ", "QBR: ", "- ", "* ", "Call notes: ", "{role} said ",
    "Check-in call, {role}: ", "Their {role_lower}: ", "", "Customer: ", "EBR - ",
)  # fmt: skip
WIDGET_PREFIXES = ("", "", "", "[reports] ", "[settings] ", "[dashboard] ", "re: ")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m nlp.corpus_build", description=__doc__)
    parser.add_argument("--corpus-dir", type=Path, default=CORPUS_DIR)
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in (args.corpus_dir / "seed.jsonl").open(encoding="utf-8")]
    for path in sorted((args.corpus_dir / "statements").glob("*.txt")):
        for _, statement in read_statements(path):
            rows.extend(dress(statement))
    for path in sorted((args.corpus_dir / FINAL_DIR).glob("*.txt")):
        rows.extend(read_final(path))
    out = args.corpus_dir / "feedback.jsonl"
    with out.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{out}: {len(rows)} items")


def read_statements(path: Path) -> list[tuple[int, dict[str, object]]]:
    """Lines `intents | sentiment | severity | text`; intents `+`-joined, `-` for none."""
    return [_parse_statement(path, number, line) for number, line in _lines(path)]


def _parse_statement(path: Path, number: int, line: str) -> tuple[int, dict[str, object]]:
    parts = [p.strip() for p in line.split("|", 3)]
    if len(parts) != 4 or not parts[3]:
        raise CorpusError(f"{path}:{number}: expected 'intents | sentiment | severity | text'")
    intents = [] if parts[0] == "-" else parts[0].split("+")
    if any(i not in INTENTS for i in intents):
        raise CorpusError(f"{path}:{number}: unknown intent in {parts[0]!r}")
    if parts[1] not in SENTIMENT or parts[2] not in SEVERITY:
        raise CorpusError(f"{path}:{number}: sentiment neg|neu|pos, severity c|h|m|l")
    statement: dict[str, object] = {
        "intents": intents,
        "sentiment": SENTIMENT[parts[1]],
        "severity": SEVERITY[parts[2]],
        "text": parts[3],
    }
    return number, statement


def read_final(path: Path) -> list[dict[str, object]]:
    """Final-slice lines `source | intents | sentiment | severity | text`, as corpus rows."""
    rows: list[dict[str, object]] = []
    for number, line in _lines(path):
        source, _, rest = line.partition("|")
        if source.strip() not in STYLES:
            raise CorpusError(f"{path}:{number}: source must be one of {', '.join(STYLES)}")
        _, statement = _parse_statement(path, number, rest)
        text = str(statement.pop("text")).replace("\\n", "\n")
        rows.append({"text": text, "source": source.strip(), **statement, "split": "final"})
    return rows


def _lines(path: Path) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    return [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]


def dress(statement: dict[str, object]) -> list[dict[str, object]]:
    """Two or three source-styled variants of one statement, all in one source group."""
    text = str(statement["text"])
    rng = random.Random(int(sha256(text.encode()).hexdigest()[:12], 16))
    sources = GROUPS[1] if rng.random() >= 0.55 else GROUPS[0]
    picked = list(sources) + ([rng.choice(sources)] if rng.random() < 0.5 else [])
    labels = {k: v for k, v in statement.items() if k != "text"}
    return [{"text": STYLES[s](text, rng), "source": s, **labels} for s in picked]


def _nps(text: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.25:
        text = text.lower()
    elif roll < 0.35:
        text = text.rstrip(".")
    return typo(text, rng) if rng.random() < 0.25 else text


def _ticket(text: str, rng: random.Random) -> str:
    if len(text.split()) <= 7 and rng.random() < 0.5:
        return f"Subject: {text.rstrip('.')}\n\n{rng.choice(CONTEXT[:8]) or 'See subject.'}"
    context = rng.choice(CONTEXT).format(
        email=f"{rng.choice(NAMES).split()[0].lower()}@{rng.choice(('acme', 'northwind'))}.example",
        phone=rng.choice(("+44 20 7946 0321", "(415) 555-0188", "+49 30 901820 77")),
        token=f"{rng.getrandbits(96):024x}",
    )
    body = " ".join(p for p in (rng.choice(GREETINGS), text, context) if p)
    signoff = rng.choice(SIGNOFFS)
    name = rng.choice(NAMES)
    if signoff == "--":
        return f"{body}\n\n-- {name}, {rng.choice(ROLES)}"
    return f"{body}\n\n{signoff}\n{name}" if signoff else body


def _widget(text: str, rng: random.Random) -> str:
    text = text.rstrip(".!")
    if rng.random() < 0.6:
        text = text.lower()
    text = rng.choice(WIDGET_PREFIXES) + text
    return typo(text, rng) if rng.random() < 0.3 else text


def _note(text: str, rng: random.Random) -> str:
    role = rng.choice(ROLES)
    prefix = rng.choice(NOTE_PREFIXES).format(role=role, role_lower=role.lower())
    return prefix + text


STYLES = {"nps": _nps, "ticket": _ticket, "widget": _widget, "note": _note}


def typo(text: str, rng: random.Random) -> str:
    """Swap or drop a letter in one longer word, as hurried typing does."""
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
    if not long_words:
        return text
    i = rng.choice(long_words)
    word, j = words[i], rng.randrange(1, len(words[i]) - 2)
    if rng.random() < 0.5:
        words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    else:
        words[i] = word[:j] + word[j + 1 :]
    return " ".join(words)


if __name__ == "__main__":
    main()
