"""Who signs a customer email and where replies go, by the account's tier."""

from __future__ import annotations

from dataclasses import dataclass

from notifications.feedback_item import FeedbackItem
from notifications.messages import SenderIdentity


@dataclass(frozen=True)
class Signer:
    """The signature of a customer email and the real owner a reply reaches."""

    from_name: str
    reply_to: str
    signature: tuple[str, ...]
    owner: str  # who keeps the promise the email makes, as a sentence's subject
    replies_reach: str
    # An account manager named besides the signer, when there is one ("" when not).
    also_ask_name: str
    also_ask_email: str


def signer_for(item: FeedbackItem, sender: SenderIdentity) -> Signer:
    """Enterprise accounts with a CSM: signed by the CSM, replies to the CSM. Others: the team."""
    has_csm = bool(item.csm_name and item.csm_email)
    if has_csm and item.tier == "Enterprise":
        # Sent from the team's authenticated address; only the name and the reply go to the CSM,
        # so the mail still passes SPF/DKIM while answers land with the person who owns the account.
        return Signer(
            from_name=item.csm_name,
            reply_to=item.csm_email,
            signature=(
                item.csm_name,
                f"Customer Success Manager, {sender.product_name}",
                item.csm_email,
            ),
            owner=f"{item.csm_name}, your customer success manager,",
            replies_reach=f"{item.csm_name} ({item.csm_email})",
            also_ask_name="",
            also_ask_email="",
        )
    return Signer(
        from_name=f"{sender.product_name} {sender.team_name}",
        reply_to=sender.reply_to,
        signature=(f"The {sender.team_name} team", sender.product_name),
        owner=(
            f"{item.csm_name}, your account manager,"
            if has_csm
            else f"Someone from our {sender.team_name} team"
        ),
        replies_reach=f"our {sender.team_name} team ({sender.reply_to})",
        also_ask_name=item.csm_name if has_csm else "",
        also_ask_email=item.csm_email if has_csm else "",
    )
