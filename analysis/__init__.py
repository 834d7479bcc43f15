"""Pure technical analysis on OHLCV DataFrames (no I/O, no clock reads, inputs untouched).

Public surface (imported lazily, so `import analysis` costs nothing until used):

* `analyse(frame, symbol=, timeframe=) -> TaReport` — the full /ta report on the last candle.
* `technical_rating(frame) -> TechnicalRating` — TradingView-style rating on the last candle.
* `latest_rsi(frame, period=14) -> float` — RSI on the last candle (pass closed candles).
* `backtest(frame, horizon=, fee_pct=) -> BacktestResult` — the rating over history.
* `indicator_table(frame) -> DataFrame` — every reference indicator column.
* `chart_png(frame, symbol=, timeframe=) -> bytes` — candles + MAs + bands + RSI/MACD.
* Result types (`TaReport`, `TechnicalRating`, `Signal`, ...) from analysis.results and
  errors (`AnalysisError`, `TooFewCandles`, ...) from analysis.errors.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from analysis.errors import (
    AnalysisError,
    BadValues,
    DuplicateCandles,
    EmptyCandles,
    MissingColumns,
    TooFewCandles,
    UnsortedCandles,
)
from analysis.results import (
    BacktestResult,
    Event,
    EventKind,
    Level,
    LevelKind,
    Regime,
    Signal,
    Snapshot,
    TaReport,
    TechnicalRating,
    Trend,
    Volatility,
)

if TYPE_CHECKING:
    from analysis.backtesting import backtest
    from analysis.chart import chart_png
    from analysis.report import analyse, latest_rsi, technical_rating
    from analysis.table import indicator_table

_LAZY = {
    "analyse": "analysis.report",
    "technical_rating": "analysis.report",
    "latest_rsi": "analysis.report",
    "backtest": "analysis.backtesting",
    "indicator_table": "analysis.table",
    "chart_png": "analysis.chart",
}

__all__ = [
    "AnalysisError",
    "BacktestResult",
    "BadValues",
    "DuplicateCandles",
    "EmptyCandles",
    "Event",
    "EventKind",
    "Level",
    "LevelKind",
    "MissingColumns",
    "Regime",
    "Signal",
    "Snapshot",
    "TaReport",
    "TechnicalRating",
    "TooFewCandles",
    "Trend",
    "UnsortedCandles",
    "Volatility",
    "analyse",
    "backtest",
    "chart_png",
    "indicator_table",
    "latest_rsi",
    "technical_rating",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    return getattr(import_module(module), name)
