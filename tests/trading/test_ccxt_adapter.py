"""The ccxt adapter: one error table covering every ccxt exception, URL rewrite, precision."""

from __future__ import annotations

import inspect
import json
from decimal import Decimal

import ccxt
import pytest
from ccxt.base import errors as cx

from tests.trading.conftest import KEY, SECRET
from trading import errors as te
from trading.ccxt_adapter import ERROR_MAP, CcxtExchange, rewrite_urls, translate
from trading.ports import TIMEFRAME_MS, OrderRequest, OrderType, Side

CCXT_ERRORS = [c for _, c in inspect.getmembers(cx, inspect.isclass) if issubclass(c, cx.BaseError)]


def test_every_ccxt_exception_class_is_mapped_explicitly() -> None:
    assert len(CCXT_ERRORS) > 30
    missing = [c.__name__ for c in CCXT_ERRORS if c not in ERROR_MAP]
    assert missing == [], f"add these to ERROR_MAP: {missing}"


@pytest.mark.parametrize(
    ("err", "ours"),
    [
        (cx.InsufficientFunds, te.InsufficientFunds),
        (cx.BadSymbol, te.UnknownSymbol),
        (cx.DDoSProtection, te.RateLimited),
        (cx.RateLimitExceeded, te.RateLimited),
        (cx.RequestTimeout, te.ExchangeUnavailable),
        (cx.OperationFailed, te.ExchangeUnavailable),  # a JSON 500: outcome unknown
        (cx.AuthenticationError, te.AuthFailed),
        (cx.BadRequest, te.OrderRejected),
        (cx.OrderNotFound, te.OrderNotFound),
    ],
)
def test_translation_follows_the_class_tree(err: type[cx.BaseError], ours: type) -> None:
    translated = translate(err('binance {"code":-1,"msg":"https://x/?signature=abc"}'), "BTC/USDT")
    assert type(translated) is ours
    assert "signature" not in str(translated)  # ccxt's text (URLs, bodies) is not carried


def test_network_errors_are_never_refusals() -> None:
    for klass in CCXT_ERRORS:
        if issubclass(klass, cx.NetworkError):
            assert issubclass(ERROR_MAP[klass], te.ExchangeUnavailable), klass


def test_api_url_rewrites_every_api_url() -> None:
    client = ccxt.binance()
    rewritten = rewrite_urls(client.urls["api"], "http://127.0.0.1:9")
    flat: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, str):
            flat.append(node)

    walk(rewritten)
    assert len(flat) > 10
    assert all(u.startswith("http://127.0.0.1:9/") for u in flat if u.startswith("http"))
    assert rewritten["public"].endswith("/api/v3")


async def test_candles_drop_the_forming_candle_and_page_past_1000(fx) -> None:
    ex = CcxtExchange("binance", api_url=fx.url, rate_limit=False)
    try:
        candles = await ex.fetch_candles("BTC/USDT", "1h", 1500)
    finally:
        await ex.close()
    frame = candles.frame
    assert len(frame) == 1500
    assert fx.count("GET", "/api/v3/klines") == 2
    assert frame["timestamp"].is_monotonic_increasing and frame["timestamp"].is_unique
    newest_close = int(frame["timestamp"].iloc[-1]) + TIMEFRAME_MS["1h"]
    assert newest_close <= candles.as_of.timestamp() * 1000  # the last one is closed


async def test_amount_is_truncated_never_rounded_up(fx) -> None:
    ex = CcxtExchange("binance", api_key=KEY, secret=SECRET, api_url=fx.url, rate_limit=False)
    try:
        ack = await ex.place_order(
            OrderRequest(
                "qnbprecision00", "BTC/USDT", Side.BUY, OrderType.MARKET, Decimal("0.000839999")
            )
        )
        limit = await ex.place_order(
            OrderRequest(
                "qnbprecision01",
                "ETH/USDT",
                Side.BUY,
                OrderType.LIMIT,
                Decimal("0.0100"),
                price=Decimal("2500.004"),
            )
        )
    finally:
        await ex.close()
    assert ack.amount == Decimal("0.00083")
    assert fx.orders[0].qty == Decimal("0.00083")
    assert fx.orders[1].price == Decimal("2500.00") and limit.status.value == "open"


async def test_filter_failures_are_order_rejections(fx) -> None:
    ex = CcxtExchange("binance", api_key=KEY, secret=SECRET, api_url=fx.url, rate_limit=False)
    try:
        with pytest.raises(te.OrderRejected):  # NOTIONAL: 0.00001 BTC is 0.6 USDT
            await ex.place_order(
                OrderRequest(
                    "qnbtiny00", "BTC/USDT", Side.BUY, OrderType.MARKET, Decimal("0.00001")
                )
            )
        with pytest.raises(te.UnknownSymbol):
            await ex.market_rules("DOGE/EUR")
    finally:
        await ex.close()
    assert fx.orders == []


def _busy(code: int, msg: str) -> str:
    return "binance " + json.dumps({"code": code, "msg": msg})


@pytest.mark.parametrize(
    ("err", "ours"),
    [
        # ccxt raises a generic ExchangeError for -1008 on any host but api.binance.com
        (cx.ExchangeError(_busy(-1008, "Server is currently overloaded")), te.ExchangeUnavailable),
        (cx.ExchangeError(_busy(-1999, "Unexpected error.")), te.ExchangeUnavailable),
        (cx.ExchangeError("binance"), te.ExchangeUnavailable),  # no code at all
        (cx.OperationFailed(_busy(-1000, "An unknown error")), te.ExchangeUnavailable),
        (cx.InvalidOrder(_busy(-2026, "Order was canceled or expired")), te.ExchangeUnavailable),
        (cx.DDoSProtection("binance 418 " + _busy(-1003, "IP banned")), te.RateLimited),
        (
            cx.InvalidOrder(_busy(-2010, "Account has insufficient balance for requested action.")),
            te.InsufficientFunds,
        ),
        (cx.ExchangeError(_busy(-2010, "Duplicate order sent.")), te.OrderRejected),
        (cx.ExchangeError(_busy(-1013, "Filter failure: NOTIONAL")), te.OrderRejected),
        (cx.BadRequest(_busy(-1102, "Mandatory parameter")), te.OrderRejected),
        (cx.ExchangeError(_busy(-1121, "Invalid symbol.")), te.UnknownSymbol),
        (cx.ExchangeError(_busy(-2015, "Invalid API-key")), te.AuthFailed),
        (cx.InvalidOrder("binance amount must be greater than minimum"), te.OrderRejected),
    ],
)
def test_a_sent_order_is_refused_only_by_a_definite_refusal_code(
    err: cx.BaseError, ours: type
) -> None:
    assert type(translate(err, "BTC/USDT", sent=True)) is ours


def test_a_generic_error_is_never_a_refusal_even_outside_orders() -> None:
    busy = cx.ExchangeError(_busy(-1008, "Server is currently overloaded"))
    assert isinstance(translate(busy), te.ExchangeUnavailable)
    gone = cx.OrderNotFound(_busy(-2013, "Order does not exist."))
    assert isinstance(translate(gone), te.OrderNotFound)  # a lookup's "not found" stays
