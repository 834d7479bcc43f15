"""Alerts: parsing, evaluation on closed real candles, persistence and paced delivery
(on SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pandas as pd
import pytest

from bot.core.errors import UserError
from bot.features.alerts.parse import parse_alert
from bot.features.alerts.render import rule_text, seen_text
from privacy.stored import StoredItem
from tests.e2e.harness import MovableClock
from tests.fakes.replay_market import DATA, ReplayMarket
from trading.alerts import (
    AlertKind,
    AlertLimitReached,
    AlertRule,
    AlertService,
    Firing,
    first_hit,
    rsi,
)
from trading.errors import UnknownSymbol


@pytest.mark.parametrize(
    ("args", "symbol", "kind", "level", "tf"),
    [
        ("BTC above 70000", "BTC/USDT", AlertKind.PRICE_ABOVE, "70000", "5m"),
        ("btc > 70,000.5 1h", "BTC/USDT", AlertKind.PRICE_ABOVE, "70000.5", "1h"),
        ("ETH rsi<30 1h", "ETH/USDT", AlertKind.RSI_BELOW, "30", "1h"),
        ("eth rsi < 30", "ETH/USDT", AlertKind.RSI_BELOW, "30", "1h"),
        ("SOL rsi above 70 4h", "SOL/USDT", AlertKind.RSI_ABOVE, "70", "4h"),
        ("sol below 120 15m", "SOL/USDT", AlertKind.PRICE_BELOW, "120", "15m"),
    ],
)
def test_parse_alert(args: str, symbol: str, kind: AlertKind, level: str, tf: str) -> None:
    rule = parse_alert(args)
    assert (rule.symbol, rule.kind, rule.threshold, rule.timeframe) == (
        symbol,
        kind,
        Decimal(level),
        tf,
    )


@pytest.mark.parametrize(
    ("args", "message_part"),
    [
        ("", "Usage"),
        ("BTC", "Usage"),
        ("BTC around 5", "Usage"),
        ("BTC above lots", "not a number"),
        ("BTC above -5", "positive"),
        ("ETH rsi<130 1h", "between 0 and 100"),
        ("ETH rsi<30 7x", "Unknown timeframe"),
        ("!!! above 5", "symbol"),
        # Decimal reads these as numbers: NaN cannot even be compared (it was an incident)
        ("ETH rsi<nan", "not a number"),
        ("BTC above NaN", "not a number"),
        ("BTC above inf", "not a number"),
        ("BTC below -Infinity", "not a number"),
        ("BTC above 1e-320", "positive"),  # no market quotes a price that small
        ("BTC above 1e13", "positive"),
    ],
)
def test_parse_alert_rejects_with_specific_message(args: str, message_part: str) -> None:
    with pytest.raises(UserError, match=message_part):
        parse_alert(args)


def _frame(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name)


def test_first_hit_price_uses_closes_after_start() -> None:
    frame = _frame("binance_BTC_USDT_1h.csv")
    rule = AlertRule("BTC/USDT", AlertKind.PRICE_ABOVE, Decimal(70000), "1h")
    ts, value = first_hit(rule, frame, after_ms=-1) or (0, Decimal(0))
    row = frame[frame["timestamp"] == ts].iloc[0]
    assert row["close"] >= 70000 and value == Decimal(str(row["close"]))
    earlier = frame[frame["timestamp"] < ts]
    assert (earlier["close"] < 70000).all()  # it is the FIRST such candle
    # starting after that candle finds a later one, never the same
    later = first_hit(rule, frame, after_ms=ts)
    assert later is not None and later[0] > ts


def test_first_hit_rsi_is_the_first_level_cross_after_warmup() -> None:
    frame = _frame("binance_ETH_USDT_1h.csv").head(2000)
    rule = AlertRule("ETH/USDT", AlertKind.RSI_BELOW, Decimal(25), "1h")
    hit = first_hit(rule, frame, after_ms=-1)
    assert hit is not None
    values = rsi(frame)
    index = frame.index[frame["timestamp"] == hit[0]][0]
    assert index >= 13  # no value during the RSI(14) warm-up
    assert values[index] <= 25
    assert all(v > 25 for v in values[:index] if v == v)  # v == v: skip warm-up NaN


def _service(engine, clock: MovableClock, **kw: int) -> tuple[AlertService, ReplayMarket]:
    market = ReplayMarket(clock)
    return AlertService(engine, market, clock, **kw), market


async def test_alert_fires_once_on_closed_candle_and_is_delivered_once(engine) -> None:
    clock = MovableClock(datetime(2024, 8, 10, 12, 0, 30, tzinfo=UTC))
    service, market = _service(engine, clock)
    candles = await market.fetch_candles("BTC/USDT", "5m", 1)
    last_close = Decimal(str(candles.last_close))
    rule = AlertRule("BTC/USDT", AlertKind.PRICE_BELOW, last_close + 1000, "5m")
    alert = await service.add(ALICE_ID, ALICE_ID, rule)
    assert await service.check() == 0  # the candle open at creation has not closed yet
    clock.advance(minutes=5)
    assert await service.check() == 1
    assert await service.check() == 0  # never twice
    sent: list[Firing] = []

    async def notify(firing: Firing) -> bool:
        sent.append(firing)
        return True

    assert await service.deliver_due(notify) == 1
    assert await service.deliver_due(notify) == 0
    assert [f.alert.id for f in sent] == [alert.id]
    assert sent[0].candle_close_at == datetime(2024, 8, 10, 12, 5, tzinfo=UTC)
    assert await service.list_for(ALICE_ID) == []


async def test_failed_send_is_retried_and_pacing_limits_per_user(engine) -> None:
    clock = MovableClock(datetime(2024, 8, 10, 12, 0, 30, tzinfo=UTC))
    service, _market = _service(engine, clock, notify_per_hour=2)
    rule = AlertRule("BTC/USDT", AlertKind.PRICE_ABOVE, Decimal(1), "5m")
    for _ in range(3):
        await service.add(ALICE_ID, ALICE_ID, rule)
    clock.advance(minutes=5)
    assert await service.check() == 3
    attempts: list[int] = []

    async def flaky(firing: Firing) -> bool:
        attempts.append(firing.alert.id)
        return len(attempts) > 1  # the first send fails

    assert await service.deliver_due(flaky) == 1  # 2 claims, 1 failed and released
    assert await service.deliver_due(flaky) == 1  # the failed one again; hour budget now used
    assert await service.deliver_due(flaky) == 0
    clock.advance(hours=1, minutes=1)
    assert await service.deliver_due(flaky) == 1
    assert attempts[0] == attempts[2] and len(set(attempts)) == 3  # the failed one was retried


async def test_limits_unknown_symbol_remove_and_forget(engine) -> None:
    clock = MovableClock()
    service, _market = _service(engine, clock, max_per_user=2)
    rule = AlertRule("ETH/USDT", AlertKind.RSI_BELOW, Decimal(30), "1h")
    with pytest.raises(UnknownSymbol):
        await service.add(ALICE_ID, ALICE_ID, AlertRule("NOPE/USDT", rule.kind, Decimal(3), "1h"))
    first = await service.add(ALICE_ID, ALICE_ID, rule)
    await service.add(ALICE_ID, ALICE_ID, rule)
    with pytest.raises(AlertLimitReached):
        await service.add(ALICE_ID, ALICE_ID, rule)
    other = await service.add(BOB_ID, BOB_ID, rule)
    assert not await service.remove(BOB_ID, first.id)  # not Bob's
    assert await service.remove(ALICE_ID, first.id)
    assert await service.describe_user(ALICE_ID) == [
        StoredItem("alerts", 1, "1 price/indicator alert(s) (symbol, condition, status)")
    ]
    assert await service.forget_user(ALICE_ID) == 1
    assert await service.list_for(ALICE_ID) == []
    assert [a.id for a in await service.list_for(BOB_ID)] == [other.id]


async def test_exchange_outage_skips_check_without_losing_candles(engine) -> None:
    clock = MovableClock(datetime(2024, 8, 10, 12, 0, 30, tzinfo=UTC))
    service, market = _service(engine, clock)
    await service.add(
        ALICE_ID, ALICE_ID, AlertRule("BTC/USDT", AlertKind.PRICE_ABOVE, Decimal(1), "5m")
    )
    clock.advance(minutes=5)
    market.down = True
    assert await service.check() == 0
    market.down = False
    clock.advance(minutes=30)
    assert await service.check() == 1


def test_rule_text_is_plain() -> None:
    rule = AlertRule("BTC/USDT", AlertKind.PRICE_ABOVE, Decimal("70000.50"), "5m")
    assert rule_text(rule) == "BTC/USDT closes above 70000.5 (5m candles)"


def test_seen_indicator_values_are_rounded_closes_are_not() -> None:
    """The terminal showed 'RSI 28.95261601': RSI reads to 2 decimals (rounded
    toward the side the rule asked for), a close as is."""
    rsi = AlertRule("ETH/USDT", AlertKind.RSI_BELOW, Decimal(30), "1h")
    assert seen_text(rsi, Decimal("28.95261601")) == "RSI 28.95"
    assert seen_text(rsi, Decimal("29.999")) == "RSI 29.99"  # below 30, so never "30"
    up = AlertRule("ETH/USDT", AlertKind.RSI_ABOVE, Decimal(70), "1h")
    assert seen_text(up, Decimal("70.001")) == "RSI 70.01"
    close = AlertRule("BTC/USDT", AlertKind.PRICE_ABOVE, Decimal(1), "5m")
    assert seen_text(close, Decimal("0.00012345")) == "close 0.00012345"


ALICE_ID = 101
BOB_ID = 102


async def test_alert_fires_on_the_bundled_replay_market(engine) -> None:
    """The default market replays 2024 candles: alerts follow market time, not the clock."""
    from trading.replay import ReplayConfig
    from trading.replay import ReplayMarket as BundledReplay

    clock = MovableClock(datetime(2026, 11, 25, 15, 0, 10, tzinfo=UTC))
    market = BundledReplay(ReplayConfig(), clock)
    service = AlertService(engine, market, clock)
    rule = AlertRule("BTC/USDT", AlertKind.PRICE_ABOVE, Decimal(1), "5m")
    await service.add(ALICE_ID, ALICE_ID, rule)
    assert await service.check() == 0
    clock.advance(minutes=6)
    assert await service.check() == 1
