"""Charts in the reader's language: the chosen font draws every label character (no tofu
boxes), and without a Japanese font the labels fall back to English."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime

import pandas as pd
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from analysis.chart import ChartLabels, EquityLabels, chart_png, equity_png
from analysis.fonts import BASE_FAMILY, families_for
from bot.core.charts import candle_labels, equity_labels

MOMENT = datetime(2024, 8, 6, 0, 30, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


def no_japanese_font(text: str) -> tuple[str, ...] | None:
    """The real font lookup on a machine whose only fonts are Latin ones."""
    return families_for(text, candidates=("DejaVu Serif", "DejaVu Sans Mono"))


def drawn_by(families: tuple[str, ...], text: str) -> set[str]:
    """Return the characters of `text` that none of the families' fonts has a glyph for."""
    charmaps = []
    for family in families:
        path = font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False
        )
        charmaps.append(set(FT2Font(path).get_charmap()))
    return {ch for ch in text if not ch.isspace() and not any(ord(ch) in m for m in charmaps)}


def glyph_warnings(draw) -> list[str]:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = draw()
    assert png.startswith(PNG) and png[12:16] == b"IHDR"
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_japanese_labels_get_a_font_that_has_every_character() -> None:
    labels = candle_labels("BTC/USDT", "4h", "ja", "Asia/Tokyo", MOMENT)
    assert labels.title == "BTC/USDT 4h — 確定足（JST）"
    assert (labels.volume, labels.zone) == ("出来高", "Asia/Tokyo")
    assert labels.fonts[0] == BASE_FAMILY and len(labels.fonts) == 2
    assert drawn_by(labels.fonts, labels.words()) == set()
    # matplotlib's own font alone lacks them: the check above is not vacuous.
    assert drawn_by((BASE_FAMILY,), labels.words()) >= set("確定足出来高")


def test_without_a_japanese_font_the_labels_are_english() -> None:
    assert no_japanese_font("出来高") is None
    labels = candle_labels("BTC/USDT", "4h", "ja", "Asia/Tokyo", MOMENT, fonts=no_japanese_font)
    assert labels.title == "BTC/USDT 4h — closed candles, JST"
    assert (labels.volume, labels.bollinger) == ("Vol", "Bollinger 20,2")
    assert labels.fonts == (BASE_FAMILY,) and labels.zone == "Asia/Tokyo"
    curve = equity_labels("USDT", "ja", "Asia/Tokyo", MOMENT, fonts=no_japanese_font)
    assert curve.title == "Trading result (USDT): realised, then unrealised now — JST"
    english = EquityLabels().title.format(unit="USDT")
    assert equity_labels("USDT", "en", "UTC", MOMENT).title == english


def test_english_labels_are_the_defaults() -> None:
    labels = candle_labels("BTC/USDT", "4h", "en", "UTC", MOMENT)
    assert labels == ChartLabels(title="BTC/USDT 4h — closed candles, UTC")


def test_japanese_charts_draw_without_missing_glyphs(btc_1h: pd.DataFrame) -> None:
    frame = btc_1h.tail(300)
    labels = candle_labels("BTC/USDT", "1h", "ja", "Asia/Tokyo", MOMENT)

    def draw() -> bytes:
        return chart_png(frame, symbol="BTC/USDT", timeframe="1h", labels=labels)

    assert glyph_warnings(draw) == []
    curve = equity_labels("USDT", "ja", "Asia/Tokyo", MOMENT)
    assert "含み損益" in curve.title
    points = ([0, 3_600_000, 7_200_000], [0.0, 12.5, -3.0])
    assert glyph_warnings(lambda: equity_png(*points, labels=curve)) == []
    # The same Japanese words with matplotlib's own font only would be boxes: warned.
    latin_only = EquityLabels(title=curve.title)
    assert glyph_warnings(lambda: equity_png(*points, labels=latin_only))


def test_chart_times_are_in_the_labels_zone(btc_1h: pd.DataFrame) -> None:
    frame = btc_1h.tail(300)
    tokyo = chart_png(
        frame, symbol="BTC/USDT", timeframe="1h", labels=ChartLabels(zone="Asia/Tokyo")
    )
    utc = chart_png(frame, symbol="BTC/USDT", timeframe="1h")
    assert tokyo.startswith(PNG) and tokyo != utc
