from __future__ import annotations

import email.message
import errno
import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from notifications import DeliveryUnavailable, EmailMessage, FileSender, Outbox
from notifications.senders import eml_file_name

MessageFactory = Callable[..., EmailMessage]
SENT_AT = datetime(2026, 11, 22, 3, 15, tzinfo=UTC)


def read_eml(path: Path) -> email.message.EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def lf(text: str) -> str:
    """Text with the CRLF line ends of the wire format turned back into Python's."""
    return text.replace("\r\n", "\n")


def test_file_sender_writes_an_eml_a_mail_client_can_read(
    tmp_path: Path, make_message: MessageFactory
) -> None:
    message = make_message(1, to_name="Priya Ramán", text="Hi Priya,\n\nThanks — noted.\n")
    sender = FileSender(tmp_path / "mail", clock=lambda: SENT_AT)

    message_id = sender.send(message)

    [path] = (tmp_path / "mail").iterdir()
    assert path.name == f"acknowledgment-{message.key.split('-')[1][:16]}.eml"
    parsed = read_eml(path)
    assert parsed["To"].addresses[0].addr_spec == "customer1@example.com"
    assert parsed["To"].addresses[0].display_name == "Priya Ramán"
    assert parsed["From"].addresses[0].display_name == "Acme Analytics Customer Success"
    assert parsed["From"].addresses[0].addr_spec == "hello@acme-analytics.io"
    assert parsed["Reply-To"] == "success@acme-analytics.io"
    assert parsed["Subject"] == message.subject
    assert parsed["Message-ID"] == message_id
    assert parsed["X-Loopkeeper-Key"] == message.key
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed["Date"].datetime == SENT_AT
    assert parsed.get_content_type() == "multipart/alternative"
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert lf(text.get_content()) == message.text
    assert lf(html.get_content()) == message.html


def test_sending_the_same_key_again_replaces_its_file(
    tmp_path: Path, make_message: MessageFactory
) -> None:
    sender = FileSender(tmp_path)
    first_id = sender.send(make_message(1))
    second_id = sender.send(make_message(1, subject="Reworded"))
    sender.send(make_message(2))

    assert first_id == second_id
    names = sorted(path.name for path in tmp_path.iterdir())
    assert len(names) == 2  # one file per key, no leftover temporary files
    assert all(name.endswith(".eml") and not name.startswith(".") for name in names)


