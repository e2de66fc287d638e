"""What follows the demo's feedback: the next NPS answer and the account's renewal, drawn so that
they depend on whether the loop told the customer ("we heard you", or an honest "not now").

The demo's built-in effect (``DEMO_EFFECT``) is a pair of rates per outcome, one for customers
the loop told and one for those it did not; ``NO_EFFECT`` draws both alike. Every customer and
account takes the same number of draws whatever the rates, so the two draw the same company and
differ only where the effect makes them differ. The impact marts (dbt_project/models/impact)
must recover the difference: tests/dbt/test_loop_impact.py checks they do.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

RENEWAL_OUTCOMES = ("renewed", "downgraded", "churned")
# ARR after a renewal, as a share of the ARR before: a renewal grows a little (price uplift,
# seats), a downgrade keeps half to four fifths, a churn keeps nothing.
RENEWED_UPLIFT = (1.0, 1.1)
DOWNGRADE_KEEPS = (0.5, 0.8)


@dataclass(frozen=True)
class Rates:
    """An outcome's probability for customers the loop did not tell, and for those it told."""

    untold: float
    told: float

    def __call__(self, told: bool) -> float:
        return self.told if told else self.untold

    @property
    def difference(self) -> float:
        return self.told - self.untold


@dataclass(frozen=True)
class LoopEffect:
    """How being told changes what a customer does next (probabilities, not counts)."""

    # answers the next NPS survey
    next_response: Rates
    # a detractor who answers it answers passive or promoter
    recovery: Rates
    # the account renews at its next renewal (not churned, not downgraded)
    renewal: Rates
    # of the accounts that do not renew, the share that downgrade rather than churn
    downgrade_share: float = 0.4

    def arr_retained(self, told: bool) -> float:
        """The expected ARR after the renewal over the ARR before it."""
        renews = self.renewal(told)
        uplift, keeps = sum(RENEWED_UPLIFT) / 2, sum(DOWNGRADE_KEEPS) / 2
        return renews * uplift + (1 - renews) * self.downgrade_share * keeps


# Published claims put closed-loop accounts' survey response 20-30% higher and their renewal
# rate about a third higher; the demo's effect is of that kind, large enough to show on a
# demo-sized company.
DEMO_EFFECT = LoopEffect(
    next_response=Rates(untold=0.30, told=0.55),
    recovery=Rates(untold=0.25, told=0.55),
    renewal=Rates(untold=0.72, told=0.92),
)
NO_EFFECT = LoopEffect(
    next_response=Rates(untold=0.40, told=0.40),
    recovery=Rates(untold=0.35, told=0.35),
    renewal=Rates(untold=0.80, told=0.80),
)


@dataclass(frozen=True)
class Customer:
    """Someone who gave feedback: were they a detractor going in, and did the loop tell them."""

    email: str
    account_id: str
    was_detractor: bool
    told: bool


@dataclass(frozen=True)
class NextAnswer:
    email: str
    score: int
    # days after the survey wave opened
    delay_days: int


@dataclass(frozen=True)
class Renewal:
    account_id: str
    outcome: str
    arr_before: int
    arr_after: int


def next_answers(
    rng: random.Random, customers: Iterable[Customer], effect: LoopEffect
) -> list[NextAnswer]:
    """The next survey wave's answers, customers in email order (each takes four draws)."""
    answers = []
    for customer in sorted(customers, key=lambda c: c.email):
        answers_draw, recovery_draw, score_draw, delay_draw = (rng.random() for _ in range(4))
        if answers_draw >= effect.next_response(customer.told):
            continue
        if customer.was_detractor:
            better = recovery_draw < effect.recovery(customer.told)
        else:
            better = recovery_draw >= 0.1  # a satisfied customer rarely turns detractor
        score = 7 + int(score_draw * 4) if better else int(score_draw * 7)
        answers.append(NextAnswer(customer.email, score, int(delay_draw * 10)))
    return answers


def renewal_outcomes(
    rng: random.Random, accounts: Iterable[tuple[str, int, bool]], effect: LoopEffect
) -> list[Renewal]:
    """Each (account id, ARR, told) account's next renewal, in id order (three draws each)."""
    renewals = []
    for account_id, arr, told in sorted(accounts):
        renew_draw, kind_draw, size_draw = rng.random(), rng.random(), rng.random()
        if renew_draw < effect.renewal(told):
            low, high = RENEWED_UPLIFT
            outcome, share = "renewed", low + (high - low) * size_draw
        elif kind_draw < effect.downgrade_share:
            low, high = DOWNGRADE_KEEPS
            outcome, share = "downgraded", low + (high - low) * size_draw
        else:
            outcome, share = "churned", 0.0
        renewals.append(Renewal(account_id, outcome, arr, int(round(arr * share / 100) * 100)))
    return renewals
