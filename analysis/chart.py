"""Chart PNG: candles with EMA50/EMA200 and Bollinger bands, volume, RSI and MACD panels.

Drawn with matplotlib directly (Agg): the picture mplfinance makes, in about a third of the
time (benchmarks/ta.py). Sized for a phone screen: portrait, large labels, price axis on
the right. Indicators are computed on every candle given, then the last `bars` are drawn,
so the lines start with their warm-up done.

Words on a chart come from the caller as `ChartLabels` / `EquityLabels` (in the reader's
language, with the font families that draw them: analysis.fonts); times are shown in the
labels' zone. The defaults are the English labels in UTC.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from analysis.frame import to_ohlcv
from analysis.table import indicator_arrays

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from analysis.frame import Ohlcv

BASE_FONTS = ("DejaVu Sans",)


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """The words of a candle chart; `title` may hold {symbol} and {timeframe}."""

    title: str = "{symbol} {timeframe} — closed candles, UTC"
    volume: str = "Vol"
    bollinger: str = "Bollinger 20,2"
    rsi: str = "RSI 14"
    macd: str = "MACD"
    zone: str = "UTC"  # IANA name: the time axis is shown in it
    fonts: tuple[str, ...] = BASE_FONTS  # font families, in fallback order

    def words(self) -> str:
        """Return every word drawn (to check the fonts cover them)."""
        return " ".join((self.title, self.volume, self.bollinger, self.rsi, self.macd))


@dataclass(frozen=True, slots=True)
class EquityLabels:
    """The words of a result curve chart; `title` may hold {unit}."""

    title: str = "Trading result ({unit}): realised, then unrealised now — UTC"
    zone: str = "UTC"
    fonts: tuple[str, ...] = BASE_FONTS

    def words(self) -> str:
        """Return every word drawn (to check the fonts cover them)."""
        return self.title


CHART_BARS = 120
MIN_BARS = 30
UP, DOWN = "#26a69a", "#ef5350"


def _candles(
    ax: Axes, x: np.ndarray, o: np.ndarray, h: np.ndarray, lo: np.ndarray, c: np.ndarray
) -> None:
    colour: Any = np.where(c >= o, UP, DOWN)
    ax.vlines(x, lo, h, colors=colour, linewidth=0.8)
    # Bodies as thick line segments: one collection instead of a patch per candle (fast).
    tick = (np.nanmax(h) - np.nanmin(lo)) * 0.002
    top = np.maximum(np.maximum(o, c), np.minimum(o, c) + tick)
    ax.vlines(x, np.minimum(o, c), top, colors=colour, linewidth=_bar_width(len(x)))


def _bar_width(n: int) -> float:
    """Return a line width (points) that fills ~70% of a candle slot on the chart."""
    return max(1.0, 0.7 * 430.0 / max(n, 1))


def _bars(ax: Axes, x: np.ndarray, values: np.ndarray, colour: Any) -> None:
    ax.vlines(x, 0, np.nan_to_num(values), colors=colour, linewidth=_bar_width(len(x)))


def _stamps(times_ms: Sequence[float], zone: str, fmt: str) -> list[str]:
    """Return times (UTC epoch ms) as text in `zone`."""
    import pandas as pd

    return [
        pd.Timestamp(int(ms), unit="ms", tz="UTC").tz_convert(zone).strftime(fmt) for ms in times_ms
    ]


def _time_labels(ax: Axes, ts: np.ndarray, timeframe: str, zone: str) -> None:
    ticks = np.linspace(0, len(ts) - 1, 5).round().astype(int)
    fmt = "%m-%d" if timeframe in ("1d", "1w") else "%m-%d %H:%M"
    ax.set_xticks(ticks)
    ax.set_xticklabels(_stamps([ts[i] for i in ticks], zone, fmt))


def _price_panel(
    ax: Axes,
    x: np.ndarray,
    c: Ohlcv,
    arrays: dict[str, np.ndarray],
    tail: slice,
    words: ChartLabels,
) -> None:
    _candles(ax, x, c.open[tail], c.high[tail], c.low[tail], c.close[tail])
    for name, colour, style in (
        ("ema_50", "#1f77b4", "-"),
        ("ema_200", "#9467bd", "-"),
        ("bb_upper", "#888888", "--"),
        ("bb_lower", "#888888", "--"),
    ):
        label = {"ema_50": "EMA50", "ema_200": "EMA200", "bb_upper": words.bollinger}.get(name)
        ax.plot(x, arrays[name][tail], color=colour, linestyle=style, linewidth=1.3, label=label)
    ax.legend(loc="upper left", prop={"family": list(words.fonts), "size": 11})


def _indicator_panels(
    axes: Sequence[Axes],
    x: np.ndarray,
    c: Ohlcv,
    arrays: dict[str, np.ndarray],
    tail: slice,
    words: ChartLabels,
) -> None:
    """Draw volume, RSI and MACD on the three lower panels."""
    volume, rsi, macd = axes
    up = c.close[tail] >= c.open[tail]
    _bars(volume, x, c.volume[tail], np.where(up, UP, DOWN))
    volume.set_ylim(bottom=0)
    rsi.plot(x, arrays["rsi_14"][tail], color="#d62728", linewidth=1.3)
    rsi.axhline(70, color="#999999", linestyle=":")
    rsi.axhline(30, color="#999999", linestyle=":")
    rsi.set_ylim(0, 100)
    hist = arrays["macd_hist"][tail]
    _bars(macd, x, hist, np.where(hist >= 0, UP, DOWN))
    macd.plot(x, arrays["macd"][tail], color="#1f77b4", linewidth=1.2)
    macd.plot(x, arrays["macd_signal"][tail], color="#ff7f0e", linewidth=1.2)
    for ax, label in ((volume, words.volume), (rsi, words.rsi), (macd, words.macd)):
        ax.set_ylabel(label, fontsize=12, fontfamily=list(words.fonts))


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def chart_png(
    frame: pd.DataFrame,
    *,
    symbol: str,
    timeframe: str,
    bars: int = CHART_BARS,
    labels: ChartLabels | None = None,
) -> bytes:
    """Return a PNG (bytes) of the last `bars` closed candles with indicator panels."""
    from matplotlib.figure import Figure

    words = labels or ChartLabels()
    c = to_ohlcv(frame, min_rows=MIN_BARS)
    arrays = indicator_arrays(c)
    tail = slice(max(0, len(c) - bars), len(c))
    x = np.arange(tail.stop - tail.start)
    fig = Figure(figsize=(7.2, 9.6), dpi=100)
    grid = fig.add_gridspec(4, 1, height_ratios=(5, 1.2, 1.6, 1.6), hspace=0.08)
    price = fig.add_subplot(grid[0])
    axes = [price] + [fig.add_subplot(grid[i], sharex=price) for i in (1, 2, 3)]
    _price_panel(price, x, c, arrays, tail, words)
    title = words.title.format(symbol=symbol, timeframe=timeframe)
    price.set_title(title, fontsize=16, fontfamily=list(words.fonts))
    _indicator_panels(axes[1:], x, c, arrays, tail, words)
    for ax in axes:
        ax.yaxis.tick_right()
        ax.tick_params(labelsize=11)
        ax.grid(alpha=0.25)
        ax.set_xlim(-1, len(x))
    for ax in axes[:-1]:
        ax.tick_params(labelbottom=False)
    _time_labels(axes[-1], c.timestamp[tail], timeframe, words.zone)
    fig.subplots_adjust(left=0.08, right=0.86, top=0.95, bottom=0.05)
    return _png(fig)


EQUITY_SIZE_IN = (7.2, 4.8)
EQUITY_DPI = 100


def equity_png(
    times_ms: Sequence[int],
    values: Sequence[float],
    *,
    unit: str = "USDT",
    labels: EquityLabels | None = None,
) -> bytes:
    """Return a PNG of a result curve: steps between points (UTC times in ms), zero marked,
    the area above zero green and below red. 720x480 pixels."""
    from matplotlib.figure import Figure

    words = labels or EquityLabels()

    if len(times_ms) != len(values) or not values:
        raise ValueError("times and values must be non-empty and of equal length")
    x = np.asarray(times_ms, dtype="float64")
    y = np.asarray(values, dtype="float64")
    fig = Figure(figsize=EQUITY_SIZE_IN, dpi=EQUITY_DPI)
    ax = fig.add_subplot()
    ax.step(x, y, where="post", color="#1f77b4", linewidth=1.8)
    ax.fill_between(x, y, 0, where=y >= 0, step="post", color=UP, alpha=0.25)
    ax.fill_between(x, y, 0, where=y < 0, step="post", color=DOWN, alpha=0.25)
    ax.axhline(0, color="#666666", linewidth=0.8)
    ticks = np.linspace(x[0], x[-1], 4) if x[-1] > x[0] else x[:1]
    ax.set_xticks(ticks)
    ax.set_xticklabels(_stamps(list(ticks), words.zone, "%m-%d %H:%M"))
    ax.set_title(words.title.format(unit=unit), fontsize=13, fontfamily=list(words.fonts))
    ax.yaxis.tick_right()
    ax.tick_params(labelsize=10)
    ax.grid(alpha=0.25)
    fig.subplots_adjust(left=0.04, right=0.86, top=0.9, bottom=0.12)
    return _png(fig)