def test_a_failed_write_leaves_no_file_behind_and_says_the_folder_is_unavailable(
    tmp_path: Path, make_message: MessageFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(source: str, target: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(DeliveryUnavailable, match="No space left on device"):
        FileSender(tmp_path).send(make_message(1))
    assert list(tmp_path.iterdir()) == []


def test_file_sender_sends_an_outbox_row(
    tmp_path: Path, outbox: Outbox, make_message: MessageFactory
) -> None:
    message = make_message(3)
    outbox.enqueue([message], date(2026, 11, 22))
    [row] = outbox.claim()

    FileSender(tmp_path).send(row)

    [path] = tmp_path.iterdir()
    assert read_eml(path)["X-Loopkeeper-Key"] == message.key


# A FileSender process killed with SIGKILL between writing a message's temporary file and
# renaming it: the rename never happens.
KILLED_WRITER = r"""
import base64, os, pickle, sys, time
from pathlib import Path
from notifications import FileSender

def stuck(source, target):
    print("written", flush=True)
    time.sleep(60)  # the SIGKILL comes here

os.replace = stuck
FileSender(Path(sys.argv[1])).send(pickle.loads(base64.b64decode(sys.argv[2])))
"""


def test_a_half_written_eml_a_killed_run_left_is_removed_by_the_next_delivery(
    tmp_path: Path, outbox: Outbox, make_message: MessageFactory
) -> None:
    import base64
    import pickle
    import signal
    import subprocess
    import sys

    from notifications import deliver

    mail = tmp_path / "mail"
    message = make_message(1)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLED_WRITER,
            str(mail),
            base64.b64encode(pickle.dumps(message)).decode(),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline() == "written\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    [left] = mail.iterdir()
    assert left.name.startswith(f".{writer.pid}.") and left.name.endswith(".eml.tmp")

    outbox.enqueue([message], date(2026, 11, 22))
    report = deliver(outbox, FileSender(mail))

    assert report.sent == 1
    assert [p.name for p in mail.iterdir()] == [eml_file_name(message)]


def test_only_leftovers_of_dead_writers_or_old_ones_are_removed(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    living = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    try:
        files = {
            "dead writer": f".{dead.pid}.k3j_x9a2.eml.tmp",
            "living writer": f".{living.pid}.a8dk2_lq.eml.tmp",
            "old, no pid": ".q1w2e3r4.eml.tmp",
            "young, no pid": ".z9x8c7v6.eml.tmp",
            "a message": "acknowledgment-0123456789abcdef.eml",
            "someone's hidden file": ".notes.txt",
        }
        for name in files.values():
            (tmp_path / name).write_text("x")
        hour_ago = time.time() - 2 * 3600
        os.utime(tmp_path / files["old, no pid"], (hour_ago, hour_ago))
        (tmp_path / f".{dead.pid}.link.eml.tmp").symlink_to(tmp_path / files["a message"])

        removed = FileSender(tmp_path).remove_leftovers()

        left = {p.name for p in tmp_path.iterdir()}
        assert removed == 2
        assert files["dead writer"] not in left and files["old, no pid"] not in left
        kept = ("living writer", "young, no pid", "a message", "someone's hidden file")
        assert {files[k] for k in kept} | {f".{dead.pid}.link.eml.tmp"} == left
    finally:
        living.kill()
        living.wait()


@pytest.mark.parametrize(
    ("changes", "transfer_encoding"),
    [
        pytest.param({}, "7bit", id="ascii"),
        pytest.param(
            {
                "to_name": 'Zoë "the" Ramán, CFO',
                "subject": "Ça marche — merci " * 12,
                "text": "Bonjour Zoë,\n\nC'est noté — merci.\n",
            },
            "8bit",
            id="accents in a quoted name, a long subject and the text",
        ),
        pytest.param(
            {"text": "Hi,\n\n" + "long " * 300 + "\n"},
            "quoted-printable",
            id="a line longer than a mail line may be",
        ),
    ],
)
def test_an_eml_reads_back_as_the_message_was_composed(
    tmp_path: Path, make_message: MessageFactory, changes: dict[str, str], transfer_encoding: str
) -> None:
    message = make_message(2, **changes)

    FileSender(tmp_path, clock=lambda: SENT_AT).send(message)

    [path] = tmp_path.iterdir()
    parsed = read_eml(path)
    assert parsed["To"].addresses[0].display_name == message.to_name
    assert parsed["Subject"] == message.subject
    text = parsed.get_body(preferencelist=("plain",))
    assert text is not None and lf(text.get_content()) == message.text
    assert text["Content-Transfer-Encoding"] == transfer_encoding
    assert all(len(line) <= 998 for line in path.read_bytes().split(b"\r\n"))


def test_a_batch_puts_its_files_in_place_only_when_it_ends(
    tmp_path: Path, make_message: MessageFactory
) -> None:
    sender = FileSender(tmp_path)
    messages = [make_message(n) for n in range(3)]

    sender.begin_batch()
    for message in messages:
        sender.send(message)
    assert not list(tmp_path.glob("*.eml"))

    sender.end_batch()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(map(eml_file_name, messages))


def test_a_batch_that_cannot_be_made_durable_leaves_no_file_and_its_messages_pending(
    tmp_path: Path,
    outbox: Outbox,
    make_message: MessageFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from notifications import deliver, senders

    def disk_fails(folder: Path, paths: list[str]) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(senders, "_sync_file_system", disk_fails)
    outbox.enqueue([make_message(n) for n in range(3)], date(2026, 11, 22))

    report = deliver(outbox, FileSender(tmp_path))

    assert (report.sent, report.deferred) == (0, 3)
    assert report.stopped is not None and "Input/output error" in report.stopped
    assert list(tmp_path.iterdir()) == []
    assert outbox.counts_by_status()["pending"] == 3


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({}, id="ascii"),
        pytest.param(
            {"to_name": 'Zoë "the" Ramán, CFO', "subject": "Ça marche — merci " * 12},
            id="accents in a quoted name and a long subject",
        ),
        pytest.param({"subject": "Exports " * 140}, id="an ascii subject past the line limit"),
        pytest.param({"subject": "Tabs\tand  double  spaces "}, id="whitespace kept"),
    ],
)
def test_an_eml_has_the_bytes_the_email_packages_compat32_writes(
    make_message: MessageFactory, changes: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Headers that need no folding are written as they are, the others folded by the email
    package: every header and body is what its stock compat32 policy writes."""
    from notifications import eml

    message = make_message(3, **changes)
    ours = eml.eml_bytes(message, SENT_AT)
    monkeypatch.setattr(eml, "_POLICY", policy.compat32.clone(linesep="\r\n", max_line_length=998))
    assert ours == eml.eml_bytes(message, SENT_AT)


def test_an_eml_has_the_same_boundary_every_time_unless_a_body_holds_it(
    make_message: MessageFactory,
) -> None:
    from notifications.eml import eml_bytes

    def boundary(data: bytes) -> str:
        parsed = BytesParser(policy=policy.default).parsebytes(data)
        found = parsed.get_boundary()
        assert found is not None
        return found

    message = make_message(4)
    fixed = boundary(eml_bytes(message, SENT_AT))
    assert fixed == boundary(eml_bytes(message, SENT_AT))
    assert fixed != boundary(eml_bytes(make_message(5), SENT_AT))
    # a customer's words quoted back that hold the boundary line get another one
    quoting = make_message(4, text=f"Hi,\n\nYou wrote:\n--{fixed}\n")
    data = eml_bytes(quoting, SENT_AT)
    assert boundary(data) != fixed
    text = read_eml_bytes(data).get_body(preferencelist=("plain",))
    assert text is not None and lf(text.get_content()) == quoting.text


def read_eml_bytes(data: bytes) -> email.message.EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed
