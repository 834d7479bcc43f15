"""How orders read in /orders, /cancel and after approval: the price that defines each order
(limit price, stop trigger), rounded to the market's tick and lot step."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bot.app import open_runtime
from tests.trading.test_handlers import buttons, press, say
from trading.precision import to_step

D = Decimal


@pytest.mark.parametrize(
    ("value", "step", "shown"),
    [
        ("64210.456", "0.01", "64210.46"),
        ("64210.455", "0.01", "64210.46"),  # half to even: 45.5 -> 46
        ("64210.445", "0.01", "64210.44"),
        ("0.123456789", "0.00001", "0.12346"),
        ("2300", "0.01", "2300.00"),
        ("12345.6", "10", "12350"),
        ("0.00004", "0.0001", "0.0000"),
        ("1.5", "0", "1.5"),  # unknown step: unchanged
        ("1.5", "-1", "1.5"),
    ],
)
def test_to_step_rounds_to_the_markets_step(value: str, step: str, shown: str) -> None:
    assert str(to_step(D(value), D(step))) == shown


@pytest.fixture
async def runtime(make_settings):
    rt = await open_runtime(make_settings())
    try:
        yield rt
    finally:
        await rt.close()


async def test_orders_show_limit_price_and_stop_trigger(runtime) -> None:
    trading = runtime.services.trading
    eth = (await runtime.services.market.fetch_ticker("ETH/USDT")).last
    btc = (await runtime.services.market.fetch_ticker("BTC/USDT")).last
    limit, trigger = int(eth * D("0.7")), int(btc * D("0.8"))
    await press(runtime, buttons(await say(runtime, "/buy BTC 0.0003"))["✅ Approve"])
    card = await say(runtime, f"/limit buy ETH 0.05 at {limit}")
    placed = await press(runtime, buttons(card)["✅ Approve"])
    assert placed.text == f"#2 BUY 0.05 ETH limit {limit} — open"
    await press(
        runtime, buttons(await say(runtime, f"/stop BTC 0.0003 at {trigger}"))["✅ Approve"]
    )
    lines = (await say(runtime, "/orders")).text.splitlines()
    assert lines[1] == f"#3 SELL 0.0003 BTC stop {trigger} — open"
    assert lines[2] == f"#2 BUY 0.05 ETH limit {limit} — open"
    assert lines[3].startswith("#1 BUY 0.0003 BTC market — filled at ")
    cancelled = await say(runtime, "/cancel 2")
    assert cancelled.text == f"Cancelled: #2 BUY 0.05 ETH limit {limit} — cancelled"
    assert "limit limit" not in (await say(runtime, "/orders")).text
    assert trading.orders(7)[1].status == "canceled"


async def test_fill_prices_are_shown_to_the_markets_tick(runtime) -> None:
    trading = runtime.services.trading
    done = await press(runtime, buttons(await say(runtime, "/buy BTC 0.0003"))["✅ Approve"])
    (order,) = trading.orders(7)
    steps = (await trading.display_steps(7, ["BTC/USDT"]))["BTC/USDT"]
    assert steps.price > 0 and order.average is not None
    # paper fills include slippage: the raw average has more decimals than the tick
    assert order.average != to_step(order.average, steps.price)
    shown = re.search(r"filled at (\S+)", done.text)
    assert shown is not None and D(shown.group(1)) == to_step(order.average, steps.price)
    listed = re.search(r"filled at (\S+)", (await say(runtime, "/orders")).text)
    assert listed is not None and listed.group(1) == shown.group(1)
