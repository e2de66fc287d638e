"""In-app widget webhooks: short messages typed on the page they are about, one file per day."""

from __future__ import annotations

import json
import random
from base64 import b32encode
from collections import defaultdict
from pathlib import Path

from flows.demo.activity import Activity, tone_for
from flows.demo.clock import Window, iso
from flows.demo.compose import Tone, verbatim
from flows.demo.names import APP_URL

# base32 with Crockford's alphabet, as ULIDs use.
_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ")
# The widget is where people ask for things: requests dominate, essays are rare.
_COMPLAINTS = ("bug", "usability", "performance", "question", "feature_request")
_COMPLAINT_WEIGHTS = (25, 20, 10, 12, 33)


def _ulid(rng: random.Random, ts: int) -> str:
    """A ULID-shaped id: 48 bits of milliseconds then 80 random bits, Crockford base32."""
    value = (ts * 1000 + rng.randrange(1000)) << 80 | rng.getrandbits(80)
    return b32encode(value.to_bytes(16, "big")).decode()[:26].translate(_CROCKFORD)


def _intents(rng: random.Random, tone: Tone) -> list[str]:
    if tone == "positive":
        return rng.choice(
            (["praise"], ["praise"], ["feature_request"], ["praise", "feature_request"])
        )
    picked = [rng.choices(_COMPLAINTS, _COMPLAINT_WEIGHTS)[0]]
    if tone == "negative" and rng.random() < 0.08:
        picked.append(rng.choice(("churn_risk", "competitor")))
    return picked


def message(rng: random.Random, item: Activity) -> str:
    tone = tone_for(rng, item.mood)
    if tone == "mixed":
        tone = "negative" if rng.random() < 0.5 else "positive"
        intents = ["feature_request"] if tone == "positive" else _intents(rng, "mixed")
    else:
        intents = _intents(rng, tone)
    if intents == ["feature_request"]:
        tone = "mixed"  # a plain request is neither a rant nor a love letter
    return verbatim(rng, tone, item.area, intents=intents, typo_rate=0.18, foreign_rate=0.03)


def write_widget(
    folder: Path, rng: random.Random, items: list[Activity], window: Window
) -> tuple[int, int]:
    """Write ``widget-YYYY-MM-DD.jsonl`` files; returns (events, files)."""
    folder.mkdir(parents=True, exist_ok=True)
    by_day: dict[str, list[str]] = defaultdict(list)
    for item in items:
        if item.account is None:
            continue
        page = rng.choice(item.area.pages).format(n=rng.randint(1, 400))
        event = {
            "event": "feedback.submitted",
            "id": "wfb_" + _ulid(rng, item.at),
            "account_id": item.account.account_id,
            "user": {"email": item.person.email, "name": item.person.name},
            "message": message(rng, item),
            "page_url": APP_URL + page,
            "created_at": iso(item.at),
        }
        by_day[window.date_of(item.at).isoformat()].append(json.dumps(event, ensure_ascii=False))
    for day, lines in sorted(by_day.items()):
        (folder / f"widget-{day}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(len(lines) for lines in by_day.values()), len(by_day)
