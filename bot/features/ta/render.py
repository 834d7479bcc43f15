"""User-facing wording of the TA feature (reports, levels, MTF, backtest, errors).

Every sentence is a catalog entry of domain `ta` (bot/locale/<language>/LC_MESSAGES/ta.po);
numbers go through `bot.core.formats` (Babel) and candle times are shown in the reader's
zone, with the zone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from analysis.results import EventKind, GroupRating, Level, LevelKind, Signal, TaReport
from bot.core import formats
from bot.core.i18n import t
from bot.core.wording import Worded

if TYPE_CHECKING:
    from analysis import BacktestResult
    from trading.market import TimeframeReport

TF_HINT = ("15m", "1h", "4h", "1d")


@dataclass(frozen=True, slots=True)
class Listed:
    """Items shown as a list in the reader's language ("a, b" / "a、b"): a lazy `Text`."""

    items: tuple[str, ...]

    def render(self, language: str) -> str:
        return t(language, "ta.list_sep").join(self.items)


def price(value: float | None, language: str) -> str:
    """Format a price with sensible precision (1,234.56 / 12.345 / 0.0012345)."""
    if value is None:
        return t(language, "ta.na")
    size = abs(value)
    if size >= 100:
        return formats.number(value, language, digits=2)
    significant = 4 if size >= 1 else 6
    return formats.number(Decimal(f"{value:.{significant}g}"), language)


def num(value: float | None, language: str, digits: int = 1, *, sign: bool = False) -> str:
    """Format an indicator value, or n/a while it is warming up."""
    if value is None:
        return t(language, "ta.na")
    if sign:
        return formats.signed(value, language, digits=digits)
    return formats.number(value, language, digits=digits)


def percent(value: float | None, language: str, digits: int, *, sign: bool = False) -> str:
    """Format a value already in percent (3.1 means 3.1%), or n/a."""
    if value is None:
        return t(language, "ta.na")
    return formats.percent(value / 100, language, digits=digits, sign=sign)


def when(ms: int, language: str, zone: str) -> str:
    """Format a candle open time in the reader's zone, with the zone."""
    return formats.when(datetime.fromtimestamp(ms / 1000, tz=UTC), language, zone)


def signal_word(signal: Signal | None, language: str) -> str:
    """Return the rating category in words (強い買い / Strong Buy)."""
    if signal is None:
        return t(language, "ta.na")
    return t(language, "ta.signal." + signal.name.lower())


def _group(key: str, group: GroupRating, language: str) -> str:
    word = signal_word(group.signal, language)
    return t(language, key, signal=word, buy=group.buy, neutral=group.neutral, sell=group.sell)


def rating_line(report: TaReport, language: str) -> str:
    """Return "Rating: Sell (−0.18) — MAs …, oscillators …"."""
    r = report.rating
    return t(
        language,
        "ta.rating.line",
        signal=signal_word(r.signal, language),
        value=num(r.value, language, 2, sign=True),
        mas=_group("ta.rating.mas", r.moving_averages, language),
        oscillators=_group("ta.rating.oscillators", r.oscillators, language),
    )


def _levels(levels: Sequence[Level], kind: LevelKind, language: str) -> str:
    chosen = [lv for lv in levels if lv.kind is kind]
    chosen.sort(key=lambda lv: abs(lv.distance_pct))
    if not chosen:
        return t(language, "ta.levels.none")
    return t(language, "ta.list_sep").join(
        t(
            language,
            "ta.levels.item",
            price=price(lv.price, language),
            distance=formats.signed(lv.distance_pct, language, digits=2),
            touches=lv.touches,
        )
        for lv in chosen
    )


def _level_lines(report: TaReport, language: str, *, resistance_first: bool) -> list[str]:
    support = t(
        language, "ta.levels.support", levels=_levels(report.levels, LevelKind.SUPPORT, language)
    )
    resistance = t(
        language,
        "ta.levels.resistance",
        levels=_levels(report.levels, LevelKind.RESISTANCE, language),
    )
    return [resistance, support] if resistance_first else [support, resistance]


