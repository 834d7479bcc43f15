"""TA benchmark: all 31 indicator outputs (ours vs TA-Lib vs `ta`) and the /ta paths.

Targets (issue 4): 1M candles ≤ 2x TA-Lib's time in the same run; the full /ta report on 500
candles ≤ 10 ms; the chart PNG ≤ 400 ms. Series longer than the bundled file are synthesised
from the real BTC 1h candles: returns, wick/body ratios and volumes drawn with replacement.

    .venv/bin/python benchmarks/ta.py [--quick]   # --quick: skip `ta` at 1M (takes ~30 s)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

# Run as a script, this file's folder comes first on sys.path and "ta" would import this
# file instead of the `ta` package: put the repository root there instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))
from analysis import analyse, chart_png, indicator_table  # noqa: E402
from analysis.indicators import vwap_daily  # noqa: E402
from benchmarks.report import print_table, summary_ms, timed, write_json  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "trading" / "data" / "ohlcv"
SIZES = (1_000, 100_000, 1_000_000)
TARGET_RATIO = 2.0
TARGET_REPORT_MS = 10.0
TARGET_CHART_MS = 400.0


def synthesise(real: pd.DataFrame, n: int, seed: int = 7) -> pd.DataFrame:
    """Return n hourly candles whose returns, wicks and volumes are resampled real ones."""
    if n <= len(real):
        return real.head(n).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    close = real["close"].to_numpy()
    pick = rng.integers(1, len(real), n)
    closes = close[0] * np.cumprod(close[pick] / close[pick - 1])
    opens = np.concatenate(([close[0]], closes[:-1]))
    up = (real["high"] / real[["open", "close"]].max(axis=1)).to_numpy()[pick]
    down = (real["low"] / real[["open", "close"]].min(axis=1)).to_numpy()[pick]
    return pd.DataFrame(
        {
            "timestamp": int(real["timestamp"].iloc[0]) + np.arange(n, dtype=np.int64) * 3_600_000,
            "open": opens,
            "high": np.maximum(opens, closes) * up,
            "low": np.minimum(opens, closes) * down,
            "close": closes,
            "volume": real["volume"].to_numpy()[pick],
        }
    )


def talib_all(frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """All 31 outputs with TA-Lib (VWAP, which TA-Lib lacks, in numpy as in the reference)."""
    import talib

    ts = frame["timestamp"].to_numpy()
    h, lo, c = (frame[k].to_numpy(float) for k in ("high", "low", "close"))
    v = frame["volume"].to_numpy(float)
    sma = talib.MA_Type.SMA
    out = {f"sma_{n}": talib.SMA(c, n) for n in (20, 50, 200)}
    out |= {f"ema_{n}": talib.EMA(c, n) for n in (12, 26, 50, 200)}
    rsi = talib.RSI(c, 14)
    out["rsi_14"] = rsi
    out["macd"], out["macd_signal"], out["macd_hist"] = talib.MACD(c, 12, 26, 9)
    out["bb_upper"], out["bb_middle"], out["bb_lower"] = talib.BBANDS(c, 20, 2.0, 2.0, sma)
    out["atr_14"], out["natr_14"] = talib.ATR(h, lo, c, 14), talib.NATR(h, lo, c, 14)
    out["adx_14"] = talib.ADX(h, lo, c, 14)
    out["plus_di_14"], out["minus_di_14"] = (
        talib.PLUS_DI(h, lo, c, 14),
        talib.MINUS_DI(h, lo, c, 14),
    )
    out["stoch_k"], out["stoch_d"] = talib.STOCH(h, lo, c, 14, 3, sma, 3, sma)
    out["stochrsi_k"], out["stochrsi_d"] = talib.STOCH(rsi, rsi, rsi, 14, 3, sma, 3, sma)
    out["cci_20"], out["mfi_14"] = talib.CCI(h, lo, c, 20), talib.MFI(h, lo, c, v, 14)
    out["obv"], out["willr_14"] = talib.OBV(c, v), talib.WILLR(h, lo, c, 14)
    out["roc_10"] = talib.ROC(c, 10)
    out["aroon_down_25"], out["aroon_up_25"] = talib.AROON(h, lo, 25)
    out["vwap_daily"] = vwap_daily(ts, h, lo, c, v)
    return out


def ta_all(frame: pd.DataFrame) -> dict[str, object]:
    """The closest `ta` 0.11 equivalents (see shared/ta-reference/README.md for the mapping)."""
    from ta import momentum, trend, volatility, volume

    h, lo, c, v = frame["high"], frame["low"], frame["close"], frame["volume"]
    out: dict[str, object] = {
        f"sma_{n}": trend.SMAIndicator(c, n).sma_indicator() for n in (20, 50, 200)
    }
    out |= {f"ema_{n}": trend.EMAIndicator(c, n).ema_indicator() for n in (12, 26, 50, 200)}
    out["rsi_14"] = momentum.RSIIndicator(c, 14).rsi()
    m = trend.MACD(c, window_slow=26, window_fast=12, window_sign=9)
    out |= {"macd": m.macd(), "macd_signal": m.macd_signal(), "macd_hist": m.macd_diff()}
    bb = volatility.BollingerBands(c, 20, 2)
    out |= {
        "bb_upper": bb.bollinger_hband(),
        "bb_middle": bb.bollinger_mavg(),
        "bb_lower": bb.bollinger_lband(),
    }
    atr = volatility.AverageTrueRange(h, lo, c, 14).average_true_range()
    out |= {"atr_14": atr, "natr_14": 100 * atr / c}
    adx = trend.ADXIndicator(h, lo, c, 14)
    out |= {"adx_14": adx.adx(), "plus_di_14": adx.adx_pos(), "minus_di_14": adx.adx_neg()}
    st = momentum.StochasticOscillator(h, lo, c, 14, 3)
    out |= {"stoch_k": st.stoch_signal(), "stoch_d": st.stoch_signal().rolling(3).mean()}
    sr = momentum.StochRSIIndicator(c, 14, 3, 3)
    out |= {"stochrsi_k": 100 * sr.stochrsi_k(), "stochrsi_d": 100 * sr.stochrsi_d()}
    out["cci_20"] = trend.CCIIndicator(h, lo, c, 20, 0.015).cci()
    out["mfi_14"] = volume.MFIIndicator(h, lo, c, v, 14).money_flow_index()
    out["obv"] = volume.OnBalanceVolumeIndicator(c, v).on_balance_volume()
    out["willr_14"] = momentum.WilliamsRIndicator(h, lo, c, 14).williams_r()
    out["roc_10"] = momentum.ROCIndicator(c, 10).roc()
    ar = trend.AroonIndicator(h, lo, 25)
    out |= {"aroon_up_25": ar.aroon_up(), "aroon_down_25": ar.aroon_down()}
    out["vwap_daily"] = vwap_daily(
        *(frame[k].to_numpy(float) for k in ("timestamp", "high", "low", "close", "volume"))
    )
    return out


def interleaved(fns: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    """Return the best wall time of each function, running them in turns (fair under load)."""
    for fn in fns.values():
        fn()  # warm-up: imports, allocator, caches
    best = {name: float("inf") for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def bench_indicators(real: pd.DataFrame, quick: bool) -> list[dict[str, object]]:
    rows = []
    for n in SIZES:
        frame = synthesise(real, n)
        fns: dict[str, Callable[[], object]] = {
            "ours": lambda f=frame: indicator_table(f),
            "talib": lambda f=frame: talib_all(f),
        }
        best = interleaved(fns, 7 if n <= 100_000 else 5)
        ta_s: float | None = None
        if not (quick and n >= 1_000_000):
            ta_s = min(timed(lambda f=frame: ta_all(f), 1 if n >= 100_000 else 3))
        rows.append(
            {
                "candles": n,
                "ours_ms": round(best["ours"] * 1000, 1),
                "talib_ms": round(best["talib"] * 1000, 1),
                "ta_ms": "skipped" if ta_s is None else round(ta_s * 1000, 1),
                "ours/talib": round(best["ours"] / best["talib"], 2),
                "ta/talib": "-" if ta_s is None else round(ta_s / best["talib"], 1),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip `ta` at 1M candles")
    args = parser.parse_args()
    real = pd.read_csv(DATA / "binance_BTC_USDT_1h.csv")
    rows = bench_indicators(real, args.quick)
    print_table("All 31 indicator outputs (best wall time, ours and TA-Lib run in turns)", rows)
    last500 = real.tail(500).reset_index(drop=True)
    report = summary_ms(timed(lambda: analyse(last500, symbol="BTC/USDT", timeframe="1h"), 50))
    chart = summary_ms(timed(lambda: chart_png(last500, symbol="BTC/USDT", timeframe="1h"), 10))
    paths = [
        {"path": "full /ta report, 500 candles", **report, "target_ms": TARGET_REPORT_MS},
        {"path": "chart PNG (120 drawn of 500)", **chart, "target_ms": TARGET_CHART_MS},
    ]
    print_table("User-facing paths", paths)
    ratio = float(rows[-1]["ours/talib"])  # type: ignore[arg-type]
    verdict = {
        "1M_ratio_vs_talib": ratio,
        "1M_ok": ratio <= TARGET_RATIO,
        "report_ok": report["p50_ms"] <= TARGET_REPORT_MS,
        "chart_ok": chart["p50_ms"] <= TARGET_CHART_MS,
    }
    print(f"\ntargets: {verdict}")
    write_json("ta", {"indicators": rows, "paths": paths, "verdict": verdict})
    return 0


if __name__ == "__main__":
    sys.exit(main())
