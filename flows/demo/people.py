"""The customer base: accounts with tier, ARR, renewal, CSM and contacts, plus their CSMs."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from flows.demo import names
from flows.demo.area import Area
from flows.demo.compose import AREAS

# Tier -> (share of accounts, ARR median, ARR log-sigma, ARR floor, ARR ceiling, contacts range)
TIERS = {
    "Enterprise": (0.08, 330_000, 0.6, 150_000, 1_500_000, (20, 50)),
    "Mid-Market": (0.27, 62_000, 0.45, 30_000, 150_000, (8, 20)),
    "SMB": (0.65, 12_000, 0.45, 5_000, 30_000, (3, 8)),
}


@dataclass(frozen=True)
class Person:
    uid: int  # the support desk's user id, unique across the whole demo
    name: str
    email: str


@dataclass(frozen=True)
class Account:
    account_id: str
    name: str
    domain: str
    tier: str
    arr: int
    renewal: date
    csm: Person
    contacts: tuple[Person, ...]  # the first is the primary contact
    mood: float  # -1 (about to churn) .. 1 (delighted)
    at_risk: bool
    pain: Area  # what hurts most when the account is unhappy
    activity: float  # feedback volume multiplier, grows with ARR within the tier

    @property
    def primary(self) -> Person:
        return self.contacts[0]


class _People:
    """Hands out names and support-desk ids, never the same email twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.next_uid = 900_001
        self.emails: set[str] = set()

    def person(self, domain: str, style: int) -> Person:
        rng = self.rng
        first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
        local = (f"{first}.{last}", f"{first[0]}{last}", f"{first}", f"{first}_{last}")[
            style
        ].lower()
        email, n = f"{local}@{domain}", 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self.emails.add(email)
        self.next_uid += 1
        return Person(self.next_uid - 1, f"{first} {last}", email)


def _company(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    while True:
        pattern = rng.random()
        if pattern < 0.45:
            stem = rng.choice(names.NAME_PREFIXES) + rng.choice(names.NAME_SUFFIXES)
            name = f"{stem} {rng.choice(names.INDUSTRIES)}"
        elif pattern < 0.75:
            stem = rng.choice(names.SINGLE_STEMS)
            name = f"{stem} {rng.choice(names.INDUSTRIES)}"
        elif pattern < 0.85:
            stem = rng.choice(names.LAST_NAMES)
            name = f"{stem} & {rng.choice(names.LAST_NAMES)}"
        else:
            stem = rng.choice(names.NAME_PREFIXES) + rng.choice(names.NAME_SUFFIXES)
            name = stem
        words = name.lower().replace("&", " ").split()
        base = "-".join(words) if rng.random() < 0.5 else "".join(words)
        domain = (stem.lower().replace(" & ", "") if rng.random() < 0.3 else base) + rng.choice(
            names.TLDS
        )
        if name not in taken and domain not in taken:
            taken.update((name, domain))
            return name, domain


def _arr(rng: random.Random, tier: str) -> int:
    _, median, sigma, low, high, _ = TIERS[tier]
    step = 100 if tier == "SMB" else 500 if tier == "Mid-Market" else 1000
    value = min(max(median * math.exp(rng.gauss(0, sigma)), low), high)
    return int(round(value / step) * step)


def _tiers(rng: random.Random, count: int) -> list[str]:
    enterprise = max(1, round(count * TIERS["Enterprise"][0])) if count >= 3 else 0
    mid = max(1, round(count * TIERS["Mid-Market"][0])) if count >= 3 else 0
    tiers = (
        ["Enterprise"] * enterprise + ["Mid-Market"] * mid + ["SMB"] * (count - enterprise - mid)
    )
    rng.shuffle(tiers)
    return tiers


def _csms(people: _People, tiers: list[str]) -> dict[str, list[Person]]:
    # Enterprise CSMs own a book of about eight; SMB accounts share a pooled team.
    sizes = {"Enterprise": 8, "Mid-Market": 25, "SMB": 150}
    return {
        tier: [
            people.person(names.VENDOR_DOMAIN, 0)
            for _ in range(max(1, math.ceil(tiers.count(tier) / size)))
        ]
        for tier, size in sizes.items()
    }


def make_accounts(rng: random.Random, count: int, end: date) -> list[Account]:
    people = _People(rng)
    tiers = _tiers(rng, count)
    csms = _csms(people, tiers)
    at_risk = set(rng.sample(range(count), max(1, round(count * 0.05)))) if count else set()
    taken: set[str] = set()
    accounts = []
    for i, tier in enumerate(tiers):
        name, domain = _company(rng, taken)
        style = rng.randrange(4)
        low, high = TIERS[tier][5]
        contacts = tuple(people.person(domain, style) for _ in range(rng.randint(low, high)))
        arr = _arr(rng, tier)
        risky = i in at_risk
        mood = rng.gauss(-0.75, 0.12) if risky else rng.gauss(0.12, 0.35)
        pool = csms[tier]
        accounts.append(Account(
            account_id=f"001A{i + 1:06d}", name=name, domain=domain, tier=tier, arr=arr,
            renewal=end + timedelta(days=rng.randint(1, 365)),
            csm=pool[i % len(pool)] if tier != "Enterprise" else pool[rng.randrange(len(pool))],
            contacts=contacts, mood=max(-1.0, min(1.0, mood)), at_risk=risky,
            pain=rng.choice(AREAS), activity=(arr / TIERS[tier][1]) ** 0.5,
        ))  # fmt: skip
    return accounts


def outsiders(rng: random.Random, count: int) -> list[Person]:
    """People writing from personal mailboxes: their feedback matches no account."""
    people = _People(rng)
    people.next_uid = 9_000_001
    return [
        people.person(rng.choice(names.PERSONAL_DOMAINS), rng.choice((0, 3))) for _ in range(count)
    ]
