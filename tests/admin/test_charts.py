"""The server-side SVG bar chart: proportional bars, escaped labels, empty state."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from bot.transports.web.charts import BAR_WIDTH, bar_chart


def test_bars_are_proportional_to_counts_and_valid_svg() -> None:
    svg = bar_chart("Redactions", [("EMAIL", 10), ("PHONE", 5), ("IBAN", 0)])
    root = ET.fromstring(svg)
    widths = [int(r.get("width")) for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert widths == [BAR_WIDTH, BAR_WIDTH // 2, 0]
    assert root.get("aria-label") == "Redactions"
    assert re.findall(r"<title>([^<]+)</title>", svg) == ["EMAIL: 10", "PHONE: 5", "IBAN: 0"]


def test_labels_are_escaped_and_empty_data_says_so() -> None:
    svg = bar_chart("x", [("<script>alert(1)</script>", 1)])
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)
    assert "nothing recorded yet" in bar_chart("Redactions", [])
