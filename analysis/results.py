"""Result types of the analysis package: frozen dataclasses, cheap to import (no numpy).

Other packages read these: the trading package shows `TaReport.rating` on proposal cards,
the LLM's Q&A puts the report's numbers into its facts, alerts read `Snapshot.rsi_14`.
Times are candle open times in UTC ms; prices are floats (analysis, not money).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Signal(StrEnum):
    """Category of a rating value."""

    STRONG_SELL = "Strong Sell"
    SELL = "Sell"
    NEUTRAL = "Neutral"
    BUY = "Buy"
    STRONG_BUY = "Strong Buy"


@dataclass(frozen=True, slots=True)
class ComponentVote:
    """One rating component's vote: 1 buy, 0 neutral, -1 sell, None = no value yet."""

    name: str
    vote: int | None


@dataclass(frozen=True, slots=True)
class GroupRating:
    """The moving-average or oscillator group: mean vote, category and vote counts."""

    value: float | None
    signal: Signal | None
    buy: int
    neutral: int
    sell: int
    components: tuple[ComponentVote, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """Return the components that could not vote (not enough candles)."""
        return tuple(c.name for c in self.components if c.vote is None)


@dataclass(frozen=True, slots=True)
class TechnicalRating:
    """Summary rating on the candle that opened at `candle_open_ms` (a closed candle)."""

    candle_open_ms: int
    value: float | None
    signal: Signal | None
    moving_averages: GroupRating
    oscillators: GroupRating

    @property
    def complete(self) -> bool:
        """Return True when all 26 components voted."""
        return not (self.moving_averages.missing or self.oscillators.missing)


class Trend(StrEnum):
    UP = "uptrend"
    DOWN = "downtrend"
    RANGE = "range"


class Volatility(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Regime:
    """Trend (ADX and price vs EMA50/EMA200) and volatility (NATR vs its recent history)."""

    trend: Trend
    adx: float | None
    volatility: Volatility
    natr_pct: float | None
    natr_percentile: float | None


class LevelKind(StrEnum):
    SUPPORT = "support"
    RESISTANCE = "resistance"


@dataclass(frozen=True, slots=True)
class Level:
    """A support/resistance zone from clustered swing points; distance from the last close."""

    kind: LevelKind
    price: float
    touches: int
    last_touch_ms: int
    distance_pct: float


class EventKind(StrEnum):
    GOLDEN_CROSS = "golden_cross"
    DEATH_CROSS = "death_cross"
    MACD_BULL_CROSS = "macd_bull_cross"
    MACD_BEAR_CROSS = "macd_bear_cross"
    RSI_OVERBOUGHT = "rsi_overbought"
    RSI_OVERSOLD = "rsi_oversold"
    BULLISH_DIVERGENCE = "bullish_divergence"
    BEARISH_DIVERGENCE = "bearish_divergence"
    SQUEEZE = "bollinger_squeeze"
    CLOSE_ABOVE_UPPER_BAND = "close_above_upper_band"
    CLOSE_BELOW_LOWER_BAND = "close_below_lower_band"


@dataclass(frozen=True, slots=True)
class Event:
    """Something notable on a recent candle (`bars_ago` = 0 is the last closed candle)."""

    kind: EventKind
    candle_open_ms: int
    bars_ago: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Key indicator values on the last closed candle (None while warming up)."""

    candle_open_ms: int
    close: float
    change_pct: float | None
    sma_20: float | None
    sma_50: float | None
    sma_200: float | None
    ema_50: float | None
    ema_200: float | None
    rsi_14: float | None
    macd: float | None
    macd_signal: float | None
    macd_hist: float | None
    bb_upper: float | None
    bb_lower: float | None
    atr_14: float | None
    natr_14: float | None
    adx_14: float | None
    stoch_k: float | None
    stoch_d: float | None
    mfi_14: float | None
    cci_20: float | None
    vwap_daily: float | None


@dataclass(frozen=True, slots=True)
class TaReport:
    """The full /ta answer for one symbol and timeframe, computed on closed candles only."""

    symbol: str
    timeframe: str
    candles: int
    snapshot: Snapshot
    rating: TechnicalRating
    regime: Regime
    levels: tuple[Level, ...]
    events: tuple[Event, ...]


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """How "long while the summary rating is Buy or Strong Buy" did on past candles.

    History, not a promise. Returns are percent; fees are charged per side on every entry
    and exit. Signal hits count entries whose price `horizon` candles later was higher.
    """

    candles: int
    first_open_ms: int
    last_open_ms: int
    horizon: int
    fee_pct: float
    signals: int
    hit_rate_pct: float | None
    avg_return_pct: float | None
    trades: int
    strategy_return_pct: float
    strategy_max_drawdown_pct: float
    buy_hold_return_pct: float
    buy_hold_max_drawdown_pct: float
    exposure_pct: float
