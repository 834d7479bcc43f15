"""All reference indicator outputs for a candles frame, named as in the TA-Lib reference."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis import indicators as ind
from analysis.frame import Ohlcv, to_ohlcv

COLUMNS = (
    *("sma_20", "sma_50", "sma_200", "ema_12", "ema_26", "ema_50", "ema_200", "rsi_14"),
    *("macd", "macd_signal", "macd_hist", "bb_upper", "bb_middle", "bb_lower", "atr_14"),
    *("natr_14", "adx_14", "plus_di_14", "minus_di_14", "stoch_k", "stoch_d", "stochrsi_k"),
    *("stochrsi_d", "cci_20", "mfi_14", "obv", "willr_14", "roc_10", "aroon_up_25"),
    *("aroon_down_25", "vwap_daily"),
)


def indicator_arrays(c: Ohlcv) -> dict[str, np.ndarray]:
    """Return every reference indicator output as an array, keyed by column name."""
    h, lo, cl, v = c.high, c.low, c.close, c.volume
    out: dict[str, np.ndarray] = {}
    for n in (20, 50, 200):
        out[f"sma_{n}"] = ind.sma(cl, n)
    for n in (12, 26, 50, 200):
        out[f"ema_{n}"] = ind.ema(cl, n)
    out["rsi_14"] = ind.rsi(cl, 14)
    out["macd"], out["macd_signal"], out["macd_hist"] = ind.macd(cl, slow_ema=out["ema_26"])
    out["bb_upper"], out["bb_middle"], out["bb_lower"] = ind.bollinger(cl)
    tr = ind.true_range(h, lo, cl)
    out["atr_14"] = ind.atr(h, lo, cl, 14, tr=tr)
    out["natr_14"] = ind._safe_div(out["atr_14"], cl, 100.0)
    out["adx_14"], out["plus_di_14"], out["minus_di_14"] = ind.directional(h, lo, cl, 14, tr=tr)
    extremes = ind.price_range(h, lo, 14)
    out["stoch_k"], out["stoch_d"] = ind.stochastic(h, lo, cl, extremes=extremes)
    out["stochrsi_k"], out["stochrsi_d"] = ind.stochastic(
        out["rsi_14"], out["rsi_14"], out["rsi_14"]
    )
    out["cci_20"] = ind.cci(h, lo, cl, 20)
    out["mfi_14"] = ind.mfi(h, lo, cl, v, 14)
    out["obv"] = ind.obv(cl, v)
    out["willr_14"] = ind.williams_r(h, lo, cl, 14, extremes=extremes)
    out["roc_10"] = ind.roc(cl, 10)
    out["aroon_up_25"], out["aroon_down_25"] = ind.aroon(h, lo, 25)
    out["vwap_daily"] = ind.vwap_daily(c.timestamp, h, lo, cl, v)
    return out


def indicator_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Return `timestamp` plus one column per reference output (warm-up rows are NaN)."""
    candles = to_ohlcv(frame)
    arrays = indicator_arrays(candles)
    columns = {"timestamp": candles.timestamp, **{k: arrays[k] for k in COLUMNS}}
    return pd.DataFrame(columns, copy=False)  # the arrays are ours: no 2-D block copy
