"""User-facing wording of the trading feature: proposal cards, orders, portfolio, errors."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from bot.core.conversation import Button, Reply
from bot.core.wording import say
from trading.errors import AmountRefused
from trading.precision import Steps, to_step

if TYPE_CHECKING:
    from trading.errors import TradingError
    from trading.portfolio import Position
    from trading.ports import Balance
    from trading.service import Approval, OrderView, OutcomeChange, Pnl, ProposalView

WARNINGS = {
    "fomo": "⚠️ This reads like fear of missing out. Rules, not urgency: is this your plan?",
    "panic": "⚠️ This reads like panic. Selling in a hurry locks in losses: is this your plan?",
    "plan": "⚠️ This goes against the plan you set with /plan.",
}
TRADE_USAGE = (
    "Usage: /buy BTC 50 USDT · /buy BTC 0.01 stop 57000 · /sell ETH 0.1 · "
    "/limit buy BTC 0.01 at 58000 · /stop ETH 0.1 at 2800"
)


FOR_LATER = {
    "en": (
        "That is an order for later, so nothing was proposed now. A /watch rule proposes it "
        "when it happens, e.g. /watch BTC below 58000 buy 0.01 stop 56000 "
        "(or /alert BTC below 58000 just to be told)."
    ),
    "ja": (
        "条件付きの注文なので、今は何も提案していません。/watch のルールなら条件を満たしたときに"
        "提案します。例: /watch BTC below 58000 buy 0.01 stop 56000"
        "（通知だけなら /alert BTC below 58000）。"
    ),
}


def for_later(text: str) -> str:
    """Point an "if/when … buy" sentence at /watch, in the language it was written in."""
    from llm import language_of

    return FOR_LATER.get(language_of(text), FOR_LATER["en"])


def unreadable(detail: str, *, trade: bool = False) -> str:
    """Explain why a number the user typed cannot be used."""
    text = say(AmountRefused(detail))
    return f"{text} Nothing was proposed. {TRADE_USAGE}" if trade else text


def nothing_held(symbol: str, locked: Decimal = Decimal(0)) -> str:
    """Say there is nothing free to sell, and what holds the rest (open orders)."""
    base = symbol.partition("/")[0]
    if locked <= 0:
        return f"You hold no free {base} to sell."
    return (
        f"You hold no free {base} to sell: your {num(locked)} {base} is held by open orders "
        "(a position's stop/take-profit). See /orders; /cancel ID frees one, "
        "/panic flatten cancels them all and sells."
    )


def num(value: Decimal | None, places: int = 8) -> str:
    """Render a decimal without trailing zeros (None as "—")."""
    if value is None:
        return "—"
    text = format(round(value, places), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: Decimal) -> str:
    return num(value, 2)


def card(view: ProposalView, steps: Steps | None = None) -> Reply:
    """Render a proposal card with Approve / Reject buttons (prices to the market's tick)."""
    if view.kind == "panic":
        what = "cancel ALL your open orders" + (" and SELL every position" if view.flatten else "")
        text = f"🚨 Panic ({view.mode}): {what}.\nApprove within the time limit to go ahead."
        return Reply(text=text, buttons=_buttons(view.id, "Approve panic"))
    base, _, quote = view.symbol.partition("/")
    tick = (steps or Steps()).price

    def price(value: Decimal | None) -> str:
        return num(None if value is None else to_step(value, tick))

    kind = {
        "limit": f"limit @ {price(view.limit_price)}",
        "stop": f"stop @ {price(view.trigger_price)}",
    }
    lines = [
        f"📝 Proposal ({view.mode}): {view.side.upper()} {num(view.amount)} {base} "
        f"({kind.get(view.order_type, 'market')})",
        f"Size: {num(view.amount)} {base} ≈ {money(view.notional)} {quote}",
        f"Price now: {price(view.price_ref)} {quote} · fee ≈ {num(view.fee_estimate, 4)} {quote}",
        f"Stop: {price(view.stop_loss)} · take profit: {price(view.take_profit)}",
        f"Risk: {money(view.risk_quote)} {quote}"
        + (f" ({num(view.risk_pct, 2)}% of equity)" if view.risk_pct is not None else ""),
        f"TA rating (1h): {view.rating or 'unavailable'}",
    ]
    lines += [WARNINGS[w] for w in view.warnings if w in WARNINGS]
    lines.append(f"Valid until {view.expires_at:%H:%M:%S} UTC. Nothing happens unless you approve.")
    return Reply(text="\n".join(lines), buttons=_buttons(view.id, "✅ Approve"))


def _buttons(proposal_id: str, approve: str) -> tuple[tuple[Button, ...], ...]:
    pid = proposal_id
    return ((Button(approve, f"approve:{pid}"), Button("❌ Reject", f"reject:{pid}")),)


def confirm(result: Approval) -> Reply:
    """Ask for the extra confirmation the emotion guard requires."""
    warnings = "\n".join(WARNINGS[w] for w in result.proposal.warnings if w in WARNINGS)
    pid = result.proposal.id
    buttons = ((Button("Yes, place it", f"confirm:{pid}"), Button("❌ Reject", f"reject:{pid}")),)
    return Reply(
        text=f"{warnings}\nTake a breath. Press “Yes, place it” only if this is still your plan.",
        buttons=buttons,
        edit_origin=True,
        toast="Please confirm once more",
    )


STATES = {
    "sending": "checking…",
    "unknown": "checking…",
    "not_placed": "not placed",
    "canceled": "cancelled",
}
NO_STEPS = Steps()


def state_label(status: str) -> str:
    """Return how an order state reads: an unsettled order is "checking…", never "not placed"."""
    return STATES.get(status, status)


def order_terms(order: OrderView, steps: Steps = NO_STEPS) -> str:
    """Return "BUY 0.05 ETH limit 2300": side, size, and the price that defines the order."""
    base = order.symbol.partition("/")[0]
    given = {"limit": order.price, "stop": order.trigger_price}.get(order.order_type)
    kind = order.order_type + (f" {num(to_step(given, steps.price))}" if given else "")
    return f"{order.side.upper()} {num(to_step(order.amount, steps.amount))} {base} {kind}"


def _fill(order: OrderView, steps: Steps) -> str:
    if not order.filled or order.average is None:
        return ""
    price = f"{num(to_step(order.average, steps.price))}"
    if order.filled == order.amount:
        return f" at {price}"
    return f" ({num(to_step(order.filled, steps.amount))} filled at {price})"


def _fee(order: OrderView) -> str:
    return f" (fee {num(order.fee)} {order.fee_currency})" if order.fee else ""


ROLES = {"stop_loss": "Stop-loss", "take_profit": "Take-profit"}


def order_line(order: OrderView, steps: Steps = NO_STEPS) -> str:
    """Return one line of /orders: "#3 BUY 0.05 ETH limit 2300 — open" (legs named)."""
    state = state_label(order.status)
    role = f"{ROLES[order.role].lower()} " if order.role in ROLES else ""
    terms = order_terms(order, steps)
    return f"#{order.id} {role}{terms} — {state}{_fill(order, steps)}{_fee(order)}"


def outcome_text(change: OutcomeChange, steps: Steps = NO_STEPS) -> str:
    """Tell a user a lookup changed an order: "Order #12 BUY 0.01 BTC market: checking… → …".

    A protective leg is named ("Stop-loss #14 …"); one just placed reads "placed — open",
    one the exchange refused says the position is unprotected.
    """
    order = change.order
    name = ROLES.get(order.role, "Order")
    after = f"{state_label(order.status)}{_fill(order, steps)}{_fee(order)}"
    if not change.before and order.status == "rejected":
        return f"{name} #{order.id} {order_terms(order, steps)} could not be placed: unprotected"
    if not change.before:
        return f"{name} #{order.id} {order_terms(order, steps)} placed — {after}"
    return f"{name} #{order.id} {order_terms(order, steps)}: {state_label(change.before)} → {after}"


def executed(result: Approval, steps: Steps = NO_STEPS) -> Reply:
    """Render what an approval did."""
    lines = [order_line(o, steps) for o in result.orders]
    if result.proposal.kind == "panic":
        lines.insert(0, f"Panic done: {result.canceled} open order(s) cancelled.")
    if any(o.checking for o in result.orders):
        lines.append("The exchange did not confirm in time; I will keep checking and tell you.")
    text = "\n".join(lines) or "Approved."
    return Reply(text=text, edit_origin=True, toast="Approved")


def balances(items: tuple[Balance, ...], mode: str) -> str:
    if not items:
        return f"No balances ({mode})."
    rows = [
        f"{b.asset}: {num(b.free)} free" + (f", {num(b.used)} in orders" if b.used else "")
        for b in items
    ]
    return f"Balances ({mode}):\n" + "\n".join(rows)


def positions(items: tuple[Position, ...], steps: dict[str, Steps] | None = None) -> str:
    """List open positions, sizes to the lot step and prices to the tick of their market."""
    if not items:
        return "No open positions."
    rows = []
    for p in items:
        step = (steps or {}).get(p.symbol, NO_STEPS)
        upnl = p.unrealized
        mark = f" · now {num(to_step(p.mark, step.price))}" if p.mark is not None else ""
        rows.append(
            f"{p.symbol}: {num(to_step(p.amount, step.amount))} @ avg "
            f"{num(to_step(p.avg_cost, step.price))}"
            + (f"{mark} · uPnL {money(upnl)}" if upnl is not None else "")
            + _protection(p, step)
        )
    return "Positions:\n" + "\n".join(rows)


def _protection(p: Position, step: Steps) -> str:
    """Return " · stop 50000 · tp 70000" for the placed legs, or " · unprotected"."""
    parts = [
        f"{label} {num(to_step(price, step.price))}"
        for label, price in (("stop", p.stop), ("tp", p.take_profit))
        if price is not None
    ]
    return "".join(f" · {part}" for part in parts) or " · unprotected"


def pnl(result: Pnl) -> str:
    return (
        f"Realised: {money(result.realized)} USDT over {result.closed_trades} closing trade(s)\n"
        f"Unrealised: {money(result.unrealized)} USDT\nFees paid: {money(result.fees)} USDT"
    )


def pnl_caption(result: Pnl) -> str:
    """Caption of the /pnl picture: what the curve shows."""
    return (
        f"Result over time: realised after each closing trade, then {money(result.unrealized)} "
        "USDT unrealised now (fees included)."
    )


def error_text(err: TradingError) -> str:
    """Return the short, specific reply for a trading error (the words: bot.core.wording)."""
    return say(err)
