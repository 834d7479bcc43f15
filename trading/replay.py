"""ReplayMarket: `MarketData` over the bundled Binance candle files (trading/data/ohlcv).

The default price source of the paper exchange and of /ta when no live exchange is set.

Replay time: `replay_now = start + (clock() - opened_at) * speed`, clamped to the end of the
data. `start` and `speed` are settings (QNABOT_REPLAY_START, QNABOT_REPLAY_SPEED); with the
defaults the replay begins at 2024-08-06 00:00 UTC (inside every bundled file; the 5m file
covers August 2024, so 5m/15m have five days of history) and advances one second per second.
Only candles that closed by replay_now are served (a candle opened at t closes at t + tf).

Timeframes: a native file wins (e.g. BTC 1d from 2017); otherwise 4h/1d/1w are resampled from
1h and 15m/30m from 5m, and an aggregated candle appears only once all its parts closed.
Unknown symbols raise UnknownSymbol, other timeframes UnsupportedTimeframe (with the list).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from trading.errors import UnknownSymbol, UnsupportedTimeframe
from trading.ports import TIMEFRAME_MS, Candles, Ticker

if TYPE_CHECKING:
    import pandas as pd

Clock = Callable[[], datetime]
DATA_DIR = Path(__file__).resolve().parent / "data" / "ohlcv"
DEFAULT_START = datetime(2024, 8, 6, tzinfo=UTC)
_FILE = re.compile(r"binance_([A-Z0-9]+)_([A-Z0-9]+)_(\w+)\.csv")
# Which native file a derived timeframe is resampled from, finest first.
_DERIVED_FROM = {
    "15m": ("5m",),
    "30m": ("5m",),
    "4h": ("1h",),
    "1d": ("1h",),
    "1w": ("1d", "1h"),
}


@dataclass(frozen=True, slots=True)
class ReplayConfig:
    """Where the candle files are and how replay time maps to the clock."""

    data_dir: Path = DATA_DIR
    start: datetime = DEFAULT_START
    speed: float = 1.0


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


class ReplayMarket:
    """Serve closed candles and tickers from CSV files as if the exchange were at replay_now."""

    def __init__(self, config: ReplayConfig, clock: Clock) -> None:
        self._config = config
        self._clock = clock
        self._opened_at = clock()
        self._files: dict[str, dict[str, Path]] = {}
        for path in sorted(config.data_dir.glob("*.csv")):
            match = _FILE.fullmatch(path.name)
            if match and match.group(3) in TIMEFRAME_MS:
                symbol = f"{match.group(1)}/{match.group(2)}"
                self._files.setdefault(symbol, {})[match.group(3)] = path
        self._frames: dict[tuple[str, str], pd.DataFrame] = {}
        self._lock = asyncio.Lock()

    def now(self) -> datetime:
        """Return replay time (may run past the data; then the last candle stays the last)."""
        elapsed = (self._clock() - self._opened_at).total_seconds()
        return self._config.start + timedelta(seconds=elapsed * self._config.speed)

    async def symbols(self) -> frozenset[str]:
        return frozenset(self._files)

    def timeframes(self, symbol: str) -> tuple[str, ...]:
        """Return the timeframes served for a symbol (native or derived), shortest first."""
        native = self._files.get(symbol, {})
        usable = set(native)
        usable |= {tf for tf, srcs in _DERIVED_FROM.items() if any(s in native for s in srcs)}
        return tuple(sorted(usable, key=TIMEFRAME_MS.__getitem__))

    def _source(self, symbol: str, timeframe: str) -> str:
        native = self._files.get(symbol)
        if native is None:
            raise UnknownSymbol(symbol)
        if timeframe in native:
            return timeframe
        for src in _DERIVED_FROM.get(timeframe, ()):
            if src in native:
                return src
        raise UnsupportedTimeframe(symbol, timeframe, self.timeframes(symbol))

    def _load(self, symbol: str, timeframe: str) -> pd.DataFrame:
        key = (symbol, timeframe)
        frame = self._frames.get(key)
        if frame is None:
            import pandas as pd

            frame = pd.read_csv(self._files[symbol][timeframe]).astype(
                {"timestamp": "int64", "open": "float64", "high": "float64"}
                | {"low": "float64", "close": "float64", "volume": "float64"}
            )
            self._frames[key] = frame
        return frame

    def _last_close_ms(self, symbol: str, timeframe: str) -> int:
        frame = self._load(symbol, timeframe)
        return int(frame["timestamp"].iloc[-1]) + TIMEFRAME_MS[timeframe]

    def _covers(self, symbol: str, src: str, now_ms: int) -> bool:
        """True when the file reaches replay time (or ends with the symbol's longest file)."""
        data_end = max(self._last_close_ms(symbol, tf) for tf in self._files[symbol])
        return self._last_close_ms(symbol, src) >= min(now_ms, data_end) - 86_400_000

    def _closed(self, symbol: str, timeframe: str, now_ms: int) -> pd.DataFrame:
        src = self._source(symbol, timeframe)
        frame = self._load(symbol, src)
        closed = frame[frame["timestamp"].to_numpy() + TIMEFRAME_MS[src] <= now_ms]
        if closed.empty or not self._covers(symbol, src, now_ms):
            # e.g. the 5m file holds August 2024 only: no 5m/15m candles at other times.
            supported = tuple(tf for tf in self.timeframes(symbol) if tf != timeframe)
            raise UnsupportedTimeframe(symbol, timeframe, supported)
        if src == timeframe:
            return closed
        return _resample(closed, TIMEFRAME_MS[timeframe], now_ms)

    async def fetch_candles(self, symbol: str, timeframe: str, limit: int) -> Candles:
        now = self.now()
        async with self._lock:  # loading a file once, not once per concurrent caller
            frame = await asyncio.to_thread(self._closed, symbol, timeframe, _ms(now))
        tail = frame.tail(max(limit, 0)).reset_index(drop=True)
        return Candles(symbol=symbol, timeframe=timeframe, frame=tail, as_of=now)

    async def fetch_ticker(self, symbol: str) -> Ticker:
        now = self.now()
        native = self._files.get(symbol)
        if native is None:
            raise UnknownSymbol(symbol)
        frame = None
        for tf in sorted(native, key=TIMEFRAME_MS.__getitem__):  # finest covering file
            try:
                frame = self._closed(symbol, tf, _ms(now))
                break
            except UnsupportedTimeframe:
                continue
        if frame is None:
            raise UnsupportedTimeframe(symbol, "1h", ())
        last = float(frame["close"].iloc[-1])
        return Ticker(
            symbol=symbol,
            last=Decimal(repr(last)),
            bid=None,
            ask=None,
            change_24h_pct=_change_24h(frame, last),
            at=now,
        )

    async def close(self) -> None:
        """Nothing to release (files are read whole)."""


def _change_24h(frame: pd.DataFrame, last: float) -> Decimal | None:
    ts = frame["timestamp"].to_numpy()
    earlier = frame["close"].to_numpy()[ts <= ts[-1] - 86_400_000]
    if earlier.size == 0 or earlier[-1] == 0:
        return None
    return Decimal(repr(round((last / float(earlier[-1]) - 1.0) * 100.0, 4)))


def _resample(frame: pd.DataFrame, step_ms: int, now_ms: int) -> pd.DataFrame:
    """Aggregate closed finer candles into `step_ms` buckets, keeping only closed buckets."""
    import pandas as pd

    # Weekly buckets start on Monday 00:00 UTC like Binance (epoch day 0 was a Thursday).
    offset = 4 * 86_400_000 if step_ms == TIMEFRAME_MS["1w"] else 0
    bucket = (frame["timestamp"].to_numpy() - offset) // step_ms * step_ms + offset
    grouped = frame.groupby(bucket, sort=True)
    starts = grouped["timestamp"].first()
    out = pd.DataFrame(
        {
            "timestamp": starts.index.to_numpy(dtype="int64"),
            "open": grouped["open"].first().to_numpy(),
            "high": grouped["high"].max().to_numpy(),
            "low": grouped["low"].min().to_numpy(),
            "close": grouped["close"].last().to_numpy(),
            "volume": grouped["volume"].sum().to_numpy(),
        }
    )
    ts = out["timestamp"].to_numpy()
    # A bucket is a candle only when closed and complete from its start (not cut by the file).
    keep = (ts + step_ms <= now_ms) & (starts.to_numpy() == ts)
    kept: pd.DataFrame = out[keep].reset_index(drop=True)
    return kept
