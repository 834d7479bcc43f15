"""ccxt's unified order dicts read into our OrderAck (plain dicts: no ccxt import here)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from trading.ports import OrderAck, OrderStatus, OrderType, Side

log = logging.getLogger(__name__)


def dec(value: Any) -> Decimal:
    """Return a ccxt number as an exact Decimal (None as 0)."""
    return Decimal(str(value)) if value is not None else Decimal(0)


_STATUS = {
    "open": OrderStatus.OPEN,
    "closed": OrderStatus.FILLED,
    "canceled": OrderStatus.CANCELED,
    "expired": OrderStatus.CANCELED,
    "rejected": OrderStatus.REJECTED,
}


def fee(order: dict[str, Any]) -> tuple[Decimal, str]:
    """Return the fees in the currency of the first one (Binance charges spot fees in one)."""
    fees = order.get("fees") or ([order["fee"]] if order.get("fee") else [])
    fees = [f for f in fees if f and f.get("cost") is not None]
    if not fees:
        return Decimal(0), ""
    currency = str(fees[0].get("currency") or "")
    same = [f for f in fees if str(f.get("currency") or "") == currency]
    if len(same) < len(fees):
        log.warning("order fees in %d currencies: only %s recorded", len(fees), currency)
    return sum((dec(f["cost"]) for f in same), Decimal(0)), currency


def ack(order: dict[str, Any], request_type: OrderType | None = None) -> OrderAck:
    """Return our ack of a ccxt order (its type taken from the request when given)."""
    paid, currency = fee(order)
    raw_type = str(order.get("type") or "").lower()
    kind = request_type or (
        OrderType(raw_type) if raw_type in ("market", "limit") else OrderType.STOP
    )
    return OrderAck(
        client_order_id=str(order.get("clientOrderId") or ""),
        exchange_order_id=str(order.get("id") or ""),
        symbol=str(order.get("symbol") or ""),
        side=Side(order.get("side") or "buy"),
        type=kind,
        status=_STATUS.get(str(order.get("status")), OrderStatus.OPEN),
        amount=dec(order.get("amount")),
        filled=dec(order.get("filled")),
        average=dec(order["average"]) if order.get("average") is not None else None,
        fee=paid,
        fee_currency=currency,
    )