def _missing(report: TaReport, language: str) -> str | None:
    missing = report.rating.moving_averages.missing + report.rating.oscillators.missing
    if not missing:
        return None
    total = len(report.rating.moving_averages.components) + len(
        report.rating.oscillators.components
    )
    return t(
        language,
        "ta.report.missing",
        have=total - len(missing),
        total=total,
        candles=report.candles,
        missing=t(language, "ta.list_sep").join(_component(name, language) for name in missing),
    )


# Rating components with a name in words (the others are abbreviations: SMA10, RSI14 …).
_COMPONENTS = frozenset(
    {"HullMA9", "VWMA20", "Ichimoku", "Stoch14", "AO", "Mom10", "StochRSI", "W%R14"}
    | {"BBPower13", "UO"}
)


def _component(name: str, language: str) -> str:
    if name not in _COMPONENTS:
        return name
    return t(language, "ta.component." + re.sub(r"[^a-z0-9]", "", name.lower()))


def _close_line(report: TaReport, language: str) -> str:
    s = report.snapshot
    close = price(s.close, language)
    if s.change_pct is None:
        return t(language, "ta.report.close", close=close)
    change = formats.signed(s.change_pct, language, digits=2)
    return t(language, "ta.report.close_change", close=close, change=change)


def _indicator_lines(report: TaReport, language: str) -> list[str]:
    s, g = report.snapshot, report.regime
    n = num
    return [
        t(
            language,
            "ta.report.regime",
            trend=t(language, "ta.trend." + g.trend.value),
            adx=n(g.adx, language),
            volatility=t(language, "ta.volatility." + g.volatility.value),
            natr=n(g.natr_pct, language, 2),
        ),
        t(
            language,
            "ta.report.oscillators",
            rsi=n(s.rsi_14, language),
            macd=n(s.macd_hist, language, 2, sign=True),
            k=n(s.stoch_k, language),
            d=n(s.stoch_d, language),
            mfi=n(s.mfi_14, language),
            cci=n(s.cci_20, language),
        ),
        t(
            language,
            "ta.report.averages",
            ema50=price(s.ema_50, language),
            ema200=price(s.ema_200, language),
            lower=price(s.bb_lower, language),
            upper=price(s.bb_upper, language),
            vwap=price(s.vwap_daily, language),
        ),
    ]


def report_text(report: TaReport, language: str, zone: str) -> str:
    """Render the /ta reply."""
    s = report.snapshot
    time = when(s.candle_open_ms, language, zone)
    lines = [
        t(language, "ta.report.head", symbol=report.symbol, timeframe=report.timeframe, time=time),
        _close_line(report, language),
        rating_line(report, language),
        *_indicator_lines(report, language),
        *_level_lines(report, language, resistance_first=False),
    ]
    if report.events:
        events = t(language, "ta.event_sep").join(
            _event(e.kind, e.bars_ago, language) for e in report.events
        )
        lines.append(t(language, "ta.report.events", events=events))
    missing = _missing(report, language)
    if missing:
        lines.append(missing)
    lines.append(t(language, "ta.disclaimer"))
    return "\n".join(lines)


def _event(kind: EventKind, bars_ago: int, language: str) -> str:
    if bars_ago == 0:
        ago = t(language, "ta.event.last_candle")
    else:
        ago = t(language, "ta.event.candles_ago", count=bars_ago)
    return t(language, "ta.event.item", event=t(language, "ta.event." + kind.value), ago=ago)


def _verdict(rsi: float | None, language: str) -> str:
    if rsi is None:
        return t(language, "ta.momentum.unavailable")
    shown = formats.number(rsi, language, digits=1)
    if rsi > 70:
        return t(language, "ta.momentum.overbought", rsi=shown)
    if rsi < 30:
        return t(language, "ta.momentum.oversold", rsi=shown)
    return t(language, "ta.momentum.between", rsi=shown)


def momentum_text(report: TaReport, language: str, zone: str) -> str:
    """Render the answer to "is X overbought?"."""
    s = report.snapshot
    head = t(
        language,
        "ta.momentum.head",
        symbol=report.symbol,
        timeframe=report.timeframe,
        verdict=_verdict(s.rsi_14, language),
    )
    detail = t(
        language,
        "ta.momentum.detail",
        k=num(s.stoch_k, language),
        d=num(s.stoch_d, language),
        mfi=num(s.mfi_14, language),
        lower=price(s.bb_lower, language),
        upper=price(s.bb_upper, language),
    )
    candle = t(language, "ta.momentum.candle", time=when(s.candle_open_ms, language, zone))
    return "\n".join([head, detail, rating_line(report, language), candle])


