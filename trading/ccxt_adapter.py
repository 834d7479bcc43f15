"""The live venue: the real `ccxt.async_support` client (the only module importing ccxt).

One client per account; markets are loaded once per client and shared by its calls. Every
ccxt exception is translated by ERROR_MAP (walking the class tree, so subclasses added by a
new ccxt release land on their parent's mapping); a Binance error code in the answer takes
precedence (trading.refusals). A generic error is never a refusal. ccxt's own retries stay
off: an order is sent exactly once and looked up by client order id when the outcome is
unknown. Orders read back without fills (a lookup) get their fees from the order's trades.
`api_url` rewrites every URL in `urls['api']` (tests point it at a local server; the
production path is the same code).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import ccxt.async_support as ccxt_async
from ccxt.base import errors as cx

from trading import errors as te
from trading import refusals
from trading.ccxt_orders import ack as _ack
from trading.ccxt_orders import dec as _dec
from trading.ccxt_orders import fee as _fee
from trading.ports import (
    TIMEFRAME_MS,
    Balance,
    Candles,
    MarketRules,
    OcoRequest,
    OrderAck,
    OrderRequest,
    OrderType,
    Side,
    Ticker,
)

log = logging.getLogger(__name__)
# ccxt logs every request at DEBUG with its headers (X-MBX-APIKEY) and signed query: never
# let those lines through, whatever the root level.
logging.getLogger("ccxt").setLevel(logging.WARNING)

MAX_KLINES_PER_CALL = 1000
_UNAVAILABLE = te.ExchangeUnavailable
_REFUSED = te.ExchangeRefused
ERROR_MAP: dict[type[cx.BaseError], type[te.TradingError]] = {
    # A generic error says nothing definite (ccxt raises it for any code missing from its
    # table for the host it talked to): the outcome is unknown, never "refused".
    cx.BaseError: _UNAVAILABLE,
    cx.ExchangeError: _UNAVAILABLE,
    cx.OperationRejected: _UNAVAILABLE,
    cx.NoChange: _REFUSED,
    cx.MarginModeAlreadySet: _REFUSED,
    cx.ManualInteractionNeeded: _REFUSED,
    cx.MarketClosed: _REFUSED,
    cx.RestrictedLocation: _REFUSED,
    cx.NotSupported: _REFUSED,
    cx.ArgumentsRequired: _REFUSED,
    cx.BadRequest: te.OrderRejected,
    cx.InvalidProxySettings: _REFUSED,
    cx.ExchangeClosedByUser: _REFUSED,
    cx.UnsubscribeError: _REFUSED,
    cx.InvalidAddress: _REFUSED,
    cx.AddressPending: _REFUSED,
    cx.AuthenticationError: te.AuthFailed,
    cx.PermissionDenied: te.AuthFailed,
    cx.AccountSuspended: te.AuthFailed,
    cx.AccountNotEnabled: te.AuthFailed,
    cx.BadSymbol: te.UnknownSymbol,
    cx.InsufficientFunds: te.InsufficientFunds,
    cx.InvalidOrder: te.OrderRejected,
    cx.OrderImmediatelyFillable: te.OrderRejected,
    cx.OrderNotFillable: te.OrderRejected,
    cx.DuplicateOrderId: te.OrderRejected,
    cx.ContractUnavailable: te.OrderRejected,
    cx.OrderNotCached: te.OrderRejected,
    cx.OrderNotFound: te.OrderNotFound,
    # The outcome is unknown (maybe done): callers look the order up before deciding.
    cx.OperationFailed: _UNAVAILABLE,
    cx.BadResponse: _UNAVAILABLE,
    cx.NullResponse: _UNAVAILABLE,
    cx.CancelPending: _UNAVAILABLE,
    cx.NetworkError: _UNAVAILABLE,
    cx.ExchangeNotAvailable: _UNAVAILABLE,
    cx.OnMaintenance: _UNAVAILABLE,
    cx.RequestTimeout: _UNAVAILABLE,
    cx.InvalidNonce: _UNAVAILABLE,
    cx.ChecksumError: _UNAVAILABLE,
    cx.DDoSProtection: te.RateLimited,
    cx.RateLimitExceeded: te.RateLimited,
}


def translate(err: cx.BaseError, symbol: str = "", *, sent: bool = False) -> te.TradingError:
    """Return our error for a ccxt error (its text, which may hold URLs, is not kept).

    `sent`: the call placed an order, so anything but a definite refusal means "outcome
    unknown" (ExchangeUnavailable): the caller looks the order up before deciding.
    """
    target = next(ERROR_MAP[c] for c in type(err).__mro__ if c in ERROR_MAP)
    code = None if isinstance(err, cx.NetworkError) else refusals.error_code(str(err))
    if code is not None:
        refusal = refusals.refusal_for(code, str(err))
        if refusal is not None:
            target = refusal
        elif sent:
            target = _UNAVAILABLE
    if sent and not issubclass(target, (te.ExchangeRefused, te.UnknownSymbol, _UNAVAILABLE)):
        target = _UNAVAILABLE
    if target is te.UnknownSymbol:
        return te.UnknownSymbol(symbol or "?")
    return target(type(err).__name__)


def rewrite_urls(urls: Any, base: str) -> Any:
    """Return `urls` (nested dict of strings) with scheme+host replaced by `base`."""
    if isinstance(urls, dict):
        return {k: rewrite_urls(v, base) for k, v in urls.items()}
    if isinstance(urls, str) and urls.startswith("http"):
        return base.rstrip("/") + urlsplit(urls).path
    return urls


class CcxtExchange:
    """A ccxt account (implements trading.ports.Exchange and trading.ports.MarketData)."""

    def __init__(
        self,
        exchange_id: str,
        *,
        api_key: str = "",
        secret: str = "",
        api_url: str = "",
        timeout_s: float = 10.0,
        rate_limit: bool = True,
    ) -> None:
        klass = getattr(ccxt_async, exchange_id)
        self._client = klass(
            {
                "apiKey": api_key,
                "secret": secret,
                "enableRateLimit": rate_limit,
                # Binance limits request weight per minute: a rolling window keeps to that
                # limit without spacing out the two calls of an approval (ticker, order).
                "rateLimiterAlgorithm": "rollingWindow",
                "timeout": int(timeout_s * 1000),
                # Proxy variables never reroute exchange calls (ccxt's default, kept explicit).
                "aiohttp_trust_env": False,
                "options": {
                    "fetchMarkets": {"types": ["spot"]},
                    "fetchCurrencies": False,
                    "fetchMargins": False,
                    "maxRetriesOnFailure": 0,
                    "warnOnFetchOpenOrdersWithoutSymbol": False,
                    "fetchOpenOrders": {"warnWithoutSymbol": False},
                },
            }
        )
        if api_url:
            self._client.urls["api"] = rewrite_urls(self._client.urls["api"], api_url)
        self._markets_lock = asyncio.Lock()
        self._loaded = False

    async def _call(self, method: str, *args: Any, symbol: str = "", sent: bool = False) -> Any:
        try:
            return await getattr(self._client, method)(*args)
        except cx.BaseError as err:
            code = refusals.error_code(str(err))
            log.info("exchange error call=%s kind=%s code=%s", method, type(err).__name__, code)
            raise translate(err, symbol, sent=sent) from None

    async def _markets(self) -> dict[str, Any]:
        if not self._loaded:
            async with self._markets_lock:
                if not self._loaded:
                    await self._call("load_markets")
                    self._loaded = True
        markets: dict[str, Any] = self._client.markets
        return markets

    async def _market(self, symbol: str) -> dict[str, Any]:
        markets = await self._markets()
        if symbol not in markets:
            raise te.UnknownSymbol(symbol)
        market: dict[str, Any] = markets[symbol]
        return market

    # -- MarketData -------------------------------------------------------------------------

    async def symbols(self) -> frozenset[str]:
        markets = await self._markets()
        return frozenset(s for s, m in markets.items() if m.get("spot") and m.get("active", True))

    async def fetch_ticker(self, symbol: str) -> Ticker:
        await self._market(symbol)
        raw = await self._call("fetch_ticker", symbol, symbol=symbol)
        last = raw.get("last") or raw.get("close")
        if last is None:
            raise te.ExchangeUnavailable("ticker without a price")
        return Ticker(
            symbol=symbol,
            last=_dec(last),
            bid=_dec(raw["bid"]) if raw.get("bid") else None,
            ask=_dec(raw["ask"]) if raw.get("ask") else None,
            change_24h_pct=_dec(raw["percentage"]) if raw.get("percentage") is not None else None,
            at=datetime.fromtimestamp((raw.get("timestamp") or 0) / 1000, UTC),
        )

    async def fetch_candles(self, symbol: str, timeframe: str, limit: int) -> Candles:
        """Return up to `limit` closed candles, paging with `since` past the 1000 cap."""
        import pandas as pd

        await self._market(symbol)
        step = TIMEFRAME_MS[timeframe]
        now_ms = self._client.milliseconds()
        since = now_ms - (limit + 1) * step
        rows: list[list[float]] = []
        while since < now_ms:
            batch = await self._call(
                "fetch_ohlcv", symbol, timeframe, since, MAX_KLINES_PER_CALL, symbol=symbol
            )
            if not batch:
                break
            rows.extend(batch)
            since = int(batch[-1][0]) + step
            if len(batch) < MAX_KLINES_PER_CALL:
                break
        closed = [r for r in rows if int(r[0]) + step <= now_ms]  # drop the forming candle
        frame = pd.DataFrame(
            closed, columns=["timestamp", "open", "high", "low", "close", "volume"]
        )
        frame = frame.drop_duplicates("timestamp").sort_values("timestamp").tail(limit)
        frame = frame.astype({"timestamp": "int64"}).reset_index(drop=True)
        return Candles(symbol, timeframe, frame, datetime.fromtimestamp(now_ms / 1000, UTC))

    # -- Exchange ---------------------------------------------------------------------------

    async def market_rules(self, symbol: str) -> MarketRules:
        market = await self._market(symbol)
        precision, limits = market["precision"], market["limits"]
        return MarketRules(
            symbol=symbol,
            base=market["base"],
            quote=market["quote"],
            amount_step=_dec(precision.get("amount")),
            price_step=_dec(precision.get("price")),
            min_amount=_dec((limits.get("amount") or {}).get("min")),
            min_notional=_dec((limits.get("cost") or {}).get("min")),
        )

    async def balances(self) -> tuple[Balance, ...]:
        raw = await self._call("fetch_balance")
        free, used = raw.get("free") or {}, raw.get("used") or {}
        return tuple(
            Balance(asset, _dec(free.get(asset)), _dec(used.get(asset)))
            for asset in sorted(set(free) | set(used))
            if _dec(free.get(asset)) + _dec(used.get(asset)) > 0
        )

    async def place_order(self, order: OrderRequest) -> OrderAck:
        await self._market(order.symbol)
        # amount_to_precision truncates: the order never exceeds what was approved
        amount = self._client.amount_to_precision(order.symbol, str(order.amount))
        params: dict[str, Any] = {"newClientOrderId": order.client_order_id}
        price = None
        kind = "market"
        if order.type is OrderType.LIMIT:
            kind = "limit"
            price = self._client.price_to_precision(order.symbol, str(order.price))
        elif order.type is OrderType.STOP:
            params["stopLossPrice"] = self._client.price_to_precision(
                order.symbol, str(order.trigger_price)
            )
        log.info("order send cid=%s type=%s", order.client_order_id, kind)
        raw = await self._call(
            "create_order",
            order.symbol,
            kind,
            order.side.value,
            float(amount),
            float(price) if price else None,
            params,
            symbol=order.symbol,
            sent=True,
        )
        return _ack(await self._with_fee(raw, order.symbol), order.type)

    async def place_oco(self, request: OcoRequest) -> tuple[OrderAck, OrderAck]:
        """Send the pair as one Binance order list (POST /api/v3/orderList/oco), once."""
        stop, take = request.stop, request.take_profit
        market = await self._market(stop.symbol)
        price = self._client.price_to_precision
        legs = {  # on a sell the take-profit is above the price, on a buy below it
            "STOP_LOSS": ("StopPrice", price(stop.symbol, str(stop.trigger_price)), stop),
            "LIMIT_MAKER": ("Price", price(stop.symbol, str(take.price)), take),
        }
        above, below = ("LIMIT_MAKER", "STOP_LOSS")
        if stop.side is Side.BUY:
            above, below = below, above
        params: dict[str, Any] = {
            "symbol": market["id"],
            "side": stop.side.value.upper(),
            "quantity": self._client.amount_to_precision(stop.symbol, str(stop.amount)),
            "listClientOrderId": request.list_client_id,
            "newOrderRespType": "RESULT",
        }
        for where, kind in (("above", above), ("below", below)):
            field, value, leg = legs[kind]
            params |= {f"{where}Type": kind, f"{where}{field}": value}
            params[f"{where}ClientOrderId"] = leg.client_order_id
        log.info("order list send cid=%s", request.list_client_id)
        raw = await self._call("private_post_orderlist_oco", params, symbol=stop.symbol, sent=True)
        acks = {
            str(r.get("clientOrderId")): self._client.parse_order(r, market)
            for r in raw.get("orderReports") or []
        }
        if stop.client_order_id not in acks or take.client_order_id not in acks:
            raise te.ExchangeUnavailable("order list answer without its legs")  # look them up
        stopped, taken = acks[stop.client_order_id], acks[take.client_order_id]
        return _ack(stopped, stop.type), _ack(taken, take.type)

    async def find_order(self, symbol: str, client_order_id: str) -> OrderAck | None:
        try:
            raw = await self._call(
                "fetch_order", None, symbol, {"origClientOrderId": client_order_id}, symbol=symbol
            )
        except te.OrderNotFound:
            return None
        return _ack(await self._with_fee(raw, symbol))

    async def cancel_order(self, symbol: str, client_order_id: str) -> OrderAck | None:
        try:
            raw = await self._call(
                "cancel_order", None, symbol, {"origClientOrderId": client_order_id}, symbol=symbol
            )
        except te.OrderNotFound:
            return None
        return _ack(await self._with_fee(raw, symbol))

    async def _with_fee(self, raw: dict[str, Any], symbol: str) -> dict[str, Any]:
        """Return the order with its fees; Binance's order lookup has none: read its trades.

        A failed trades lookup raises (ExchangeUnavailable): the order stays unsettled and is
        looked up again, rather than being recorded without its fees.
        """
        if not _dec(raw.get("filled")) or _fee(raw)[1] or not raw.get("id"):
            return raw
        trades = await self._call("fetch_order_trades", str(raw["id"]), symbol, symbol=symbol)
        fees = [f for t in trades for f in (t.get("fees") or [t.get("fee")]) if f]
        return {**raw, "fees": fees, "fee": None}

    async def open_orders(self, symbol: str | None = None) -> tuple[OrderAck, ...]:
        raw = await self._call("fetch_open_orders", symbol, symbol=symbol or "")
        return tuple(_ack(o) for o in raw)

    async def withdrawals_enabled(self) -> bool | None:
        """Return whether the key may withdraw funds (None if the exchange does not say)."""
        if not hasattr(self._client, "sapi_get_account_apirestrictions"):
            return None
        raw = await self._call("sapi_get_account_apirestrictions")
        value = raw.get("enableWithdrawals")
        return None if value is None else bool(value)

    async def close(self) -> None:
        await self._client.close()
