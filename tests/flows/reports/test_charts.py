"""Charts a VP can forward: axes that fit their data, whole numbers on count axes, one tick per
month shown."""

from __future__ import annotations

import re
from datetime import date

import pytest

from flows.reports import charts

OCT, NOV = date(2026, 10, 1), date(2026, 11, 1)


def tick_labels(svg: str) -> list[str]:
    """The text of every label in the SVG (text stays text: svg.fonttype none)."""
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
    ]


@pytest.mark.parametrize(
    ("values", "limits"),
    [
        pytest.param([27.5, 30.0], (20.0, 40.0), id="a narrow band gets a narrow axis"),
        pytest.param([None, 38.8], (30.0, 50.0), id="months without NPS are left out"),
        pytest.param([-98.0, 97.0], (-100.0, 100.0), id="never past the scale"),
        pytest.param([None, None], (-100.0, 100.0), id="no NPS: the whole scale"),
    ],
)
def test_the_nps_axis_fits_its_data(
    values: list[float | None], limits: tuple[float, float]
) -> None:
    assert charts.nps_axis_limits(values) == limits


def test_count_axes_tick_whole_numbers_only() -> None:
    svgs = [
        charts.volume_by_channel([OCT, NOV], {"nps": [1, 2], "ticket": [0, 1]}),
        charts.nps_trend([OCT, NOV], [1, 1], [0, 1], [1, 0], [0.0, 50.0]),
        charts.this_week_against_last(["Mon", "Tue"], [1, 2], [2, 1], "Tickets", "tickets"),
    ]
    for svg in svgs:
        fractions = [t for t in tick_labels(svg) if re.fullmatch(r"−?\d+\.\d+", t)]
        # The NPS axis of the second chart is no count; its ticks are whole here too.
        assert fractions == []


def test_every_month_shown_has_its_tick_even_without_a_value() -> None:
    # No item acknowledged yet: the hours chart has no bar, and still one tick per month.
    svg = charts.ack_against_sla([OCT, NOV], [0, 0], [3, 4], [0, 0], [None, None], 24)
    labels = tick_labels(svg)
    assert labels.count("Oct 26") == 2 and labels.count("Nov 26") == 2
    line = charts.close_loop_rate([OCT, NOV], [None, 1.0])
    assert {"Oct 26", "Nov 26"} <= set(tick_labels(line))
