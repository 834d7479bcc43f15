"""User-facing wording of the trading feature: proposal cards, orders, portfolio, errors."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from bot.conversation import Button, Reply

if TYPE_CHECKING:
    from trading.errors import TradingError
    from trading.portfolio import Position
    from trading.ports import Balance
    from trading.service import Approval, OrderView, Pnl, ProposalView

WARNINGS = {
    "fomo": "⚠️ This reads like fear of missing out. Rules, not urgency: is this your plan?",
    "panic": "⚠️ This reads like panic. Selling in a hurry locks in losses: is this your plan?",
    "plan": "⚠️ This goes against the plan you set with /plan.",
}
TRADE_USAGE = (
    "Usage: /buy BTC 50 USDT · /buy BTC 0.01 stop 57000 · /sell ETH 0.1 · "
    "/limit buy BTC 0.01 at 58000 · /stop ETH 0.1 at 2800"
)


def num(value: Decimal | None, places: int = 8) -> str:
    """Render a decimal without trailing zeros (None as "—")."""
    if value is None:
        return "—"
    text = format(round(value, places), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def money(value: Decimal) -> str:
    return num(value, 2)


def card(view: ProposalView) -> Reply:
    """Render a proposal card with Approve / Reject buttons."""
    if view.kind == "panic":
        what = "cancel ALL your open orders" + (" and SELL every position" if view.flatten else "")
        text = f"🚨 Panic ({view.mode}): {what}.\nApprove within the time limit to go ahead."
        return Reply(text=text, buttons=_buttons(view.id, "Approve panic"))
    base, _, quote = view.symbol.partition("/")
    kind = {
        "limit": f"limit @ {num(view.limit_price)}",
        "stop": f"stop @ {num(view.trigger_price)}",
    }
    lines = [
        f"📝 Proposal ({view.mode}): {view.side.upper()} {num(view.amount)} {base} "
        f"({kind.get(view.order_type, 'market')})",
        f"Size: {num(view.amount)} {base} ≈ {money(view.notional)} {quote}",
        f"Price now: {num(view.price_ref)} {quote} · fee ≈ {num(view.fee_estimate, 4)} {quote}",
        f"Stop: {num(view.stop_loss)} · take profit: {num(view.take_profit)}",
        f"Risk: {money(view.risk_quote)} {quote}"
        + (f" ({num(view.risk_pct, 2)}% of equity)" if view.risk_pct is not None else ""),
        f"TA rating (1h): {view.rating or 'unavailable'}",
    ]
    lines += [WARNINGS[w] for w in view.warnings if w in WARNINGS]
    lines.append(f"Valid until {view.expires_at:%H:%M:%S} UTC. Nothing happens unless you approve.")
    return Reply(text="\n".join(lines), buttons=_buttons(view.id, "✅ Approve"))


def _buttons(proposal_id: str, approve: str) -> tuple[tuple[Button, ...], ...]:
    return ((Button(approve, f"tapp:{proposal_id}"), Button("❌ Reject", f"trej:{proposal_id}")),)


def confirm(result: Approval) -> Reply:
    """Ask for the extra confirmation the emotion guard requires."""
    warnings = "\n".join(WARNINGS[w] for w in result.proposal.warnings if w in WARNINGS)
    pid = result.proposal.id
    buttons = ((Button("Yes, place it", f"tcfm:{pid}"), Button("❌ Reject", f"trej:{pid}")),)
    return Reply(
        text=f"{warnings}\nTake a breath. Press “Yes, place it” only if this is still your plan.",
        buttons=buttons,
        edit_origin=True,
        toast="Please confirm once more",
    )


def order_line(order: OrderView) -> str:
    base = order.symbol.partition("/")[0]
    price = (
        f" @ {num(order.average)}"
        if order.average
        else (f" limit {num(order.price)}" if order.price else "")
    )
    fee = f" · fee {num(order.fee)} {order.fee_currency}" if order.fee else ""
    return (
        f"#{order.id} {order.side.upper()} {num(order.amount)} {base} {order.order_type}"
        f"{price} — {order.status}{fee}"
    )


def executed(result: Approval) -> Reply:
    """Render what an approval did."""
    lines = [order_line(o) for o in result.orders]
    if result.proposal.kind == "panic":
        lines.insert(0, f"Panic done: {result.canceled} open order(s) cancelled.")
    unsettled = [o for o in result.orders if o.status in ("unknown", "sending")]
    if unsettled:
        lines.append("The exchange did not confirm in time; I will keep checking (see /orders).")
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


def positions(items: tuple[Position, ...]) -> str:
    if not items:
        return "No open positions."
    rows = []
    for p in items:
        upnl = p.unrealized
        rows.append(
            f"{p.symbol}: {num(p.amount)} @ avg {num(p.avg_cost, 2)}"
            + (f" · now {num(p.mark, 2)} · uPnL {money(upnl)}" if upnl is not None else "")
        )
    return "Positions:\n" + "\n".join(rows)


def pnl(result: Pnl) -> str:
    return (
        f"Realised: {money(result.realized)} USDT over {result.closed_trades} closing trade(s)\n"
        f"Unrealised: {money(result.unrealized)} USDT\nFees paid: {money(result.fees)} USDT"
    )


def error_text(err: TradingError) -> str:
    """Return the short, specific reply for a trading error."""
    from trading import errors as te

    if isinstance(err, te.RiskRejected):
        return f"Refused by the risk rule “{err.rule}”: {err.detail}."
    if isinstance(err, te.AlreadyDecided):
        return f"This proposal is already {err.status}."
    table: tuple[tuple[type[te.TradingError], str], ...] = (
        (
            te.UnknownSymbol,
            f"I don't know the symbol {getattr(err, 'symbol', '')} on this exchange.",
        ),
        (te.RateLimited, "The exchange is rate limiting us. Please try again in a minute."),
        (te.ExchangeUnavailable, "The exchange is not answering right now. Try again shortly."),
        (te.InsufficientFunds, "Not enough free balance for this order."),
        (te.AuthFailed, "The exchange refused the API key. Check it and /connect again."),
        (te.OrderRejected, "The exchange refused the order (size or price outside its limits)."),
        (te.ExchangeRefused, "The exchange refused the request."),
        (te.ProposalNotFound, "That proposal does not exist any more."),
        (te.ProposalExpired, "This proposal expired. Send the command again for a fresh price."),
        (te.NotYourProposal, "Only the person who asked for this trade can approve it."),
        (te.OrderNotFound, "No open order with that id. See /orders."),
        (te.LiveTradingError, str(err)),
    )
    for klass, text in table:
        if isinstance(err, klass):
            return text
    return "That trade cannot be done right now."
