"""Conditional orders and OCO order lists of the fake Binance server (tests/fakes/binance_server).

Order types, as Binance spot runs them on the price path (`FakeBinance.set_price`):
- STOP_LOSS / STOP_LOSS_LIMIT trigger when the price falls to `stopPrice` on a sell (rises,
  on a buy); TAKE_PROFIT / TAKE_PROFIT_LIMIT the other way round. The plain ones then fill
  at the market price (a gap through the trigger fills at the worse price); a *_LIMIT one
  rests as a limit order at `price`.
- LIMIT_MAKER is a limit order refused (-2010) when it would match at once.

Order lists: `POST /api/v3/orderList/oco` (aboveType/belowType legs, as documented) and the
older `POST /api/v3/order/oco` (price, stopPrice, optional stopLimitPrice) place two legs
sharing ONE reservation; the prices must lie either side of the last price (-1013
otherwise). When one leg fills the other EXPIRES; cancelling a leg (`DELETE /api/v3/order`)
or the list (`DELETE /api/v3/orderList`) cancels both; `GET /api/v3/orderList` looks a list
up. Answers carry `orderListId`, `listClientOrderId`, `orders` and `orderReports` as Binance's.
Signatures are checked by the server like every other signed endpoint.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.fakes.binance_server import Account, FakeBinance, Order

ORDER_TYPES = ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS"]
ORDER_TYPES += ["STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"]
LIMITS = ("LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT")
_list_ids = itertools.count(1)


@dataclass
class OrderList:
    list_id: int
    client_id: str
    symbol: str
    order_ids: list[int]
    status: str = "EXECUTING"


def _limit_reached(order: Order, price: Decimal) -> bool:
    if order.price is None:
        return False
    return price <= order.price if order.side == "BUY" else price >= order.price


def crossed(order: Order, price: Decimal) -> bool:
    """Return whether `order` executes at `price` (a conditional order may trigger first)."""
    if order.type == "MARKET":
        return True
    if order.type in ("LIMIT", "LIMIT_MAKER"):
        return _limit_reached(order, price)
    if order.stop is None:
        return False
    falls = order.type.startswith("STOP") == (order.side == "SELL")
    if not order.triggered:
        order.triggered = price <= order.stop if falls else price >= order.stop
    if not order.triggered:
        return False
    return order.type not in LIMITS or _limit_reached(order, price)


def fill_price(order: Order, market: Decimal) -> Decimal:
    """Return the execution price: a resting limit fills at its price, the rest at market."""
    return order.price if order.type in LIMITS and order.price is not None else market


def check_maker(fx: FakeBinance, order: Order) -> None:
    """Refuse a LIMIT_MAKER order that would take liquidity at once, as Binance does."""
    if order.type == "LIMIT_MAKER" and _limit_reached(order, fx.markets[order.symbol].price):
        raise _error(400, -2010, "Order would immediately match and take.")


def after_fill(fx: FakeBinance, order: Order) -> None:
    """Expire the other leg of a filled order's list (the reservation went with the fill)."""
    book = fx.lists.get(order.list_id)
    if book is None:
        return
    for other in fx.orders:
        if other.order_id in book.order_ids and other.status == "NEW":
            other.status = "EXPIRED"
    book.status = "ALL_DONE"


def cancel_list(fx: FakeBinance, account: Account, list_id: int) -> OrderList:
    """Cancel every working leg of a list, releasing its one reservation."""
    book = fx.lists[list_id]
    legs = [o for o in fx.orders if o.order_id in book.order_ids]
    if book.status != "EXECUTING":
        raise _error(400, -2011, "Unknown order sent.")
    m = fx.markets[book.symbol]
    first = legs[0]
    if first.side == "BUY":
        asset, held = m.quote, first.qty * (first.price or m.price) * (1 + fx.FEE)
    else:
        asset, held = m.base, first.qty
    account.locked[asset] -= held
    account.balances[asset] += held
    for leg in legs:
        leg.status = "CANCELED"
    book.status = "ALL_DONE"
    return book


def routes(fx: FakeBinance) -> dict[tuple[str, str], object]:
    """Return the signed endpoints this module answers, for the server's route table."""
    return {
        ("POST", "/api/v3/orderList/oco"): lambda a, q: new_oco(fx, a, q),
        ("POST", "/api/v3/order/oco"): lambda a, q: new_oco(fx, a, _from_legacy(q)),
        ("GET", "/api/v3/orderList"): lambda a, q: _list_json(fx, _find_list(fx, a, q)),
        ("DELETE", "/api/v3/orderList"): lambda a, q: _list_json(
            fx, cancel_list(fx, a, _find_list(fx, a, q).list_id), reports=True
        ),
    }


