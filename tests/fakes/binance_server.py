"""A local Binance spot REST server for the real ccxt client (aiohttp, real wire protocol).

Speaks the endpoints ccxt needs for spot (exchangeInfo, klines, ticker/24hr, time, signed
account/order/openOrders/myTrades, sapi apiRestrictions), verifies HMAC-SHA256 signatures,
the API-key header and the recvWindow, and answers with Binance's real error codes. Filters
(LOT_SIZE, PRICE_FILTER, NOTIONAL) are enforced like the exchange does. A new order is
answered as `newOrderRespType` asks (ACK, RESULT, or FULL with its fills and commission;
MARKET and LIMIT default to FULL, other types to ACK); an order lookup carries no fills, as
on Binance: the commission is in `myTrades?orderId=`. A market order fills in two trades.
Stop-loss / take-profit orders and OCO order lists: tests/fakes/binance_orders.py.

Fault injection (`inject`): see tests/fakes/binance_faults.py for the kinds.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import hmac
import itertools
import time
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl

from aiohttp import web

from tests.fakes import binance_faults, binance_orders
from tests.fakes.serving import serve_on_loopback

OHLCV = Path(__file__).resolve().parents[2] / "trading" / "data" / "ohlcv"
INTERVAL_MS = {
    "1m": 60_000,
    "5m": 300_000,
    "15m": 900_000,
    "1h": 3_600_000,
    "4h": 14_400_000,
    "1d": 86_400_000,
}


@dataclass
class MarketSpec:
    base: str
    quote: str
    step: Decimal
    tick: Decimal
    min_qty: Decimal
    min_notional: Decimal
    price: Decimal


@dataclass
class Account:
    secret: str
    balances: dict[str, Decimal]
    withdrawals: bool = False
    locked: dict[str, Decimal] = field(default_factory=dict)


@dataclass
class Trade:
    trade_id: int
    price: Decimal
    qty: Decimal
    commission: Decimal
    asset: str
    time_ms: int


@dataclass
class Order:
    order_id: int
    client_id: str
    symbol: str
    side: str
    type: str
    qty: Decimal
    price: Decimal | None
    stop: Decimal | None
    status: str = "NEW"
    executed: Decimal = Decimal(0)
    quote_qty: Decimal = Decimal(0)
    commission: Decimal = Decimal(0)
    time_ms: int = 0
    key: str = ""
    trades: list[Trade] = field(default_factory=list)
    list_id: int = -1  # the OCO order list it belongs to (tests/fakes/binance_orders.py)
    triggered: bool = False  # a stop / take-profit whose trigger price was reached


def _default_markets() -> dict[str, MarketSpec]:
    return {
        "BTCUSDT": MarketSpec(
            "BTC",
            "USDT",
            Decimal("0.00001"),
            Decimal("0.01"),
            Decimal("0.00001"),
            Decimal("5"),
            Decimal("60000"),
        ),
        "ETHUSDT": MarketSpec(
            "ETH",
            "USDT",
            Decimal("0.0001"),
            Decimal("0.01"),
            Decimal("0.0001"),
            Decimal("5"),
            Decimal("3000"),
        ),
        "SOLUSDT": MarketSpec(
            "SOL",
            "USDT",
            Decimal("0.001"),
            Decimal("0.01"),
            Decimal("0.001"),
            Decimal("5"),
            Decimal("150"),
        ),
    }


class BinanceError(Exception):
    def __init__(self, status: int, code: int, msg: str) -> None:
        super().__init__(msg)
        self.status, self.code, self.msg = status, code, msg


def _fmt(value: Decimal | None) -> str:
    return "0.00000000" if value is None else format(value.normalize(), "f")


class FakeBinance:
    """State and HTTP handlers of the fake exchange. Use `async with FakeBinance() as fx`."""

    FEE = Decimal("0.001")

    def __init__(self, *, hang_s: float = 3.0) -> None:
        self.markets = _default_markets()
        self.accounts: dict[str, Account] = {}
        self.orders: list[Order] = []
        self.lists: dict[int, binance_orders.OrderList] = {}
        self.faults: deque[tuple[str, str, str]] = deque()
        self.hang_s = hang_s
        self.requests: list[tuple[str, str]] = []
        self.in_flight = 0
        self._ids = itertools.count(1000)
        self._trade_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.url = ""
        self._pending: set[asyncio.Task[None]] = set()

    # -- test controls ------------------------------------------------------------------

    def add_account(
        self, key: str, secret: str, withdrawals: bool = False, **balances: str
    ) -> None:
        self.accounts[key] = Account(
            secret, {a: Decimal(v) for a, v in balances.items()}, withdrawals
        )

    def inject(self, method: str, path: str, kind: str, times: int = 1) -> None:
        """Apply fault `kind` to the next `times` requests matching method and path."""
        for _ in range(times):
            self.faults.append((method, path, kind))

    def set_price(self, symbol_id: str, price: str) -> None:
        self.markets[symbol_id].price = Decimal(price)
        for order in self.orders:
            if order.symbol == symbol_id and order.status == "NEW" and self._crossed(order):
                self._fill(self.accounts[order.key], order)

    def orders_with_client_id(self, client_id: str) -> list[Order]:
        return [o for o in self.orders if o.client_id == client_id]

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p in self.requests if m == method and p == path)

    # -- lifecycle ----------------------------------------------------------------------

    async def __aenter__(self) -> FakeBinance:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner, self.url = await serve_on_loopback(app)
        return self

    async def __aexit__(self, *exc: object) -> None:
        for task in list(self._pending):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- dispatch -----------------------------------------------------------------------

    async def idle(self, timeout_s: float = 10.0) -> None:
        """Wait until no request is being handled (a late execution has happened)."""
        for _ in range(int(timeout_s / 0.02)):
            if not self.in_flight:
                return
            await asyncio.sleep(0.02)
        raise TimeoutError("the fake exchange is still handling requests")

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.in_flight += 1
        try:
            return await self._answer(request)
        finally:
            self.in_flight -= 1

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.requests.append((request.method, path))
        body = await request.text()
        kind = self._take_fault(request.method, path)
        fault = binance_faults.parse(kind, self.hang_s) if kind else None
        if fault is not None and not fault.executes:
            return fault.response()
        try:
            if fault is not None and fault.wait_before_s:
                await asyncio.sleep(fault.wait_before_s)
            result = self._route(request, body)
        except BinanceError as err:
            return web.json_response({"code": err.code, "msg": err.msg}, status=err.status)
        if fault is None:
            return web.json_response(result)
        await asyncio.sleep(fault.wait_after_s)
        if fault.drop:
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError
        return fault.response() if fault.status else web.json_response(result)

    def _take_fault(self, method: str, path: str) -> str | None:
        for i, (m, p, kind) in enumerate(self.faults):
            if m == method and p == path:
                del self.faults[i]
                return kind
        return None

    def _route(self, request: web.Request, body: str) -> object:
        key = (request.method, request.path)
        public = {
            ("GET", "/api/v3/ping"): lambda q: {},
            ("GET", "/api/v3/time"): lambda q: {"serverTime": _now_ms()},
            ("GET", "/api/v3/exchangeInfo"): lambda q: self._exchange_info(),
            ("GET", "/api/v3/ticker/24hr"): self._ticker,
            ("GET", "/api/v3/klines"): self._klines,
        }
        query = dict(parse_qsl(request.query_string, keep_blank_values=True))
        if key in public:
            return public[key](query)
        private = {
            ("GET", "/api/v3/account"): self._account,
            ("POST", "/api/v3/order"): self._new_order,
            ("GET", "/api/v3/order"): self._get_order,
            ("DELETE", "/api/v3/order"): self._cancel,
            ("GET", "/api/v3/openOrders"): self._open_orders,
            ("GET", "/api/v3/myTrades"): self._my_trades,
            **binance_orders.routes(self),
            ("GET", "/sapi/v1/account/apiRestrictions"): lambda a, q: {
                "enableWithdrawals": a.withdrawals,
                "enableReading": True,
                "enableSpotAndMarginTrading": True,
                "ipRestrict": False,
            },
        }
        if key not in private:
            raise BinanceError(404, -1000, "Unknown endpoint.")
        api_key = request.headers.get("X-MBX-APIKEY", "")
        account, params = self._verify(api_key, request.query_string, body)
        return private[key](account, {**params, "_key": api_key})

    def _verify(self, api_key: str, query_string: str, body: str) -> tuple[Account, dict[str, str]]:
        account = self.accounts.get(api_key)
        if account is None:
            raise BinanceError(401, -2015, "Invalid API-key, IP, or permissions for action.")
        total = query_string + body if query_string and body else query_string or body
        payload, sep, signature = total.rpartition("&signature=")
        if not sep:
            raise BinanceError(400, -1102, "Mandatory parameter 'signature' was not sent.")
        expected = hmac.new(account.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            raise BinanceError(400, -1022, "Signature for this request is not valid.")
        params = dict(parse_qsl(payload, keep_blank_values=True))
        window = int(params.get("recvWindow", "5000"))
        if abs(_now_ms() - int(params.get("timestamp", "0"))) > window:
            raise BinanceError(
                400, -1021, "Timestamp for this request is outside of the recvWindow."
            )
        return account, params

    # -- public ---------------------------------------------------------------------------

    def _exchange_info(self) -> dict[str, object]:
        symbols = []
        for sid, m in self.markets.items():
            symbols.append(
                {
                    "symbol": sid,
                    "status": "TRADING",
                    "baseAsset": m.base,
                    "quoteAsset": m.quote,
                    "baseAssetPrecision": 8,
                    "quotePrecision": 8,
                    "quoteAssetPrecision": 8,
                    "orderTypes": binance_orders.ORDER_TYPES,
                    "ocoAllowed": True,
                    "isSpotTradingAllowed": True,
                    "isMarginTradingAllowed": False,
                    "permissions": ["SPOT"],
                    "permissionSets": [["SPOT"]],
                    "filters": [
                        {
                            "filterType": "PRICE_FILTER",
                            "minPrice": _fmt(m.tick),
                            "maxPrice": "1000000.00",
                            "tickSize": _fmt(m.tick),
                        },
                        {
                            "filterType": "LOT_SIZE",
                            "minQty": _fmt(m.min_qty),
                            "maxQty": "9000",
                            "stepSize": _fmt(m.step),
                        },
                        {
                            "filterType": "NOTIONAL",
                            "minNotional": _fmt(m.min_notional),
                            "applyMinToMarket": True,
                            "maxNotional": "9000000",
                        },
                    ],
                }
            )
        return {"timezone": "UTC", "serverTime": _now_ms(), "rateLimits": [], "symbols": symbols}

    def _market(self, query: dict[str, str]) -> tuple[str, MarketSpec]:
        sid = query.get("symbol", "")
        if sid not in self.markets:
            raise BinanceError(400, -1121, "Invalid symbol.")
        return sid, self.markets[sid]

    def _ticker(self, query: dict[str, str]) -> dict[str, object]:
        sid, m = self._market(query)
        p = _fmt(m.price)
        return {
            "symbol": sid,
            "lastPrice": p,
            "bidPrice": p,
            "askPrice": p,
            "openPrice": p,
            "highPrice": p,
            "lowPrice": p,
            "volume": "100",
            "quoteVolume": "100",
            "priceChangePercent": "0.0",
            "openTime": _now_ms() - 86_400_000,
            "closeTime": _now_ms(),
            "count": 1,
        }

    def _klines(self, query: dict[str, str]) -> list[list[object]]:
        _sid, m = self._market(query)
        interval = query.get("interval", "1h")
        step = INTERVAL_MS.get(interval)
        if step is None:
            raise BinanceError(400, -1120, "Invalid interval.")
        closes = _closes(m.base, interval)
        now = _now_ms()
        current = now // step * step  # open time of the forming candle
        first = current - (len(closes) - 1) * step
        start = int(query.get("startTime", first))
        limit = min(int(query.get("limit", 500)), 1000)
        out: list[list[object]] = []
        for i, (o, h, low, c, v) in enumerate(closes):
            t = first + i * step
            if t >= start and len(out) < limit:
                out.append([t, o, h, low, c, v, t + step - 1, "0", 1, "0", "0", "0"])
        return out

    # -- private --------------------------------------------------------------------------

    def _account(self, account: Account, q: dict[str, str]) -> dict[str, object]:
        assets = set(account.balances) | set(account.locked)
        return {
            "canTrade": True,
            "canWithdraw": account.withdrawals,
            "accountType": "SPOT",
            "balances": [
                {
                    "asset": a,
                    "free": _fmt(account.balances.get(a, Decimal(0))),
                    "locked": _fmt(account.locked.get(a, Decimal(0))),
                }
                for a in sorted(assets)
            ],
        }

    def _new_order(self, account: Account, q: dict[str, str]) -> dict[str, object]:
        sid, m = self._market(q)
        cid = q.get("newClientOrderId") or f"web_{next(self._ids)}"
        if any(o.client_id == cid and o.status == "NEW" for o in self.orders):
            raise BinanceError(400, -2010, "Duplicate order sent.")
        kind, side = q.get("type", ""), q.get("side", "")
        qty = Decimal(q["quantity"]) if "quantity" in q else None
        if qty is None and "quoteOrderQty" in q:
            qty = (Decimal(q["quoteOrderQty"]) / m.price // m.step) * m.step
        if qty is None or qty <= 0:
            raise BinanceError(400, -1102, "Mandatory parameter 'quantity' was not sent.")
        if qty % m.step != 0 or qty < m.min_qty:
            raise BinanceError(400, -1013, "Filter failure: LOT_SIZE")
        price = Decimal(q["price"]) if "price" in q else None
        if price is not None and price % m.tick != 0:
            raise BinanceError(400, -1013, "Filter failure: PRICE_FILTER")
        stop = Decimal(q["stopPrice"]) if "stopPrice" in q else None
        if qty * (price or stop or m.price) < m.min_notional:
            raise BinanceError(400, -1013, "Filter failure: NOTIONAL")
        order = Order(
            next(self._ids),
            cid,
            sid,
            side,
            kind,
            qty,
            price,
            stop,
            time_ms=_now_ms(),
            key=q["_key"],
        )
        binance_orders.check_maker(self, order)
        self._reserve(account, m, order)
        self.orders.append(order)
        if self._crossed(order):
            self._fill(account, order)
        default = "FULL" if kind in ("MARKET", "LIMIT") else "ACK"
        answer = q.get("newOrderRespType", default)
        if answer == "ACK":
            return {
                "symbol": sid,
                "orderId": order.order_id,
                "orderListId": -1,
                "clientOrderId": cid,
                "transactTime": order.time_ms,
            }
        return self._order_json(order, full=answer == "FULL")

    def _reserve(self, account: Account, m: MarketSpec, order: Order) -> None:
        if order.side == "BUY":
            asset, need = m.quote, order.qty * (order.price or m.price) * (1 + self.FEE)
        else:
            asset, need = m.base, order.qty
        if account.balances.get(asset, Decimal(0)) < need:
            raise BinanceError(400, -2010, "Account has insufficient balance for requested action.")
        account.balances[asset] -= need
        account.locked[asset] = account.locked.get(asset, Decimal(0)) + need

    def _crossed(self, order: Order) -> bool:
        return binance_orders.crossed(order, self.markets[order.symbol].price)

    def _fill(self, account: Account, order: Order) -> None:
        m = self.markets[order.symbol]
        px = binance_orders.fill_price(order, m.price)
        notional = order.qty * px
        reserved = (
            order.qty * (order.price or m.price) * (1 + self.FEE)
            if order.side == "BUY"
            else order.qty
        )
        order.trades = self._trades(order, px)
        order.commission = sum((t.commission for t in order.trades), Decimal(0))
        if order.side == "BUY":
            account.locked[m.quote] -= reserved
            account.balances[m.quote] += reserved - notional
            account.balances[m.base] = (
                account.balances.get(m.base, Decimal(0)) + order.qty - order.commission
            )
        else:
            account.locked[m.base] -= reserved
            account.balances[m.quote] = (
                account.balances.get(m.quote, Decimal(0)) + notional - order.commission
            )
        order.status, order.executed, order.quote_qty = "FILLED", order.qty, notional
        binance_orders.after_fill(self, order)

    def _trades(self, order: Order, px: Decimal) -> list[Trade]:
        """Return the fills of an order: a market order of two lots or more fills in two."""
        m = self.markets[order.symbol]
        half = (order.qty / 2 // m.step) * m.step
        parts = [half, order.qty - half] if order.type == "MARKET" and half > 0 else [order.qty]
        # Binance takes the fee in the asset received: base on a buy, quote on a sell
        asset = m.base if order.side == "BUY" else m.quote
        return [
            Trade(
                next(self._trade_ids),
                px,
                qty,
                qty * self.FEE if order.side == "BUY" else qty * px * self.FEE,
                asset,
                _now_ms(),
            )
            for qty in parts
        ]

    def _find(self, account: Account, q: dict[str, str]) -> Order:
        sid, _ = self._market(q)
        for order in reversed(self.orders):
            if order.symbol != sid or self.accounts.get(order.key) is not account:
                continue
            if q.get("origClientOrderId") == order.client_id or q.get("orderId") == str(
                order.order_id
            ):
                return order
        raise BinanceError(400, -2013, "Order does not exist.")

    def _get_order(self, account: Account, q: dict[str, str]) -> dict[str, object]:
        return self._order_json(self._find(account, q))

    def _cancel(self, account: Account, q: dict[str, str]) -> dict[str, object]:
        try:
            order = self._find(account, q)
        except BinanceError:
            raise BinanceError(400, -2011, "Unknown order sent.") from None
        if order.status != "NEW":
            raise BinanceError(400, -2011, "Unknown order sent.")
        if order.list_id in self.lists:  # a leg's cancel cancels its whole list
            binance_orders.cancel_list(self, account, order.list_id)
            return self._order_json(order)
        m = self.markets[order.symbol]
        if order.side == "BUY":
            asset, held = m.quote, order.qty * (order.price or m.price) * (1 + self.FEE)
        else:
            asset, held = m.base, order.qty
        account.locked[asset] -= held
        account.balances[asset] += held
        order.status = "CANCELED"
        return self._order_json(order)

    def _open_orders(self, account: Account, q: dict[str, str]) -> list[dict[str, object]]:
        sid = q.get("symbol")
        return [
            self._order_json(o)
            for o in self.orders
            if o.status == "NEW"
            and self.accounts.get(o.key) is account
            and (sid is None or o.symbol == sid)
        ]

    def _my_trades(self, account: Account, q: dict[str, str]) -> list[dict[str, object]]:
        sid, _ = self._market(q)
        order_id = q.get("orderId")
        return [
            {
                "symbol": sid,
                "id": t.trade_id,
                "orderId": o.order_id,
                "orderListId": -1,
                "price": _fmt(t.price),
                "qty": _fmt(t.qty),
                "quoteQty": _fmt(t.qty * t.price),
                "commission": _fmt(t.commission),
                "commissionAsset": t.asset,
                "time": t.time_ms,
                "isBuyer": o.side == "BUY",
                "isMaker": o.type == "LIMIT",
                "isBestMatch": True,
            }
            for o in self.orders
            if o.symbol == sid
            and self.accounts.get(o.key) is account
            and order_id in (None, str(o.order_id))
            for t in o.trades
        ]

    def _order_json(self, o: Order, full: bool = False) -> dict[str, object]:
        data: dict[str, object] = {
            "symbol": o.symbol,
            "orderId": o.order_id,
            "orderListId": o.list_id,
            "clientOrderId": o.client_id,
            "transactTime": o.time_ms,
            "time": o.time_ms,
            "updateTime": o.time_ms,
            "price": _fmt(o.price or Decimal(0)),
            "origQty": _fmt(o.qty),
            "executedQty": _fmt(o.executed),
            "cummulativeQuoteQty": _fmt(o.quote_qty),
            "status": o.status,
            "timeInForce": "GTC",
            "type": o.type,
            "side": o.side,
            "stopPrice": _fmt(o.stop or Decimal(0)),
            "workingTime": o.time_ms,
            "selfTradePreventionMode": "EXPIRE_MAKER",
            "isWorking": True,
        }
        if full:
            data["fills"] = [
                {
                    "price": _fmt(t.price),
                    "qty": _fmt(t.qty),
                    "commission": _fmt(t.commission),
                    "commissionAsset": t.asset,
                    "tradeId": t.trade_id,
                }
                for t in o.trades
            ]
        return data


def _now_ms() -> int:
    return int(time.time() * 1000)


_CACHE: dict[tuple[str, str], list[tuple[float, float, float, float, float]]] = {}


def _closes(base: str, interval: str) -> list[tuple[float, float, float, float, float]]:
    """Return real candles (o, h, l, c, v) from trading/data/ohlcv for a base asset."""
    key = (base, interval)
    if key not in _CACHE:
        path = OHLCV / f"binance_{base}_USDT_{interval}.csv"
        if not path.exists():
            path = OHLCV / f"binance_{base}_USDT_1h.csv"
        with path.open() as fh:
            _CACHE[key] = [
                (
                    float(r["open"]),
                    float(r["high"]),
                    float(r["low"]),
                    float(r["close"]),
                    float(r["volume"]),
                )
                for r in csv.DictReader(fh)
            ]
    return _CACHE[key]
