"""Display precision: prices and sizes shown rounded to their market's tick and lot step.

Pure functions over `MarketRules` (from `Exchange.market_rules`): a price is shown to the
market's price tick, an amount to its lot step, so /orders never shows 6-8 decimals a market
cannot trade. Rounding here is for display only; orders are truncated by the adapter.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from trading.ports import MarketRules


@dataclass(frozen=True, slots=True)
class Steps:
    """The tick (price) and lot (amount) steps of one market; zero means "unknown"."""

    price: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)

    @classmethod
    def of(cls, rules: MarketRules) -> Steps:
        """Return the display steps of a market."""
        return cls(rules.price_step, rules.amount_step)


def to_step(value: Decimal, step: Decimal) -> Decimal:
    """Round `value` to the nearest multiple of `step`, written with the step's decimals.

    A step that is zero, negative or not finite leaves the value as it is.
    """
    if not value.is_finite() or not step.is_finite() or step <= 0:
        return value
    multiple = (value / step).to_integral_value(rounding=ROUND_HALF_EVEN) * step
    exponent = step.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < 0:
        return multiple.quantize(Decimal(1).scaleb(exponent))
    return multiple.quantize(Decimal(1))
