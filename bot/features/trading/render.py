"""User-facing wording of the trading feature: proposal cards, orders, errors.

Every sentence is an entry of the catalog domain `trading` (bot/locale/<language>/LC_MESSAGES/
trading.po), rendered in the reader's language. Prices and sizes keep the digits of their
market's tick and lot step (`formats.figure`, no grouping, as the exchange writes them); sums of
money are grouped (`formats.number`). The portfolio screens are in `render_portfolio`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from analysis import Signal
from bot.core import formats
from bot.core.conversation import Button, Reply
from bot.core.i18n import JAPANESE, t
from bot.core.wording import say
from trading.precision import Steps, to_step

if TYPE_CHECKING:
    from trading.errors import AmountRefused, TradingError
    from trading.service import Approval, OrderView, OutcomeChange, ProposalView

WARNINGS = ("fomo", "panic", "plan")  # the emotion guard's warnings, worded trading.warning.*
RATINGS = {s.value: s.name.lower() for s in Signal}  # "Strong Buy" -> trading.rating.strong_buy
STATES = ("sending", "unknown", "open", "filled", "canceled", "rejected", "not_placed")
NO_STEPS = Steps()


def usage(lang: str) -> str:
    """Return the trade commands' usage line."""
    return t(lang, "trading.usage.trade")


def for_later(text: str, lang: str) -> str:
    """Point an "if/when … buy" sentence at /watch (in Japanese when it was written in it)."""
    from llm import language_of

    return t(JAPANESE if language_of(text) == JAPANESE else lang, "trading.for_later")


def unreadable(refusal: AmountRefused, lang: str, *, trade: bool = False) -> str:
    """Explain why a number the user typed cannot be used."""
    reason = say(refusal, lang)
    if not trade:
        return reason
    return t(lang, "trading.unreadable_trade", reason=reason, usage=usage(lang))


def nothing_held(symbol: str, lang: str, locked: Decimal = Decimal(0)) -> str:
    """Say there is nothing free to sell, and what holds the rest (open orders)."""
    base = symbol.partition("/")[0]
    if locked <= 0:
        return t(lang, "trading.nothing_held", base=base)
    return t(lang, "trading.nothing_held_locked", base=base, locked=num(locked, lang))


def num(value: Decimal | None, lang: str, places: int = 8) -> str:
    """Render a decimal with at most `places` decimals, no trailing zeros (None as "—")."""
    if value is None:
        return "—"
    return formats.figure(round(value, places), lang)


def money(value: Decimal, lang: str) -> str:
    """Render a sum of money: grouped, at most 2 decimals, no trailing zeros."""
    return formats.number(round(value, 2), lang)


def mode(name: str, lang: str) -> str:
    """Return how the trading mode reads ("paper" / "live")."""
    return t(lang, f"trading.mode.{name}") if name in ("paper", "live") else name


def side(name: str, lang: str) -> str:
    """Return how a side reads ("BUY" / "買い")."""
    return t(lang, f"trading.side.{name}") if name in ("buy", "sell") else name.upper()


def card(view: ProposalView, lang: str, zone: str, steps: Steps | None = None) -> Reply:
    """Render a proposal card with Approve / Reject buttons (prices to the market's tick)."""
    if view.kind == "panic":
        what = "trading.panic.flatten" if view.flatten else "trading.panic.cancel"
        text = t(lang, "trading.panic.card", mode=mode(view.mode, lang), what=t(lang, what))
        return Reply(text=text, buttons=_buttons(view.id, lang, "trading.button.approve_panic"))
    base, _, quote = view.symbol.partition("/")
    tick = (steps or NO_STEPS).price

    def price(value: Decimal | None) -> str:
        return num(None if value is None else to_step(value, tick), lang)

    given = {"limit": view.limit_price, "stop": view.trigger_price}.get(view.order_type)
    kind = view.order_type if view.order_type in ("limit", "stop") else "market"
    fields = {"base": base, "quote": quote, "amount": num(view.amount, lang)}
    lines = [
        t(lang, "trading.card.title", mode=mode(view.mode, lang), side=side(view.side, lang),
          kind=t(lang, f"trading.card.kind.{kind}", price=price(given)), **fields),
        t(lang, "trading.card.size", notional=money(view.notional, lang), **fields),
        t(lang, "trading.card.price", price=price(view.price_ref),
          fee=num(view.fee_estimate, lang, 4), quote=quote),
        t(lang, "trading.card.legs", stop=price(view.stop_loss), take=price(view.take_profit)),
        _risk(view, lang, quote),
        t(lang, "trading.card.rating", rating=rating(view.rating, lang)),
    ]  # fmt: skip
    lines += warnings(view.warnings, lang)
    lines.append(t(lang, "trading.card.expiry", when=formats.when(view.expires_at, lang, zone)))
    return Reply(text="\n".join(lines), buttons=_buttons(view.id, lang, "trading.button.approve"))


def _risk(view: ProposalView, lang: str, quote: str) -> str:
    risk = money(view.risk_quote, lang)
    if view.risk_pct is None:
        return t(lang, "trading.card.risk", risk=risk, quote=quote)
    share = num(view.risk_pct, lang, 2)
    return t(lang, "trading.card.risk_share", risk=risk, quote=quote, share=share)


