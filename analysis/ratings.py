"""TradingView-style Technical Ratings, vectorised over every bar.

Rules: /work/shared/ta-reference/TECHNICAL_RATINGS.md (TradingView's TechnicalRating v3
library). 26 components vote +1/0/-1 on each bar; a component without a value yet (warm-up)
does not vote. MA rating = mean of the 15 MA votes, oscillator rating = mean of the 11
oscillator votes, summary = mean of the two (or the one available). Computing every bar at
once lets the backtest replay the rating over history with the same code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np

from analysis import indicators as ind
from analysis.frame import Ohlcv
from analysis.results import ComponentVote, GroupRating, Signal, TechnicalRating

MA_COMPONENTS = (
    *("SMA10", "SMA20", "SMA30", "SMA50", "SMA100", "SMA200"),
    *("EMA10", "EMA20", "EMA30", "EMA50", "EMA100", "EMA200"),
    *("HullMA9", "VWMA20", "Ichimoku"),
)
OSC_COMPONENTS = (
    *("RSI14", "Stoch14", "CCI20", "ADX14", "AO", "Mom10", "MACD", "StochRSI"),
    *("W%R14", "BBPower13", "UO"),
)


@dataclass(frozen=True, slots=True)
class RatingSeries:
    """Votes (rows = bars, columns = components; NaN = no vote) and the three ratings."""

    ma_votes: np.ndarray
    osc_votes: np.ndarray
    ma: np.ndarray
    oscillators: np.ndarray
    summary: np.ndarray


Known = Mapping[str, np.ndarray]


def _known(known: Known | None, name: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
    """Return an indicator already computed (analysis.table column names) or compute it."""
    if known is not None and name in known:
        return known[name]
    return compute()


def _vote(buy: np.ndarray, sell: np.ndarray, *inputs: np.ndarray) -> np.ndarray:
    out = np.where(buy, 1.0, np.where(sell, -1.0, 0.0))
    missing = np.zeros(len(out), dtype=bool)
    for x in inputs:
        missing |= np.isnan(x)
    out[missing] = np.nan
    return out


def _prev(x: np.ndarray, k: int = 1) -> np.ndarray:
    out = np.full(len(x), np.nan)
    if k < len(x):
        out[k:] = x[:-k]
    return out


def _ma_vote(close: np.ndarray, ma: np.ndarray) -> np.ndarray:
    return _vote(ma < close, ma > close, ma)


def hull_ma(close: np.ndarray, n: int = 9) -> np.ndarray:
    """Return the Hull moving average WMA(2*WMA(n/2) - WMA(n), sqrt(n))."""
    raw = 2.0 * ind.wma(close, n // 2) - ind.wma(close, n)
    return ind.wma(raw, int(np.floor(np.sqrt(n))))


def vwma(close: np.ndarray, volume: np.ndarray, n: int = 20) -> np.ndarray:
    """Return the volume-weighted moving average."""
    return ind._safe_div(ind.rolling_sum(close * volume, n), ind.rolling_sum(volume, n))


def _donchian_mid(c: Ohlcv, n: int) -> np.ndarray:
    hh, ll = ind.price_range(c.high, c.low, n)
    mid: np.ndarray = (hh + ll) / 2.0
    return mid


def _ichimoku_vote(c: Ohlcv) -> np.ndarray:
    conv, base = _donchian_mid(c, 9), _donchian_mid(c, 26)
    span_a = _prev((conv + base) / 2.0, 26)
    span_b = _prev(_donchian_mid(c, 52), 26)
    buy = (span_a > span_b) & (base > span_a) & (conv > base) & (c.close > conv)
    sell = (span_a < span_b) & (base < span_a) & (conv < base) & (c.close < conv)
    return _vote(buy, sell, span_a, span_b, conv, base)


def ma_votes(c: Ohlcv, known: Known | None = None) -> np.ndarray:
    """Return the 15 moving-average votes per bar (columns in MA_COMPONENTS order)."""
    cl = c.close
    periods = (10, 20, 30, 50, 100, 200)
    cols = [_ma_vote(cl, _known(known, f"sma_{n}", partial(ind.sma, cl, n))) for n in periods]
    cols += [_ma_vote(cl, _known(known, f"ema_{n}", partial(ind.ema, cl, n))) for n in periods]
    cols.append(_ma_vote(cl, hull_ma(cl, 9)))
    cols.append(_ma_vote(cl, vwma(cl, c.volume, 20)))
    cols.append(_ichimoku_vote(c))
    return np.column_stack(cols)


def _level_vote(x: np.ndarray, low: float, high: float) -> np.ndarray:
    """Buy below `low` and rising, sell above `high` and falling."""
    prev = _prev(x)
    return _vote((x < low) & (x > prev), (x > high) & (x < prev), x, prev)


def _cross_vote(
    k: np.ndarray, d: np.ndarray, buy_ok: np.ndarray, sell_ok: np.ndarray, *needed: np.ndarray
) -> np.ndarray:
    buy = buy_ok & (k < 20) & (d < 20) & (k > d)
    sell = sell_ok & (k > 80) & (d > 80) & (k < d)
    return _vote(buy, sell, k, d, *needed)


def awesome_oscillator(c: Ohlcv) -> np.ndarray:
    """Return SMA5(hl2) - SMA34(hl2)."""
    hl2 = (c.high + c.low) / 2.0
    ao: np.ndarray = ind.sma(hl2, 5) - ind.sma(hl2, 34)
    return ao


def _ao_vote(ao: np.ndarray) -> np.ndarray:
    p1, p2 = _prev(ao), _prev(ao, 2)
    buy = ((ao > 0) & (p1 <= 0)) | ((ao > 0) & (p1 > 0) & (ao > p1) & (p2 > p1))
    sell = ((ao < 0) & (p1 >= 0)) | ((ao < 0) & (p1 < 0) & (ao < p1) & (p2 < p1))
    return _vote(buy, sell, ao, p1, p2)


def ultimate_oscillator(c: Ohlcv) -> np.ndarray:
    """Return the Ultimate Oscillator (7, 14, 28)."""
    prev_close = _prev(c.close)
    low = np.fmin(c.low, prev_close)
    bp = c.close - low
    tr = np.fmax(c.high, prev_close) - low
    bp[0] = tr[0] = np.nan
    avgs = [ind._safe_div(ind.rolling_sum(bp, n), ind.rolling_sum(tr, n)) for n in (7, 14, 28)]
    uo: np.ndarray = 100.0 * (4.0 * avgs[0] + 2.0 * avgs[1] + avgs[2]) / 7.0
    return uo


def _oscillator_inputs(c: Ohlcv, known: Known | None) -> dict[str, np.ndarray]:
    """Return the reference-table indicators the oscillator votes use (reused when known)."""
    if known is not None and all(name in known for name in _OSC_INPUTS):
        return {name: known[name] for name in _OSC_INPUTS}
    h, lo, cl = c.high, c.low, c.close
    out = {"rsi_14": ind.rsi(cl, 14), "ema_50": ind.ema(cl, 50)}
    out["stoch_k"], out["stoch_d"] = ind.stochastic(h, lo, cl)
    out["adx_14"], out["plus_di_14"], out["minus_di_14"] = ind.directional(h, lo, cl)
    out["macd"], out["macd_signal"], _ = ind.macd(cl)
    r = out["rsi_14"]
    out["stochrsi_k"], out["stochrsi_d"] = ind.stochastic(r, r, r)
    out["willr_14"] = ind.williams_r(h, lo, cl)
    return out


_OSC_INPUTS = (
    *("rsi_14", "ema_50", "stoch_k", "stoch_d", "adx_14", "plus_di_14", "minus_di_14"),
    *("macd", "macd_signal", "stochrsi_k", "stochrsi_d", "willr_14"),
)


def osc_votes(c: Ohlcv, known: Known | None = None) -> np.ndarray:
    """Return the 11 oscillator votes per bar (columns in OSC_COMPONENTS order)."""
    cl = c.close
    x = _oscillator_inputs(c, known)
    r, ema50 = x["rsi_14"], x["ema_50"]
    up, down = cl > ema50, cl < ema50
    k, d = x["stoch_k"], x["stoch_d"]
    adx, pdi, mdi = x["adx_14"], x["plus_di_14"], x["minus_di_14"]
    adx_up = (adx > 20) & (adx > _prev(adx))
    mom = cl - _prev(cl, 10)
    macd, signal = x["macd"], x["macd_signal"]
    srk, srd = x["stochrsi_k"], x["stochrsi_d"]
    ema13 = ind.ema(cl, 13)
    bull, bear = c.high - ema13, c.low - ema13
    uo = ultimate_oscillator(c)
    cols = [
        _level_vote(r, 30, 70),
        _cross_vote(k, d, np.ones(len(cl), bool), np.ones(len(cl), bool)),
        _level_vote(ind.cci_of(cl, 20), -100, 100),
        _vote(adx_up & (pdi > mdi), adx_up & (pdi < mdi), adx, _prev(adx), pdi, mdi),
        _ao_vote(awesome_oscillator(c)),
        _vote(mom > _prev(mom), mom < _prev(mom), mom, _prev(mom)),
        _vote(macd > signal, macd < signal, macd, signal),
        _cross_vote(srk, srd, down, up, ema50),
        _level_vote(x["willr_14"], -80, -20),
        _vote(
            up & (bear < 0) & (bear > _prev(bear)),
            down & (bull > 0) & (bull < _prev(bull)),
            ema50,
            _prev(bear),
        ),
        _vote(uo > 70, uo < 30, uo),
    ]
    return np.column_stack(cols)


def _nanmean_rows(votes: np.ndarray) -> np.ndarray:
    present = ~np.isnan(votes)
    count = present.sum(axis=1)
    total = np.where(present, votes, 0.0).sum(axis=1)
    out = np.full(len(votes), np.nan)
    np.divide(total, count, out=out, where=count > 0)
    return out


def rating_series(c: Ohlcv, known: Known | None = None) -> RatingSeries:
    """Return the votes and MA / oscillator / summary ratings on every bar.

    `known`: indicators already computed for these candles (analysis.table names), reused.
    """
    mv, ov = ma_votes(c, known), osc_votes(c, known)
    ma, osc = _nanmean_rows(mv), _nanmean_rows(ov)
    summary = np.where(np.isnan(ma), osc, np.where(np.isnan(osc), ma, (ma + osc) / 2.0))
    return RatingSeries(ma_votes=mv, osc_votes=ov, ma=ma, oscillators=osc, summary=summary)


def category(value: float) -> Signal | None:
    """Return the category of a rating value (strict bounds, as TradingView's library)."""
    if np.isnan(value):
        return None
    if value > 0.5:
        return Signal.STRONG_BUY
    if value > 0.1:
        return Signal.BUY
    if value < -0.5:
        return Signal.STRONG_SELL
    if value < -0.1:
        return Signal.SELL
    return Signal.NEUTRAL


def _group(names: tuple[str, ...], votes: np.ndarray, value: float) -> GroupRating:
    comps = tuple(
        ComponentVote(name, None if np.isnan(v) else int(v))
        for name, v in zip(names, votes, strict=True)
    )
    return GroupRating(
        value=None if np.isnan(value) else float(value),
        signal=category(value),
        buy=sum(1 for x in comps if x.vote == 1),
        neutral=sum(1 for x in comps if x.vote == 0),
        sell=sum(1 for x in comps if x.vote == -1),
        components=comps,
    )


def rating_at(series: RatingSeries, row: int, candle_ts: int) -> TechnicalRating:
    """Return the rating on one bar (normally the last closed candle)."""
    summary = float(series.summary[row])
    return TechnicalRating(
        candle_open_ms=candle_ts,
        value=None if np.isnan(summary) else summary,
        signal=category(summary),
        moving_averages=_group(MA_COMPONENTS, series.ma_votes[row], float(series.ma[row])),
        oscillators=_group(OSC_COMPONENTS, series.osc_votes[row], float(series.oscillators[row])),
    )
