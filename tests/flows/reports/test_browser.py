"""The monthly report in headless Chromium: it renders, its charts are visible, the console is quiet.

Chromium is driven over the DevTools protocol (the `websockets` client Prefect already installs):
load the file, then ask the page for its <svg> boxes and listen for console errors and exceptions.
`make test` installs Debian's `chromium` first; without it this test skips and says why.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect

from flows.reports.periods import parse_month
from flows.reports.write import write_monthly_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed and could not be (make test installs it: apt-get install chromium)",
)

SVG_BOXES = """JSON.stringify([...document.querySelectorAll('svg')].map(s => {
    const r = s.getBoundingClientRect();
    return {w: r.width, h: r.height, visible: getComputedStyle(s).visibility !== 'hidden'
            && getComputedStyle(s).display !== 'none'};
}))"""


# The "What the loop returned" section: its chart's box, its table's rows, its caveat and the box
# from its heading to the caveat (what the screenshot clips to).
LOOP_RETURNED = """(() => {
    const heading = document.getElementById('loop-returned');
    const chart = heading.nextElementSibling.nextElementSibling.querySelector('svg');
    const caveat = document.querySelector('p.caveat');
    const top = heading.getBoundingClientRect(), bottom = caveat.getBoundingClientRect();
    const box = chart.getBoundingClientRect();
    return JSON.stringify({
        rows: document.querySelectorAll('#impact-table tr').length - 1,
        chart: {w: box.width, h: box.height}, caveat: caveat.textContent,
        box: {x: 0, y: top.top + window.scrollY, w: document.body.scrollWidth,
              h: bottom.bottom - top.top},
    });
})()"""


class Page:
    """One tab over the DevTools protocol: send commands, keep every event seen."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket, self.events, self.next_id = socket, [], 0
        self.events: list[dict[str, Any]]

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv(timeout=30))
            if message.get("id") == self.next_id:
                assert "error" not in message, message
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, method: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            self.events.append(json.loads(self.socket.recv(timeout=deadline - time.monotonic())))


@pytest.fixture
def page(tmp_path: Path) -> Iterator[Page]:
    assert CHROMIUM is not None
    browser = subprocess.Popen(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--remote-debugging-port=0",
            "--window-size=1280,2000",
            "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert browser.stderr is not None
        port = None
        for line in browser.stderr:
            if found := re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line):
                port = int(found[1])
                break
        assert port, "chromium did not start its DevTools endpoint"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list") as answer:
            target = next(t for t in json.load(answer) if t["type"] == "page")
        with connect(target["webSocketDebuggerUrl"], max_size=None) as socket:
            yield Page(socket)
    finally:
        browser.terminate()
        browser.wait(timeout=30)


def test_the_monthly_report_renders_its_charts_without_console_errors(
    page: Page, report_warehouse: Path, tmp_path: Path
) -> None:
    report = write_monthly_report(report_warehouse, parse_month("2026-10"), tmp_path / "m.html")
    for domain in ("Page", "Runtime", "Log"):
        page.send(f"{domain}.enable")
    page.send("Page.navigate", url=report.html.as_uri())
    page.wait_for("Page.loadEventFired")
    boxes = json.loads(page.send("Runtime.evaluate", expression=SVG_BOXES)["result"]["value"])
    assert len(boxes) == 7
    assert all(b["visible"] and b["w"] > 100 and b["h"] > 100 for b in boxes), boxes
    title = page.send("Runtime.evaluate", expression="document.title")["result"]["value"]
    assert title == "Loop health 2026-10"
    shot = page.send("Page.captureScreenshot", format="png")["data"]
    assert base64.b64decode(shot)[:8] == b"\x89PNG\r\n\x1a\n"
    errors = [
        e
        for e in page.events
        if e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    assert errors == []


def test_the_loop_returned_section_renders_its_chart_with_the_figures(
    page: Page, impact_warehouse: Path, tmp_path: Path
) -> None:
    report = write_monthly_report(impact_warehouse, parse_month("2025-11"), tmp_path / "m.html")
    for domain in ("Page", "Runtime", "Log"):
        page.send(f"{domain}.enable")
    page.send("Page.navigate", url=report.html.as_uri())
    page.wait_for("Page.loadEventFired")
    section = json.loads(page.send("Runtime.evaluate", expression=LOOP_RETURNED)["result"]["value"])
    assert section["rows"] == 8
    assert section["chart"]["w"] > 100 and section["chart"]["h"] > 100, section
    assert "not proof of cause" in section["caveat"]
    box = section["box"]
    clip = {"x": box["x"], "y": box["y"], "width": box["w"], "height": box["h"], "scale": 1}
    shot = base64.b64decode(page.send("Page.captureScreenshot", format="png", clip=clip)["data"])
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and len(shot) > 5_000
    assert not [e for e in page.events if e.get("method") == "Runtime.exceptionThrown"]
