"""Pure parts: average-cost ledger, risk rules and the emotion guard (golden values)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from trading.errors import RiskRejected
from trading.paper import rules_for, truncate
from trading.portfolio import Fill, build_ledger, start_of_day
from trading.ports import Side
from trading.risk import (
    PlanStance,
    RiskLimits,
    Rule,
    TradeFacts,
    against_plan,
    check,
    cooldown_left,
)

T0 = datetime(2026, 1, 5, 12, tzinfo=UTC)
D = Decimal


def test_ledger_average_cost_realised_and_fees() -> None:
    fills = [
        Fill("BTC/USDT", Side.BUY, D("1"), D("100"), D("1"), T0),
        Fill("BTC/USDT", Side.BUY, D("1"), D("200"), D("1"), T0 + timedelta(minutes=1)),
        Fill("BTC/USDT", Side.SELL, D("1"), D("180"), D("1"), T0 + timedelta(minutes=2)),
    ]
    ledger = build_ledger(reversed(fills))  # order of input does not matter
    (pos,) = ledger.positions
    assert pos.amount == D("1") and pos.avg_cost == D("151")  # (100+200+2)/2
    (closed,) = ledger.closed
    assert closed.pnl == D("180") - D("151") - D("1")
    assert ledger.fees == D("3")
    assert ledger.realized_since(T0 + timedelta(minutes=3)) == 0


def test_start_of_day_is_utc_midnight() -> None:
    assert start_of_day(T0) == datetime(2026, 1, 5, tzinfo=UTC)


def facts(**kw: object) -> TradeFacts:
    base: dict[str, object] = dict(
        side=Side.BUY,
        notional=D("100"),
        has_stop=False,
        opens_new_position=True,
        open_positions=0,
        realized_today=D(0),
        recent_results=(),
        min_notional=D("5"),
        now=T0,
    )
    base.update(kw)
    return TradeFacts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "rule"),
    [
        ({"notional": D("1001"), "has_stop": True}, Rule.MAX_NOTIONAL),
        ({"realized_today": D("-200")}, Rule.MAX_DAILY_LOSS),
        ({"open_positions": 5}, Rule.MAX_OPEN_POSITIONS),
        ({"notional": D("251")}, Rule.STOP_REQUIRED),
        ({"notional": D("4.99")}, Rule.MIN_NOTIONAL),
        ({"recent_results": ((T0, D(-1)), (T0, D(-1)), (T0, D(-1)))}, Rule.COOLDOWN),
    ],
)
def test_each_rule_names_itself(kw: dict[str, object], rule: Rule) -> None:
    with pytest.raises(RiskRejected) as err:
        check(RiskLimits(), facts(**kw))
    assert err.value.rule == rule


@pytest.mark.parametrize(
    "kw",
    [
        {"notional": D("1000"), "has_stop": True},  # at the limit is allowed
        {"realized_today": D("-199.99")},
        {"open_positions": 5, "opens_new_position": False},  # adding to a held symbol
        {"notional": D("250")},
        {"side": Side.SELL, "notional": D("5000")},  # selling is never capped by size
        {"recent_results": ((T0, D(-1)), (T0, D(1)), (T0, D(-1)))},  # streak broken
    ],
)
def test_within_limits_passes(kw: dict[str, object]) -> None:
    check(RiskLimits(), facts(**kw))


def test_cooldown_ends() -> None:
    losses = ((T0, D(-1)),) * 3
    limits = RiskLimits(cooldown_s=600)
    assert cooldown_left(limits, losses, T0 + timedelta(seconds=60)) == timedelta(seconds=540)
    assert cooldown_left(limits, losses, T0 + timedelta(seconds=601)) is None


@pytest.mark.parametrize(
    ("plan", "side", "price", "against"),
    [
        (PlanStance("hold"), Side.SELL, D(1), True),
        (PlanStance("hold"), Side.BUY, D(1), False),
        (PlanStance("no_buy"), Side.BUY, D(1), True),
        (PlanStance("buy_below", D(100)), Side.BUY, D(101), True),
        (PlanStance("buy_below", D(100)), Side.BUY, D(99), False),
        (PlanStance("sell_above", D(100)), Side.SELL, D(99), True),
        (None, Side.SELL, D(1), False),
    ],
)
def test_against_plan(plan, side, price, against) -> None:
    assert against_plan(plan, side, price) is against


@pytest.mark.parametrize(
    ("price", "step"), [(D("60000"), D("0.00001")), (D("3000"), D("0.0001")), (D("0.25"), D("1"))]
)
def test_paper_lot_size_follows_price_magnitude(price: Decimal, step: Decimal) -> None:
    rules = rules_for("X/USDT", price, D("5"))
    assert rules.amount_step == step
    assert truncate(D("0.123456789"), rules.amount_step) <= D("0.123456789")


@pytest.mark.parametrize(
    ("kw", "detail"),
    [
        # the terminal chat showed "5.401881E+7 > 1000" for /buy BTC 1e3
        ({"notional": D("5.401881E+7"), "has_stop": True}, "order value 54018810.00 > 1000"),
        ({"notional": D("0.00100000")}, "order value 0.001 < 5"),
        ({"notional": D("1234.56789"), "has_stop": True}, "order value 1234.57 > 1000"),
    ],
)
def test_size_rules_show_plain_order_values(kw: dict[str, object], detail: str) -> None:
    with pytest.raises(RiskRejected) as err:
        check(RiskLimits(), facts(**kw))
    assert err.value.detail == detail


def test_a_spot_sell_risks_only_its_fee() -> None:
    """A sell card showed 'Risk: 108.15 USDT (1.08% of equity)' for selling coins held: on spot
    a sell only closes what is held, so what it can cost is the fee."""
    from trading.risk import risk_in_quote

    fee = D("0.108")
    assert risk_in_quote(Side.SELL, D("0.002"), D("54018.81"), None, fee) == fee
    assert risk_in_quote(Side.BUY, D("0.002"), D("54000"), None, fee) == D("108") + fee
    assert risk_in_quote(Side.BUY, D("0.002"), D("54000"), D("53000"), fee) == D("2") + fee
