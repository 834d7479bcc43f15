"""Deterministic trade phrasing (English and Japanese), moods, and what is NOT a trade."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.features.trading.parse import (
    Conditional,
    TradeRequest,
    Unreadable,
    parse_cancel_all,
    parse_command,
    parse_portfolio_query,
    parse_trade_text,
    read_mood,
)

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
        ("sell", "all"),  # no coin named
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


# -- amounts: exact or refused by name, never truncated -------------------------------------


@pytest.mark.parametrize(
    ("args", "amount", "budget"),
    [
        ("SOL 1e-3", D("0.001"), None),
        ("SOL 1E-3", D("0.001"), None),
        ("SOL 2.5e2 USDT", None, D(250)),
        ("BTC 0.00012345", D("0.00012345"), None),
        ("BTC 1,000 USDT", None, D(1000)),  # thousands groups: exact
        ("BTC ０．５", D("0.5"), None),  # full-width digits
    ],
)
def test_amounts_are_read_exactly(args: str, amount: D | None, budget: D | None) -> None:
    parsed = parse_command("buy", args)
    assert isinstance(parsed, TradeRequest)
    assert (parsed.amount, parsed.quote_amount) == (amount, budget)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        ("SOL 2,5 USDT", "without commas"),
        ("SOL 2,5", "without commas"),
        ("BTC 1,00", "without commas"),
        ("BTC 1e309", "310-digit amount"),
        ("BTC " + "9" * 32, "32-digit amount"),
        ("BTC 1e-30", "smaller than any market's lot"),
        ("BTC 0", "must be positive"),
        ("BTC 1.2.3", "not a number"),
        ("BTC 1e", "not a number"),
        ("BTC 1e-", "not a number"),
        ("BTC 1.e", "not a number"),
        ("BTC 0.01 stop 5e99", "100-digit amount"),  # prices too
        # "stop 3%" was read as a stop at 3 USDT: a percentage is refused, /watch takes it
        ("BTC 0.001 stop 3%", "percentage"),
        ("BTC 0.001 tp 6 %", "percentage"),
        ("BTC 0.001 損切り3％", "percentage"),
    ],
)
def test_unusable_amounts_are_refused_by_name(args: str, reason: str) -> None:
    parsed = parse_command("buy", args)
    assert isinstance(parsed, Unreadable) and reason in parsed.detail


def test_unusable_amounts_in_phrasing_are_refused_too() -> None:
    refused = parse_trade_text("buy 2,5 sol")
    assert isinstance(refused, Unreadable) and "without commas" in refused.detail
    for text in ("BTCを0.001買って 損切り3%", "buy 0.001 btc stop 3% tp 6%"):
        refused = parse_trade_text(text)
        assert isinstance(refused, Unreadable) and "percentage" in refused.detail, text
    assert parse_trade_text("sell 1e309 of my feelings") is None  # no coin: not a trade


_decimals = st.decimals(
    min_value=D("1e-8"), max_value=D("1e12"), allow_nan=False, allow_infinity=False, places=8
).filter(lambda d: d > 0)


@given(_decimals, st.sampled_from(["f", "e", "E", "plain"]))
def test_any_positive_amount_is_read_exactly(value: D, style: str) -> None:
    text = str(value) if style == "plain" else format(value, style)
    parsed = parse_command("sell", f"ETH {text}")
    assert isinstance(parsed, TradeRequest), text
    assert parsed.amount == value


@given(st.from_regex(r"[0-9][0-9.,]{0,20}([eE][+-]?[0-9]{0,3})?", fullmatch=True))
def test_a_typed_number_is_exact_or_refused(token: str) -> None:
    parsed = parse_command("buy", f"BTC {token}")
    assert isinstance(parsed, TradeRequest | Unreadable)
    if isinstance(parsed, TradeRequest):
        # what was read is the whole number the user typed, never a prefix of it
        plain = token.lower()
        plain = plain[:-1] if plain[-1] in ".," else plain
        assert parsed.amount == D(plain.replace(",", "")), token
        assert "," not in plain or re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", plain), token


# -- words: portfolio questions, "sell all", Japanese limit orders ---------------------------


@pytest.mark.parametrize(
    ("text", "which"),
    [
        ("what are my positions?", "positions"),
        ("show my balance", "balance"),
        ("Show me my open orders", "orders"),
        ("what's my P&L?", "pnl"),
        ("how are my holdings", "positions"),
        ("残高を見せて", "balance"),
        ("ポジションを教えて", "positions"),
        ("注文一覧", "orders"),
        ("損益は？", "pnl"),
        ("what is a balance sheet?", None),
        ("my balance is low, should I sell?", None),
        ("ビットコインの残高とは", None),
    ],
)
def test_portfolio_questions(text: str, which: str | None) -> None:
    assert parse_portfolio_query(text) == which


@pytest.mark.parametrize(
    ("text", "symbol"),
    [
        ("sell all my btc now!!!", "BTC/USDT"),
        ("sell all of my eth", "ETH/USDT"),
        ("BTCを全部売って", "BTC/USDT"),
        ("全部売って", ""),  # no coin named: every position
        ("sell everything", ""),
    ],
)
def test_sell_all(text: str, symbol: str) -> None:
    parsed = parse_trade_text(text)
    assert isinstance(parsed, TradeRequest)
    assert (parsed.side, parsed.symbol, parsed.everything, parsed.amount) == (
        "sell",
        symbol,
        True,
        None,
    )


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        # 'cancel all my orders' / '注文を全部キャンセルして' got the /cancel ID note
        ("cancel all my orders", True),
        ("cancel all open orders please", True),
        ("注文を全部キャンセルして", True),
        ("注文をすべて取り消して", True),
        ("cancel order 3", False),
        ("how do I cancel all orders?", False),
    ],
)
def test_cancel_all_orders(text: str, hit: bool) -> None:
    assert (parse_cancel_all(text) is not None) == hit


@pytest.mark.parametrize("text", ["sell half my btc", "BTCを半分売って", "sell half of my BTC"])
def test_sell_half(text: str) -> None:
    """'BTCを半分売って' fell through to Q&A: half of the free balance is proposed."""
    parsed = parse_trade_text(text)
    assert isinstance(parsed, TradeRequest)
    assert (parsed.side, parsed.symbol, parsed.everything, parsed.fraction) == (
        "sell",
        "BTC/USDT",
        True,
        Decimal("0.5"),
    )


def test_sell_all_command_and_japanese_limit_orders() -> None:
    parsed = parse_command("sell", "BTC all")
    assert isinstance(parsed, TradeRequest) and parsed.everything and parsed.symbol == "BTC/USDT"
    for text in (
        "ETHを0.05、2300で指値買い",
        "ETHを0.05を2300で買い",
        "ETHを0.05 2300ドルで指値買って",
    ):
        limit = parse_trade_text(text)
        assert isinstance(limit, TradeRequest), text
        assert (limit.side, limit.kind, limit.amount, limit.price) == (
            "buy",
            "limit",
            D("0.05"),
            D(2300),
        ), text
    budget = parse_trade_text("BTCを100ドルで買って")  # a budget, not a price
    assert isinstance(budget, TradeRequest)
    assert (budget.kind, budget.quote_amount, budget.price) == ("market", D(100), None)


@pytest.mark.parametrize(
    "text",
    [
        "sell 0.5 eth if it reaches 4000",
        "buy 20 usdt of sol when rsi is under 25",
        "buy 0.02 btc once it breaks 72000",
        "ETHが4000になったら0.5売って",
        "SOLが100を割れば10USDT買って",
        "BTCが下がったら0.01買って",
    ],
)
def test_orders_for_later_are_never_trades_now(text: str) -> None:
    assert isinstance(parse_trade_text(text), Conditional)


@pytest.mark.parametrize(
    ("name", "args"),
    [("buy", "ETH 0.1 0.2"), ("buy", "ETH 5 %"), ("sell", "SOL 3 4 5"), ("buy", "ETH 0.1 2300")],
)
def test_a_second_loose_number_is_refused_not_guessed(name: str, args: str) -> None:
    parsed = parse_command(name, args)
    assert isinstance(parsed, Unreadable) and "more than one number" in parsed.detail


@pytest.mark.parametrize(
    "text", ["ETHを2300で0.1指値で買って", "buy 0.1 eth 2300", "SOLを3 4買って"]
)
def test_a_second_loose_number_in_phrasing_is_refused(text: str) -> None:
    assert isinstance(parse_trade_text(text), Unreadable)
