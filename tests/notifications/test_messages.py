from __future__ import annotations

from collections.abc import Callable

import pytest

from notifications import EmailMessage, SenderIdentity, message_key


def test_message_key_is_the_same_for_the_same_parts() -> None:
    first = message_key("acknowledgment", "Priya@Example.com ", "nps:r_1", "received")
    second = message_key("acknowledgment", "priya@example.com", "nps:r_1", "received")
    assert first == second
    assert first.startswith("acknowledgment-")
    assert len(first) == len("acknowledgment-") + 64


@pytest.mark.parametrize(
    "other",
    [
        pytest.param(("handoff", "priya@example.com", "nps:r_1", "received"), id="other kind"),
        pytest.param(
            ("acknowledgment", "sam@example.com", "nps:r_1", "received"), id="other recipient"
        ),
        pytest.param(
            ("acknowledgment", "priya@example.com", "nps:r_2", "received"), id="other item"
        ),
        pytest.param(
            ("acknowledgment", "priya@example.com", "nps:r_1", "shipped"), id="other stage"
        ),
        pytest.param(
            ("acknowledgment", "priya@example.com", "nps:r_1|", "received"), id="separator moved"
        ),
    ],
)
def test_message_key_differs_when_any_part_differs(other: tuple[str, str, str, str]) -> None:
    assert message_key(*other) != message_key(
        "acknowledgment", "priya@example.com", "nps:r_1", "received"
    )


def test_message_key_rejects_a_kind_unfit_for_file_names() -> None:
    with pytest.raises(ValueError, match="kind"):
        message_key("../ack", "priya@example.com", "nps:r_1", "received")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("subject", "Hello\r\nBcc: victim@example.com", id="crlf in subject"),
        pytest.param("subject", "Hello\nthere", id="lf in subject"),
        pytest.param("to_name", "Priya\rRaman", id="cr in recipient name"),
        pytest.param("from_name", "Dana\nBcc: x@example.com", id="lf in sender name"),
        pytest.param("to_name", "Priya\x00", id="nul in recipient name"),
        pytest.param("reply_to", "dana@example.com\r\nBcc: x@example.com", id="crlf in reply-to"),
    ],
)
def test_header_breaking_characters_are_rejected_naming_the_field(
    make_message: Callable[..., EmailMessage], field: str, value: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{field}: contains"):
        make_message(**{field: value})


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("priya.raman", id="no at sign"),
        pytest.param("priya@localhost", id="no top-level domain"),
        pytest.param("priya@@example.com", id="two at signs"),
        pytest.param("priya..raman@example.com", id="double dot"),
        pytest.param(".priya@example.com", id="leading dot"),
        pytest.param("Priya <priya@example.com>", id="display name"),
        pytest.param("priya@example.com, sam@example.com", id="two addresses"),
        pytest.param("priya @example.com", id="space"),
        pytest.param("priya@-example.com", id="hyphen starting a label"),
        pytest.param("", id="empty"),
    ],
)
def test_bad_addresses_are_rejected(
    make_message: Callable[..., EmailMessage], address: str
) -> None:
    with pytest.raises(ValueError, match=r"^to_email: not a valid email address"):
        make_message(to_email=address)


@pytest.mark.parametrize(
    "address",
    [
        pytest.param("priya.raman@northwind-logistics.com", id="dotted and hyphenated"),
        pytest.param("o'brien+nps@mail.example.co.uk", id="apostrophe plus and subdomains"),
    ],
)
def test_ordinary_addresses_are_accepted(
    make_message: Callable[..., EmailMessage], address: str
) -> None:
    assert make_message(to_email=address).to_email == address


def test_a_key_of_another_kind_is_rejected(make_message: Callable[..., EmailMessage]) -> None:
    key = message_key("handoff", "customer0@example.com", "item-0", "received")
    with pytest.raises(ValueError, match="key: starts with kind 'handoff'"):
        make_message(key=key)


def test_a_key_not_made_by_message_key_is_rejected(
    make_message: Callable[..., EmailMessage],
) -> None:
    with pytest.raises(ValueError, match="key: not a message key"):
        make_message(key="acknowledgment-123")


def test_an_empty_body_is_rejected(make_message: Callable[..., EmailMessage]) -> None:
    with pytest.raises(ValueError, match="html: must not be empty"):
        make_message(html="  ")


def test_sender_identity_validates_its_addresses() -> None:
    with pytest.raises(ValueError, match=r"sender.reply_to: not a valid email address"):
        SenderIdentity("Customer Success", "hello@acme.io", "success at acme.io", "Acme")
