"""The words on a chart in the reader's language (catalog domain `charts`), and the fonts
that draw them.

analysis.chart draws whatever labels it is given; this module builds them. A Japanese label
needs a Japanese-capable font (`make setup` installs one): when none is installed the chart
gets the English labels instead, never boxes for missing glyphs ("tofu").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from analysis.fonts import families_for
from bot.core import formats
from bot.core.i18n import ENGLISH, t

if TYPE_CHECKING:  # analysis.chart loads numpy: only when a chart is drawn
    from analysis.chart import ChartLabels, EquityLabels

Fonts = Callable[[str], tuple[str, ...] | None]
L = TypeVar("L", "ChartLabels", "EquityLabels")


zone_name = formats.zone_abbrev  # the name handlers and labels already use


def _drawable(make: Callable[[str], L], language: str, fonts: Fonts) -> L:
    """Return `make(language)` with the fonts that draw it; English when none can."""
    labels = make(language)
    families = fonts(labels.words())
    if families is None and language != ENGLISH:
        labels = make(ENGLISH)
        families = fonts(labels.words())
    return replace(labels, fonts=families) if families else labels


def candle_labels(
    symbol: str,
    timeframe: str,
    language: str,
    zone: str,
    moment: datetime,
    *,
    fonts: Fonts = families_for,
) -> ChartLabels:
    """Return the candle chart's labels in `language`, times in `zone` (named as at `moment`)."""
    from analysis.chart import ChartLabels

    shown = zone_name(moment, zone)

    def make(lang: str) -> ChartLabels:
        return ChartLabels(
            title=t(lang, "charts.candles.title", symbol=symbol, timeframe=timeframe, zone=shown),
            volume=t(lang, "charts.candles.volume"),
            bollinger=t(lang, "charts.candles.bollinger"),
            zone=formats.zone(zone).key,
        )

    return _drawable(make, language, fonts)


def equity_labels(
    unit: str, language: str, zone: str, moment: datetime, *, fonts: Fonts = families_for
) -> EquityLabels:
    """Return the result curve chart's labels in `language`, times in `zone`."""
    from analysis.chart import EquityLabels

    shown = zone_name(moment, zone)

    def make(lang: str) -> EquityLabels:
        title = t(lang, "charts.equity.title", unit=unit, zone=shown)
        return EquityLabels(title=title, zone=formats.zone(zone).key)

    return _drawable(make, language, fonts)
