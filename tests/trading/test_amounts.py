"""Amounts: exact parsing or a named refusal, sane sizes, cards checked against the balance."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.trading.conftest import limit_ask, place
from trading.amounts import parse_amount
from trading.errors import AmountRefused, InsufficientFunds, RiskRejected
from trading.models import OrderState
from trading.ports import OrderType, Side
from trading.service import TradeAsk

# what people type: up to 15 significant digits, anywhere from 1e-18 to 1e15
SANE = st.builds(
    lambda digits, exponent: Decimal(digits).scaleb(exponent),
    st.integers(1, 10**15 - 1),
    st.integers(-18, 0),
)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1e-3", Decimal("0.001")),
        ("1E-3", Decimal("0.001")),
        ("2.5", Decimal("2.5")),
        (".5", Decimal("0.5")),
        ("0.05", Decimal("0.05")),
        ("１．５", Decimal("1.5")),  # full-width digits from a Japanese keyboard
        ("+3", Decimal("3")),
        ("1_000", Decimal("1000")),
    ],
)
def test_amounts_are_read_exactly(text: str, value: Decimal) -> None:
    assert parse_amount(text) == value


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("2,5", "comma"),
        ("1,000", "comma"),
        ("-1", "positive"),
        ("0", "positive"),
        ("1e309", "digit"),
        ("9" * 32, "digit"),
        ("1e-30", "smaller"),
        ("nan", "not a number"),
        ("inf", "not a number"),
        ("0x10", "not a number"),
        ("1.2.3", "not a number"),
        ("", "not a number"),
    ],
)
def test_bad_amounts_are_refused_by_name(text: str, why: str) -> None:
    with pytest.raises(AmountRefused, match=why) as caught:
        parse_amount(text)
    assert caught.value.rule == "amount"


@given(SANE)
def test_every_sane_decimal_reads_back_exactly(value: Decimal) -> None:
    assert parse_amount(str(value)) == value
    assert parse_amount(format(value, "e")) == value


@given(st.text(max_size=60))
def test_any_text_is_a_positive_amount_or_a_named_refusal(text: str) -> None:
    try:
        value = parse_amount(text)
    except AmountRefused:
        return
    assert value.is_finite() and value > 0


async def test_a_32_digit_amount_is_refused_not_an_incident(harness) -> None:
    svc = harness.service()
    absurd = TradeAsk(Side.BUY, "BTC/USDT", amount=Decimal("9" * 32))
    with pytest.raises(AmountRefused, match="32-digit"):
        await svc.propose(7, 7, absurd)
    huge_stop = TradeAsk(Side.BUY, "BTC/USDT", amount=Decimal("0.001"), stop_loss=Decimal("1e40"))
    with pytest.raises(AmountRefused):
        await svc.propose(7, 7, huge_stop)


async def test_a_sell_of_coins_not_held_is_refused_before_the_card(harness) -> None:
    svc = harness.service()
    with pytest.raises(InsufficientFunds):
        await svc.propose(7, 7, TradeAsk(Side.SELL, "ETH/USDT", amount=Decimal("5")))
    (bought,) = await place(svc, TradeAsk(Side.BUY, "ETH/USDT", amount=Decimal("0.05")))
    card = await svc.propose(7, 7, TradeAsk(Side.SELL, "ETH/USDT", amount=Decimal("0.05")))
    assert card.amount == bought.filled  # what is held can be sold


async def test_a_buy_beyond_the_free_balance_is_refused_before_the_card(harness) -> None:
    svc = harness.service(risk=_no_cap())
    with pytest.raises(InsufficientFunds):
        await svc.propose(7, 7, TradeAsk(Side.BUY, "BTC/USDT", amount=Decimal("1")))
    with pytest.raises(RiskRejected):  # with the default cap the risk rule names itself
        await harness.service().propose(7, 7, TradeAsk(Side.BUY, "BTC/USDT", amount=Decimal("1")))


async def test_orders_show_the_limit_and_stop_prices_not_a_reservation(harness) -> None:
    svc = harness.service()
    (limit,) = await place(svc, limit_ask(Side.BUY, "ETH/USDT", "0.05", "2300"))
    assert (limit.status, limit.average, limit.price) == (OrderState.OPEN, None, Decimal("2300"))
    await place(svc, TradeAsk(Side.BUY, "BTC/USDT", amount=Decimal("0.0003")))
    stop = TradeAsk(
        Side.SELL,
        "BTC/USDT",
        amount=Decimal("0.0003"),
        order_type=OrderType.STOP,
        trigger=Decimal("50000"),
    )
    (resting,) = await place(svc, stop)
    assert (resting.average, resting.trigger_price) == (None, Decimal("50000"))
    assert [o.average for o in svc.orders(7) if o.status == OrderState.OPEN] == [None, None]


def _no_cap():
    from trading.risk import RiskLimits

    return RiskLimits(max_notional=Decimal("1e12"), stop_required_above=Decimal("1e12"))
