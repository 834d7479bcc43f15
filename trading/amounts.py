"""Amounts a user typed, and the checks every trade card passes before it is shown.

`parse_amount` reads a number exactly (`1e-3` is 0.001, full-width digits are digits) or
refuses it naming why (a comma, a sign, too many digits, not a number); it never raises
anything but `AmountRefused`. `check_size` refuses absurd sizes before any arithmetic on
them (a 32-digit amount must be a reply, not an incident), and `check_funds` refuses a card
the account cannot pay for (selling coins it does not hold, buying beyond the free quote).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from trading.errors import AmountRefused, InsufficientFunds, RiskRejected
from trading.paper import truncate
from trading.ports import Balance, OrderType, Side
from trading.views import TradeAsk

# A size is absurd outside 1e-18 .. 1e15 units: no market trades such lots, and keeping
# there leaves every product with a price and a fee rate inside Decimal's 28 digits.
MIN_EXPONENT = -18
MAX_EXPONENT = 15
MAX_CHARS = 40
_NUMBER = re.compile(r"(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d{1,4})?")


def parse_amount(text: str) -> Decimal:
    """Return the exact positive Decimal the user wrote; raise AmountRefused saying why."""
    norm = unicodedata.normalize("NFKC", text).strip().lower().replace("_", "")
    if len(norm) > MAX_CHARS:
        raise AmountRefused(
            f"{len(norm)} characters is not an amount",
            code="too_long",
            fields={"chars": len(norm)},
        )
    if "," in norm:
        raise AmountRefused(
            "write amounts without commas, with a dot for decimals (2.5)", code="comma"
        )
    if norm.startswith("-"):
        raise AmountRefused("an amount must be positive", code="not_positive")
    if not _NUMBER.fullmatch(norm.lstrip("+")):
        raise AmountRefused("not a number", code="not_a_number")
    try:
        value = Decimal(norm.lstrip("+"))
    except InvalidOperation:  # the pattern admits only decimals: kept as a safety net
        raise AmountRefused("not a number", code="not_a_number") from None
    check_size(value)
    return value


def check_size(value: Decimal) -> None:
    """Refuse a size that is not finite, not positive, or absurdly large or small."""
    if not value.is_finite():
        raise AmountRefused("not a finite number", code="not_finite")
    if value <= 0:
        raise AmountRefused("an amount must be positive", code="not_positive")
    if value.adjusted() > MAX_EXPONENT:
        digits = value.adjusted() + 1
        raise AmountRefused(
            f"{digits}-digit amount is not a tradable size",
            code="too_large",
            fields={"digits": digits},
        )
    if value.adjusted() < MIN_EXPONENT:
        raise AmountRefused("the amount is smaller than any market's lot", code="too_small")


def check_funds(
    side: Side, amount: Decimal, cost: Decimal, balances: tuple[Balance, ...], base: str, quote: str
) -> None:
    """Refuse a card the account cannot pay for: `cost` is the quote a buy needs, with fees."""
    free = {b.asset: b.free for b in balances}
    if side is Side.SELL and amount > free.get(base, Decimal(0)):
        raise InsufficientFunds(f"sell {amount} {base}, free {free.get(base, Decimal(0))}")
    if side is Side.BUY and cost > free.get(quote, Decimal(0)):
        raise InsufficientFunds(f"buy needs {cost} {quote}, free {free.get(quote, Decimal(0))}")


def check_ask(ask: TradeAsk) -> None:
    """Refuse an ask any of whose amounts or prices is not a sane positive number."""
    for value in (
        ask.amount,
        ask.quote_amount,
        ask.price,
        ask.trigger,
        ask.stop_loss,
        ask.take_profit,
    ):
        if value is not None:
            check_size(value)


def check_protection(ask: TradeAsk, entry: Decimal, last: Decimal) -> None:
    """Refuse protective prices that would fire at once: a buy's stop-loss at or above its
    entry, its take-profit at or below it, a stop sell triggered at or above the price now."""
    buy, stop_sell = (
        ask.side is Side.BUY,
        ask.side is Side.SELL and ask.order_type is OrderType.STOP,
    )
    if buy and ask.stop_loss is not None and ask.stop_loss >= entry:
        wrong = f"a buy's stop-loss {ask.stop_loss:f} must be below the entry price {entry:f}"
        fields, code = {"price": ask.stop_loss, "entry": entry}, "stop_above_entry"
    elif buy and ask.take_profit is not None and ask.take_profit <= entry:
        wrong = f"a buy's take-profit {ask.take_profit:f} must be above the entry price {entry:f}"
        fields, code = {"price": ask.take_profit, "entry": entry}, "tp_below_entry"
    elif stop_sell and ask.trigger is not None and ask.trigger >= last:
        wrong = f"a stop sell's trigger {ask.trigger:f} must be below the price now {last:f}"
        fields, code = {"price": ask.trigger, "entry": last}, "trigger_above_price"
    else:
        return
    raise RiskRejected("protective prices", wrong, code=code, fields=fields)


def base_amount(
    ask: TradeAsk, ref: Decimal, step: Decimal, balances: tuple[Balance, ...], base: str
) -> Decimal:
    """Return the base amount of an ask, truncated to the lot step.

    A sell a fee's worth (≤ 1 %) above the free balance is trimmed to it: the exchange took
    the buy fee in the base asset, so "sell what I bought" must fit what is left.
    """
    amount = ask.amount
    if amount is None and ask.quote_amount is not None:
        amount = ask.quote_amount / ref
    amount = amount or Decimal(0)
    free = next((b.free for b in balances if b.asset == base), Decimal(0))
    if ask.side is Side.SELL and amount * Decimal("0.99") <= free < amount:
        amount = free
    return truncate(amount, step)