def levels_text(report: TaReport, language: str, zone: str) -> str:
    """Render the /levels reply."""
    head = t(
        language,
        "ta.levels.head",
        symbol=report.symbol,
        timeframe=report.timeframe,
        close=price(report.snapshot.close, language),
        time=when(report.snapshot.candle_open_ms, language, zone),
    )
    return "\n".join(
        [
            head,
            *_level_lines(report, language, resistance_first=True),
            t(language, "ta.levels.legend"),
        ]
    )


_LEAN = {
    Signal.STRONG_BUY: 1,
    Signal.BUY: 1,
    Signal.NEUTRAL: 0,
    Signal.SELL: -1,
    Signal.STRONG_SELL: -1,
}
# Why a timeframe is missing from /mtf (trading.market.TimeframeReport.problem) in words.
_PROBLEMS = {
    "UnsupportedTimeframe": "ta.mtf.problem.no_data",
    "TooFewCandles": "ta.mtf.problem.too_few_candles",
}


def _mtf_row(row: TimeframeReport, language: str) -> str:
    r = row.report
    if r is None:
        problem = _PROBLEMS.get(row.problem or "", "ta.mtf.problem.broken")
        return t(
            language, "ta.mtf.unavailable", timeframe=row.timeframe, problem=t(language, problem)
        )
    return t(
        language,
        "ta.mtf.row",
        timeframe=row.timeframe,
        signal=signal_word(r.rating.signal, language),
        value=num(r.rating.value, language, 2, sign=True),
        trend=t(language, "ta.trend." + r.regime.trend.value),
        rsi=num(r.snapshot.rsi_14, language),
    )


def mtf_text(symbol: str, rows: Sequence[TimeframeReport], language: str) -> str:
    """Render the /mtf reply."""
    lines = [t(language, "ta.mtf.head", symbol=symbol)]
    leans = []
    for row in rows:
        lines.append(_mtf_row(row, language))
        if row.report is not None:
            sig = row.report.rating.signal
            leans.append(_LEAN[sig] if sig else 0)
    if leans:
        buy, sell = leans.count(1), leans.count(-1)
        lines.append(t(language, "ta.mtf.agreement", buy=buy, total=len(leans), sell=sell))
    lines.append(t(language, "ta.disclaimer"))
    return "\n".join(lines)


def backtest_text(
    symbol: str, timeframe: str, result: BacktestResult, language: str, zone: str
) -> str:
    """Render the /backtest reply, labelled as history."""
    pct = percent
    return "\n".join(
        [
            t(language, "ta.backtest.head", symbol=symbol, timeframe=timeframe),
            t(
                language,
                "ta.backtest.setup",
                candles=formats.number(result.candles, language),
                first=when(result.first_open_ms, language, zone),
                last=when(result.last_open_ms, language, zone),
                fee=formats.number(result.fee_pct, language),
            ),
            t(
                language,
                "ta.backtest.signals",
                signals=result.signals,
                horizon=result.horizon,
                hit=pct(result.hit_rate_pct, language, 0),
                average=pct(result.avg_return_pct, language, 2, sign=True),
            ),
            t(
                language,
                "ta.backtest.result",
                strategy=pct(result.strategy_return_pct, language, 1, sign=True),
                strategy_drawdown=pct(result.strategy_max_drawdown_pct, language, 1),
                exposure=pct(result.exposure_pct, language, 0),
                hold=pct(result.buy_hold_return_pct, language, 1, sign=True),
                hold_drawdown=pct(result.buy_hold_max_drawdown_pct, language, 1),
            ),
            t(language, "ta.backtest.warning"),
        ]
    )


def error_text(err: Exception, symbol: str, timeframe: str) -> Worded:
    """Word a market-data or analysis error about this symbol and timeframe (lazily)."""
    supported = getattr(err, "supported", ()) or TF_HINT
    return Worded(err, {"symbol": symbol, "timeframe": timeframe, "supported": supported})