def rating(shown: str | None, lang: str) -> str:
    """Return the TA rating ("Buy (+0.35)") with its signal in the reader's words."""
    if not shown:
        return t(lang, "trading.rating.unavailable")
    signal, sep, rest = shown.partition(" (")
    key = RATINGS.get(signal)
    return t(lang, f"trading.rating.{key}") + sep + rest if key else shown


def warnings(names: tuple[str, ...], lang: str) -> list[str]:
    """Return the emotion guard's warnings, one line each."""
    return [t(lang, f"trading.warning.{w}") for w in names if w in WARNINGS]


def _buttons(proposal_id: str, lang: str, approve: str) -> tuple[tuple[Button, ...], ...]:
    pid = proposal_id
    reject = Button(t(lang, "trading.button.reject"), f"reject:{pid}")
    return ((Button(t(lang, approve), f"approve:{pid}"), reject),)


def confirm(result: Approval, lang: str) -> Reply:
    """Ask for the extra confirmation the emotion guard requires."""
    pid = result.proposal.id
    yes = Button(t(lang, "trading.button.confirm"), f"confirm:{pid}")
    no = Button(t(lang, "trading.button.reject"), f"reject:{pid}")
    said = "\n".join(warnings(result.proposal.warnings, lang))
    return Reply(
        text=t(lang, "trading.confirm.text", warnings=said),
        buttons=((yes, no),),
        edit_origin=True,
        toast=t(lang, "trading.confirm.toast"),
    )


def state_label(status: str, lang: str) -> str:
    """Return how an order state reads: an unsettled order is "checking…", never "not placed"."""
    return t(lang, f"trading.state.{status}") if status in STATES else status


def order_terms(order: OrderView, lang: str, steps: Steps = NO_STEPS) -> str:
    """Return "BUY 0.05 ETH limit 2300": side, size, and the price that defines the order."""
    given = {"limit": order.price, "stop": order.trigger_price}.get(order.order_type)
    kind = order.order_type if order.order_type in ("limit", "stop", "market") else "other"
    shown = num(to_step(given, steps.price), lang) if given else ""
    terms = t(lang, f"trading.order.kind.{kind}", price=shown, type=order.order_type).strip()
    amount = num(to_step(order.amount, steps.amount), lang)
    base = order.symbol.partition("/")[0]
    return t(lang, "trading.order.terms", side=side(order.side, lang), amount=amount, base=base,
             kind=terms)  # fmt: skip


def _fill(order: OrderView, lang: str, steps: Steps) -> str:
    if not order.filled or order.average is None:
        return ""
    price = num(to_step(order.average, steps.price), lang)
    if order.filled == order.amount:
        return t(lang, "trading.order.filled_at", price=price)
    filled = num(to_step(order.filled, steps.amount), lang)
    return t(lang, "trading.order.partly_filled", filled=filled, price=price)


def _fee(order: OrderView, lang: str) -> str:
    if not order.fee:
        return ""
    return t(lang, "trading.order.fee", fee=num(order.fee, lang), currency=order.fee_currency)


ROLES = ("stop_loss", "take_profit")


def _after(order: OrderView, lang: str, steps: Steps) -> str:
    return state_label(order.status, lang) + _fill(order, lang, steps) + _fee(order, lang)


def order_line(order: OrderView, lang: str, steps: Steps = NO_STEPS) -> str:
    """Return one line of /orders: "#3 BUY 0.05 ETH limit 2300 — open" (legs named)."""
    fields = {"id": order.id, "terms": order_terms(order, lang, steps)}
    after = _after(order, lang, steps)
    if order.role in ROLES:
        leg = t(lang, f"trading.leg.{order.role}")
        return t(lang, "trading.order.line_leg", leg=leg, after=after, **fields)
    return t(lang, "trading.order.line", after=after, **fields)


def outcome_text(change: OutcomeChange, steps: Steps = NO_STEPS, lang: str = "en") -> str:
    """Tell a user a lookup changed an order: "Order #12 BUY 0.01 BTC market: checking… → …".

    A protective leg is named ("Stop-loss #14 …"); one just placed reads "placed — open",
    one the exchange refused says the position is unprotected.
    """
    order = change.order
    role = order.role if order.role in ROLES else "order"
    fields = {
        "name": t(lang, f"trading.role.{role}"),
        "id": order.id,
        "terms": order_terms(order, lang, steps),
        "after": _after(order, lang, steps),
    }
    if not change.before and order.status == "rejected":
        return t(lang, "trading.outcome.unprotected", **fields)
    if not change.before:
        return t(lang, "trading.outcome.placed", **fields)
    return t(lang, "trading.outcome.changed", before=state_label(change.before, lang), **fields)


def executed(result: Approval, lang: str, steps: Steps = NO_STEPS) -> Reply:
    """Render what an approval did."""
    lines = [order_line(o, lang, steps) for o in result.orders]
    if result.proposal.kind == "panic":
        lines.insert(0, t(lang, "trading.executed.panic", count=result.canceled))
    if any(o.checking for o in result.orders):
        lines.append(t(lang, "trading.executed.checking"))
    text = "\n".join(lines) or t(lang, "trading.executed.approved")
    return Reply(text=text, edit_origin=True, toast=t(lang, "trading.toast.approved"))


def error_text(err: TradingError, lang: str = "en") -> str:
    """Return the short, specific reply for a trading error (the words: bot.core.wording)."""
    return say(err, lang)
