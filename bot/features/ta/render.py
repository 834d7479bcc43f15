"""User-facing wording of the TA feature (reports, levels, MTF, backtest, errors).

`report_facts(report)` gives the same numbers as short plain lines for the Q&A model's facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from analysis.results import EventKind, GroupRating, Level, LevelKind, Signal, TaReport
from bot.core.wording import say

if TYPE_CHECKING:
    from analysis import BacktestResult
    from trading.market import TimeframeReport

DISCLAIMER = "Technical analysis, not financial advice."
TF_HINT = "15m, 1h, 4h, 1d"
EVENT_WORDS = {
    EventKind.GOLDEN_CROSS: "golden cross (SMA50 crossed above SMA200)",
    EventKind.DEATH_CROSS: "death cross (SMA50 crossed below SMA200)",
    EventKind.MACD_BULL_CROSS: "MACD crossed above its signal",
    EventKind.MACD_BEAR_CROSS: "MACD crossed below its signal",
    EventKind.RSI_OVERBOUGHT: "RSI above 70 (overbought)",
    EventKind.RSI_OVERSOLD: "RSI below 30 (oversold)",
    EventKind.BULLISH_DIVERGENCE: "bullish RSI divergence (lower low, higher RSI)",
    EventKind.BEARISH_DIVERGENCE: "bearish RSI divergence (higher high, lower RSI)",
    EventKind.SQUEEZE: "Bollinger squeeze (narrowest bands in 120 candles)",
    EventKind.CLOSE_ABOVE_UPPER_BAND: "close above the upper Bollinger band",
    EventKind.CLOSE_BELOW_LOWER_BAND: "close below the lower Bollinger band",
}


def price(value: float | None) -> str:
    """Format a price with sensible precision (1,234.56 / 12.345 / 0.0012345)."""
    if value is None:
        return "n/a"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.2f}"
    if size >= 1:
        return f"{value:,.4g}" if size < 100 else f"{value:,.2f}"
    return f"{value:.6g}"


def num(value: float | None, digits: int = 1, *, sign: bool = False) -> str:
    """Format an indicator value, or n/a while it is warming up."""
    if value is None:
        return "n/a"
    return f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"


def when(ms: int) -> str:
    """Format a candle open time (UTC)."""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def _group(name: str, group: GroupRating) -> str:
    label = group.signal.value if group.signal else "n/a"
    return f"{name} {label} ({group.buy} buy / {group.neutral} neutral / {group.sell} sell)"


def rating_line(report: TaReport) -> str:
    """Return "Rating: Sell (−0.18) — MAs …, oscillators …"."""
    r = report.rating
    label = r.signal.value if r.signal else "n/a"
    return (
        f"Rating: {label} ({num(r.value, 2, sign=True)}) — "
        f"{_group('MAs', r.moving_averages)}; {_group('oscillators', r.oscillators)}"
    )


def _levels(levels: Sequence[Level], kind: LevelKind) -> str:
    chosen = [lv for lv in levels if lv.kind is kind]
    chosen.sort(key=lambda lv: abs(lv.distance_pct))
    if not chosen:
        return "none nearby"
    return ", ".join(f"{price(lv.price)} ({lv.distance_pct:+.2f}%, {lv.touches}×)" for lv in chosen)


def _missing(report: TaReport) -> str | None:
    missing = report.rating.moving_averages.missing + report.rating.oscillators.missing
    if not missing:
        return None
    return (
        f"Only {26 - len(missing)} of 26 rating components have enough candles "
        f"({report.candles}); missing: {', '.join(missing)}."
    )


def report_text(report: TaReport) -> str:
    """Render the /ta reply."""
    s, g = report.snapshot, report.regime
    change = f" ({s.change_pct:+.2f}% vs previous candle)" if s.change_pct is not None else ""
    lines = [
        f"{report.symbol} {report.timeframe} — last closed candle opened {when(s.candle_open_ms)}",
        f"Close {price(s.close)}{change}",
        rating_line(report),
        f"Trend: {g.trend.value} (ADX {num(g.adx)}) · volatility {g.volatility.value} "
        f"(NATR {num(g.natr_pct, 2)}%)",
        f"RSI {num(s.rsi_14)} · MACD hist {num(s.macd_hist, 2, sign=True)} · "
        f"Stoch {num(s.stoch_k)}/{num(s.stoch_d)} · MFI {num(s.mfi_14)} · CCI {num(s.cci_20)}",
        f"EMA50 {price(s.ema_50)} · EMA200 {price(s.ema_200)} · "
        f"Bollinger {price(s.bb_lower)}–{price(s.bb_upper)} · VWAP(day) {price(s.vwap_daily)}",
        f"Support: {_levels(report.levels, LevelKind.SUPPORT)}",
        f"Resistance: {_levels(report.levels, LevelKind.RESISTANCE)}",
    ]
    if report.events:
        lines.append("Events: " + "; ".join(_event(e.kind, e.bars_ago) for e in report.events))
    missing = _missing(report)
    if missing:
        lines.append(missing)
    lines.append(DISCLAIMER)
    return "\n".join(lines)


def _event(kind: EventKind, bars_ago: int) -> str:
    ago = "last candle" if bars_ago == 0 else f"{bars_ago} candles ago"
    return f"{EVENT_WORDS[kind]} ({ago})"


def momentum_text(report: TaReport) -> str:
    """Render the answer to "is X overbought?"."""
    s = report.snapshot
    rsi = s.rsi_14
    if rsi is None:
        verdict = "RSI is not available yet"
    elif rsi > 70:
        verdict = f"Yes — RSI {rsi:.1f} is above 70 (overbought)"
    elif rsi < 30:
        verdict = f"Oversold — RSI {rsi:.1f} is below 30"
    else:
        verdict = f"No — RSI {rsi:.1f} is between 30 and 70"
    return (
        f"{report.symbol} {report.timeframe}: {verdict}.\n"
        f"Stoch {num(s.stoch_k)}/{num(s.stoch_d)} · MFI {num(s.mfi_14)} · "
        f"close vs Bollinger {price(s.bb_lower)}–{price(s.bb_upper)}\n"
        f"{rating_line(report)}\n(last closed candle opened {when(s.candle_open_ms)})"
    )


def levels_text(report: TaReport) -> str:
    """Render the /levels reply."""
    return "\n".join(
        [
            f"{report.symbol} {report.timeframe} levels from swing points (close "
            f"{price(report.snapshot.close)}, candle {when(report.snapshot.candle_open_ms)})",
            f"Resistance: {_levels(report.levels, LevelKind.RESISTANCE)}",
            f"Support: {_levels(report.levels, LevelKind.SUPPORT)}",
            "(n× = how many swing highs/lows formed the zone)",
        ]
    )


_LEAN = {
    Signal.STRONG_BUY: 1,
    Signal.BUY: 1,
    Signal.NEUTRAL: 0,
    Signal.SELL: -1,
    Signal.STRONG_SELL: -1,
}


def mtf_text(symbol: str, rows: Sequence[TimeframeReport]) -> str:
    """Render the /mtf reply."""
    lines = [f"{symbol} across timeframes (closed candles):"]
    leans = []
    for row in rows:
        if row.report is None:
            lines.append(f"{row.timeframe}: not available ({row.problem})")
            continue
        r = row.report
        sig = r.rating.signal
        leans.append(_LEAN[sig] if sig else 0)
        lines.append(
            f"{row.timeframe}: {sig.value if sig else 'n/a'} ({num(r.rating.value, 2, sign=True)})"
            f" · {r.regime.trend.value} · RSI {num(r.snapshot.rsi_14)}"
        )
    if leans:
        buy, sell = leans.count(1), leans.count(-1)
        lines.append(f"Agreement: {buy} of {len(leans)} lean buy, {sell} lean sell.")
    lines.append(DISCLAIMER)
    return "\n".join(lines)


def backtest_text(symbol: str, timeframe: str, result: BacktestResult) -> str:
    """Render the /backtest reply, labelled as history."""
    hit = "n/a" if result.hit_rate_pct is None else f"{result.hit_rate_pct:.0f}%"
    avg = "n/a" if result.avg_return_pct is None else f"{result.avg_return_pct:+.2f}%"
    return "\n".join(
        [
            f"Backtest of the summary rating on {symbol} {timeframe} — HISTORY, NOT A PROMISE.",
            f"{result.candles} closed candles, {when(result.first_open_ms)} → "
            f"{when(result.last_open_ms)}; long while the rating is Buy/Strong Buy, "
            f"fees {result.fee_pct:g}% per side.",
            f"Signals: {result.signals} · hit rate after {result.horizon} candles {hit} · "
            f"average {avg}",
            f"Strategy {result.strategy_return_pct:+.1f}% (max drawdown "
            f"{result.strategy_max_drawdown_pct:.1f}%, in market {result.exposure_pct:.0f}%) vs "
            f"buy-and-hold {result.buy_hold_return_pct:+.1f}% (max drawdown "
            f"{result.buy_hold_max_drawdown_pct:.1f}%)",
            "Past results do not predict future returns.",
        ]
    )


def report_facts(report: TaReport) -> list[str]:
    """Return the report's numbers as short fact lines (for the Q&A model's context)."""
    s = report.snapshot
    r = report.rating
    facts = [
        f"{report.symbol} {report.timeframe} last closed candle opened {when(s.candle_open_ms)},"
        f" close {price(s.close)}",
        f"technical rating {r.signal.value if r.signal else 'n/a'} ({num(r.value, 2, sign=True)})",
        f"trend {report.regime.trend.value}, volatility {report.regime.volatility.value}",
        f"RSI14 {num(s.rsi_14)}, MACD histogram {num(s.macd_hist, 2, sign=True)}, "
        f"ADX14 {num(s.adx_14)}",
    ]
    supports = [lv for lv in report.levels if lv.kind is LevelKind.SUPPORT]
    resistances = [lv for lv in report.levels if lv.kind is LevelKind.RESISTANCE]
    if supports:
        facts.append(f"nearest support {price(max(lv.price for lv in supports))}")
    if resistances:
        facts.append(f"nearest resistance {price(min(lv.price for lv in resistances))}")
    return facts


def error_text(err: Exception, symbol: str, timeframe: str) -> str:
    """Word a market-data or analysis error about this symbol and timeframe."""
    supported = getattr(err, "supported", ())
    return say(err, symbol=symbol, timeframe=timeframe, supported=supported or TF_HINT)
