"""ReplayMarket (closed candles only, resampling, typed errors) and MarketService caching.

The exchange path uses the real ccxt client against the local Binance server.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest

from tests.fakes.binance_server import FakeBinance
from trading.ccxt_adapter import CcxtExchange
from trading.errors import UnknownSymbol, UnsupportedTimeframe
from trading.market import MarketConfig, MarketService, closed_only
from trading.ports import Candles
from trading.replay import ReplayConfig, ReplayMarket

START = datetime(2024, 8, 6, 0, 30, tzinfo=UTC)
HOUR_MS = 3_600_000


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2030, 1, 1, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def replay(clock: Clock) -> ReplayMarket:
    return ReplayMarket(ReplayConfig(start=START, speed=1.0), clock)


async def test_replay_serves_only_closed_candles(replay: ReplayMarket, clock: Clock) -> None:
    candles = await replay.fetch_candles("BTC/USDT", "1h", 5)
    last = int(candles.frame["timestamp"].iloc[-1])
    assert last == _ms(datetime(2024, 8, 5, 23, tzinfo=UTC))  # 00:00 candle still forming
    clock.now += timedelta(minutes=30)  # replay 01:00: the 00:00 candle has closed
    candles = await replay.fetch_candles("BTC/USDT", "1h", 5)
    assert int(candles.frame["timestamp"].iloc[-1]) == _ms(datetime(2024, 8, 6, tzinfo=UTC))
    assert candles.as_of == datetime(2024, 8, 6, 1, tzinfo=UTC)


async def test_replay_speed_maps_real_seconds_to_replay_time(clock: Clock) -> None:
    fast = ReplayMarket(ReplayConfig(start=START, speed=3600.0), clock)
    clock.now += timedelta(seconds=2)  # two replay hours
    assert fast.now() == START + timedelta(hours=2)


async def test_4h_is_resampled_from_closed_hours(replay: ReplayMarket) -> None:
    four = (await replay.fetch_candles("ETH/USDT", "4h", 3)).frame
    hours = (await replay.fetch_candles("ETH/USDT", "1h", 40)).frame
    last = four.iloc[-1]
    # Replay 00:30: the 20:00-24:00 bucket is complete; the 00:00 bucket is not served.
    assert int(last["timestamp"]) == _ms(datetime(2024, 8, 5, 20, tzinfo=UTC))
    part = hours[
        (hours["timestamp"] >= last["timestamp"])
        & (hours["timestamp"] < last["timestamp"] + 4 * HOUR_MS)
    ]
    assert len(part) == 4
    assert last["open"] == part["open"].iloc[0] and last["close"] == part["close"].iloc[-1]
    assert last["high"] == part["high"].max() and last["low"] == part["low"].min()
    assert last["volume"] == pytest.approx(part["volume"].sum())


async def test_15m_comes_from_the_5m_file_where_it_covers(replay: ReplayMarket) -> None:
    frame = (await replay.fetch_candles("BTC/USDT", "15m", 10)).frame
    assert np.all(np.diff(frame["timestamp"]) == 900_000)
    assert int(frame["timestamp"].iloc[-1]) == _ms(datetime(2024, 8, 6, 0, 15, tzinfo=UTC))


async def test_unknown_symbol_and_timeframe_raise_typed_errors(
    replay: ReplayMarket, clock: Clock
) -> None:
    with pytest.raises(UnknownSymbol):
        await replay.fetch_candles("XRP/USDT", "1h", 10)
    with pytest.raises(UnsupportedTimeframe) as info:
        await replay.fetch_candles("ETH/USDT", "5m", 10)  # no ETH 5m file
    assert "1h" in info.value.supported and "5m" not in info.value.supported
    clock.now += timedelta(days=40)  # past the end of the 5m file (August 2024)
    with pytest.raises(UnsupportedTimeframe):
        await replay.fetch_candles("BTC/USDT", "5m", 10)


async def test_ticker_is_the_last_closed_price(replay: ReplayMarket) -> None:
    ticker = await replay.fetch_ticker("BTC/USDT")
    five = (await replay.fetch_candles("BTC/USDT", "5m", 1)).frame
    assert float(ticker.last) == five["close"].iloc[-1]
    assert ticker.at == START


def test_closed_only_drops_a_forming_candle() -> None:
    frame = pd.DataFrame(
        {"timestamp": [0, HOUR_MS, 2 * HOUR_MS], "open": 1.0, "high": 1.0, "low": 1.0}
        | {"close": 1.0, "volume": 1.0}
    )
    as_of = datetime.fromtimestamp(2.5 * 3600, tz=UTC)  # the 02:00 candle is forming
    kept = closed_only(Candles("X/USDT", "1h", frame, as_of)).frame
    assert kept["timestamp"].tolist() == [0, HOUR_MS]


class Ticks:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


async def test_single_flight_one_upstream_fetch_for_many_users() -> None:
    async with FakeBinance() as fx:
        source = CcxtExchange("binance", api_url=fx.url, timeout_s=5, rate_limit=False)
        ticks = Ticks()
        market = MarketService(source, MarketConfig(candle_ttl_s=15), monotonic=ticks)
        try:
            results = await asyncio.gather(
                *(market.fetch_candles("BTC/USDT", "1h", 100) for _ in range(30))
            )
            assert fx.count("GET", "/api/v3/klines") == 1
            assert all(r.frame.equals(results[0].frame) for r in results)
            last_open = int(results[0].frame["timestamp"].iloc[-1])
            assert last_open + HOUR_MS <= _ms(results[0].as_of)  # closed candles only
            await market.fetch_candles("BTC/USDT", "1h", 50)  # within the TTL: cached
            assert fx.count("GET", "/api/v3/klines") == 1
            ticks.t = 16.0
            await market.fetch_candles("BTC/USDT", "1h", 50)
            assert fx.count("GET", "/api/v3/klines") == 2
        finally:
            await market.close()


async def test_failed_fetch_is_not_cached() -> None:
    async with FakeBinance() as fx:
        source = CcxtExchange("binance", api_url=fx.url, timeout_s=5, rate_limit=False)
        market = MarketService(source)
        try:
            await market.symbols()
            fx.inject("GET", "/api/v3/klines", "500")
            from trading.errors import ExchangeUnavailable

            with pytest.raises(ExchangeUnavailable):
                await market.fetch_candles("BTC/USDT", "1h", 10)
            candles = await market.fetch_candles("BTC/USDT", "1h", 10)
            assert len(candles.frame) == 10
        finally:
            await market.close()


async def test_reports_are_computed_once_per_closed_candle(replay: ReplayMarket) -> None:
    market = MarketService(replay)
    first, second = await asyncio.gather(
        market.report("BTC/USDT", "1h"), market.report("BTC/USDT", "1h")
    )
    assert first is second
    assert first.snapshot.candle_open_ms == _ms(datetime(2024, 8, 5, 23, tzinfo=UTC))