def _from_legacy(q: dict[str, str]) -> dict[str, str]:
    """Read the older /api/v3/order/oco parameters as the orderList/oco ones."""
    stop_kind = "STOP_LOSS_LIMIT" if "stopLimitPrice" in q else "STOP_LOSS"
    maker = {"Type": "LIMIT_MAKER", "Price": q.get("price", ""), "ClientOrderId": "limit"}
    stop = {"Type": stop_kind, "StopPrice": q.get("stopPrice", ""), "ClientOrderId": "stop"}
    if "stopLimitPrice" in q:
        stop["Price"] = q["stopLimitPrice"]
    above, below = (maker, stop) if q.get("side") == "SELL" else (stop, maker)
    out = {k: v for k, v in q.items() if k in ("symbol", "side", "quantity", "_key")}
    out["listClientOrderId"] = q.get("listClientOrderId", "")
    for where, leg in (("above", above), ("below", below)):
        for field, value in leg.items():
            if field == "ClientOrderId":
                value = q.get(f"{value}ClientOrderId", "")
            if value:
                out[f"{where}{field}"] = value
    return out


def new_oco(fx: FakeBinance, account: Account, q: dict[str, str]) -> dict[str, object]:
    """Place an OCO order list: two legs, one reservation."""
    from tests.fakes.binance_server import Order, _now_ms

    sid, m = fx._market(q)
    side, qty = q.get("side", ""), Decimal(q.get("quantity", "0"))
    if qty <= 0 or qty % m.step != 0 or qty < m.min_qty:
        raise _error(400, -1013, "Filter failure: LOT_SIZE")
    list_id = next(_list_ids)
    legs = []
    for where in ("above", "below"):
        price, stop = q.get(f"{where}Price"), q.get(f"{where}StopPrice")
        for value in (price, stop):
            if value is not None and Decimal(value) % m.tick != 0:
                raise _error(400, -1013, "Filter failure: PRICE_FILTER")
        cid = q.get(f"{where}ClientOrderId") or f"web_{next(fx._ids)}"
        if any(o.client_id == cid and o.status == "NEW" for o in fx.orders):
            raise _error(400, -2010, "Duplicate order sent.")
        leg = Order(next(fx._ids), cid, sid, side, q.get(f"{where}Type", ""), qty, None, None)
        leg.price = Decimal(price) if price is not None else None
        leg.stop = Decimal(stop) if stop is not None else None
        leg.time_ms, leg.key, leg.list_id = _now_ms(), q["_key"], list_id
        legs.append(leg)
    _check_prices(fx, legs, m.price)
    fx._reserve(account, m, legs[0])  # an order list holds its quantity once
    fx.orders.extend(legs)
    cid = q.get("listClientOrderId") or f"list_{list_id}"
    book = OrderList(list_id, cid, sid, [leg.order_id for leg in legs])
    fx.lists[list_id] = book
    return _list_json(fx, book, reports=True)


def _check_prices(fx: FakeBinance, legs: list[Order], last: Decimal) -> None:
    above, below = legs
    high = above.price if above.type == "LIMIT_MAKER" else above.stop
    low = below.price if below.type == "LIMIT_MAKER" else below.stop
    if high is None or low is None or not low < last < high:
        raise _error(
            fx, 400, -1013, "The relationship of the prices for the orders is not correct."
        )


def _find_list(fx: FakeBinance, account: Account, q: dict[str, str]) -> OrderList:
    for book in fx.lists.values():
        leg = next(o for o in fx.orders if o.order_id == book.order_ids[0])
        if fx.accounts.get(leg.key) is not account:
            continue
        named = (q.get("listClientOrderId"), q.get("origClientOrderId"))
        if q.get("orderListId") == str(book.list_id) or book.client_id in named:
            return book
    raise _error(400, -2011, "Order list does not exist.")


def _list_json(fx: FakeBinance, book: OrderList, reports: bool = False) -> dict[str, object]:
    legs = [o for o in fx.orders if o.order_id in book.order_ids]
    done = book.status != "EXECUTING"
    data: dict[str, object] = {
        "orderListId": book.list_id,
        "contingencyType": "OCO",
        "listStatusType": "ALL_DONE" if done else "EXEC_STARTED",
        "listOrderStatus": "ALL_DONE" if done else "EXECUTING",
        "listClientOrderId": book.client_id,
        "transactionTime": max(o.time_ms for o in legs),
        "symbol": book.symbol,
        "orders": [
            {"symbol": o.symbol, "orderId": o.order_id, "clientOrderId": o.client_id} for o in legs
        ],
    }
    if reports:
        data["orderReports"] = [fx._order_json(o) for o in legs]
    return data


def _error(status: int, code: int, msg: str) -> Exception:
    from tests.fakes.binance_server import BinanceError

    return BinanceError(status, code, msg)
