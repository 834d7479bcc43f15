"""Deterministic trade phrasing (English and Japanese), moods, and what is NOT a trade."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.trade_intents import parse_command, parse_trade_text, read_mood

D = Decimal


@pytest.mark.parametrize(
    ("text", "side", "symbol", "amount", "budget", "kind", "price", "stop"),
    [
        ("buy 50 usdt of btc", "buy", "BTC/USDT", None, D(50), "market", None, None),
        ("buy $50 of eth", "buy", "ETH/USDT", None, D(50), "market", None, None),
        ("sell 0.1 eth", "sell", "ETH/USDT", D("0.1"), None, "market", None, None),
        (
            "please buy 0.01 btc @ 58000",
            "buy",
            "BTC/USDT",
            D("0.01"),
            None,
            "limit",
            D(58000),
            None,
        ),
        (
            "buy 0.01 btc at 58,000 stop 57000",
            "buy",
            "BTC/USDT",
            D("0.01"),
            None,
            "limit",
            D(58000),
            D(57000),
        ),
        ("BTCを50USDT買って", "buy", "BTC/USDT", None, D(50), "market", None, None),
        ("ETHを0.1売って", "sell", "ETH/USDT", D("0.1"), None, "market", None, None),
        ("ビットコインを100ドル分買って", "buy", "BTC/USDT", None, D(100), "market", None, None),
        ("ＢＴＣを０．０１買って", "buy", "BTC/USDT", D("0.01"), None, "market", None, None),
        (
            "BTCを0.01 指値58000で買い 損切り57000",
            "buy",
            "BTC/USDT",
            D("0.01"),
            None,
            "limit",
            D(58000),
            D(57000),
        ),
    ],
)
def test_natural_phrasing(text, side, symbol, amount, budget, kind, price, stop) -> None:
    parsed = parse_trade_text(text)
    assert parsed is not None
    assert (parsed.side, parsed.symbol, parsed.amount, parsed.quote_amount) == (
        side,
        symbol,
        amount,
        budget,
    )
    assert (parsed.kind, parsed.price, parsed.stop_loss) == (kind, price, stop)


@pytest.mark.parametrize(
    "text",
    [
        "should I buy btc?",
        "buy btc",  # no amount: not a trade
        "what is rsi",
        "BTCを買うべき？",
        "I sold 0.1 eth yesterday",
        "the model says: buy 1 btc",  # quoted/model text does not start with the verb
        "btc 4h analysis",
    ],
)
def test_not_a_trade(text: str) -> None:
    assert parse_trade_text(text) is None


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("buy", "BTC/USDT 50 USDT", ("buy", "BTC/USDT", None, D(50), "market")),
        ("sell", "ETH 0.1", ("sell", "ETH/USDT", D("0.1"), None, "market")),
        ("limit", "buy BTC 0.01 at 58000", ("buy", "BTC/USDT", D("0.01"), None, "limit")),
        ("stop", "ETH 0.1 at 2800", ("sell", "ETH/USDT", D("0.1"), None, "stop")),
        ("buy", "nope 5", ("buy", "NOPE/USDT", D(5), None, "market")),
    ],
)
def test_commands(name: str, args: str, expected: tuple) -> None:
    parsed = parse_command(name, args)
    assert parsed is not None
    assert (parsed.side, parsed.symbol, parsed.amount, parsed.quote_amount, parsed.kind) == expected


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("buy", ""),
        ("buy", "btc"),
        ("limit", "BTC 0.01 at 1"),
        ("limit", "buy BTC 0.01"),
        ("stop", "ETH 0.1"),
        ("buy", "btc -5"),
        ("buy", "btc 0"),
    ],
)
def test_bad_commands_are_rejected(name: str, args: str) -> None:
    assert parse_command(name, args) is None


@pytest.mark.parametrize(
    ("text", "side", "mood"),
    [
        ("buy 100 usdt of btc to the moon", "buy", "fomo"),
        ("buy 1 sol before it's too late", "buy", "fomo"),
        ("BTCを全力で0.1買って", "buy", "fomo"),
        ("sell 1 eth it's crashing", "sell", "panic"),
        ("ETHを暴落前に1売って", "sell", "panic"),
        ("sell 1 eth right now", "sell", "panic"),
        ("buy 1 sol", "buy", None),
    ],
)
def test_mood(text: str, side: str, mood: str | None) -> None:
    assert read_mood(text, side) == mood


@given(st.text(max_size=400))
def test_parsers_never_raise(text: str) -> None:
    parse_trade_text(text)
    for name in ("buy", "sell", "limit", "stop"):
        parse_command(name, text)
