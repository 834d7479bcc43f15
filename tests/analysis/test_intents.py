"""The shared vocabulary parsers: symbols, timeframes and natural analysis phrasing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.symbols import (
    find_symbol,
    find_timeframe,
    looks_like_timeframe,
    parse_symbol,
    parse_timeframe,
)
from bot.features.ta.parse import AnalysisKind, AnalysisRequest, parse_analysis


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("BTC", "BTC/USDT"),
        ("btc", "BTC/USDT"),
        (" BTCUSDT ", "BTC/USDT"),
        ("BTC/USDT", "BTC/USDT"),
        ("btc-usdt", "BTC/USDT"),
        ("bitcoin", "BTC/USDT"),
        ("Bitcoin", "BTC/USDT"),
        ("ビットコイン", "BTC/USDT"),
        ("ＢＴＣ", "BTC/USDT"),
        ("eth/btc", "ETH/BTC"),
        ("ETHBTC", "ETH/BTC"),
        ("sol/usdc", "SOL/USDC"),
        ("xyz", "XYZ/USDT"),
        ("USDT", None),
        ("12", None),
        ("", None),
        ("BTC/", None),
        ("BTC/XYZ", None),
        ("b", None),
        ("hello world", None),
    ],
)
def test_parse_symbol(token: str, expected: str | None) -> None:
    assert parse_symbol(token) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("is eth overbought?", "ETH/USDT"),
        ("what about solana today", "SOL/USDT"),
        ("ETHの4時間足は？", "ETH/USDT"),
        ("ビットコインどう？", "BTC/USDT"),
        ("check xyz/usdt please", "XYZ/USDT"),
        ("this is a test", None),
        ("hello there", None),
    ],
)
def test_find_symbol(text: str, expected: str | None) -> None:
    assert find_symbol(text) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("4h", "4h"),
        ("4H", "4h"),
        ("1d", "1d"),
        ("1D", "1d"),
        ("daily", "1d"),
        ("Daily", "1d"),
        ("日足", "1d"),
        ("4時間足", "4h"),
        ("15分足", "15m"),
        ("週足", "1w"),
        ("hourly", "1h"),
        ("4 hours", "4h"),
        ("15min", "15m"),
        ("４ｈ", "4h"),
        ("7h", None),
        ("4x", None),
        ("", None),
    ],
)
def test_parse_timeframe(token: str, expected: str | None) -> None:
    assert parse_timeframe(token) == expected


def test_unsupported_but_timeframe_shaped() -> None:
    assert looks_like_timeframe("7h") and parse_timeframe("7h") is None
    assert not looks_like_timeframe("btc")


def test_find_timeframe_skips_amounts() -> None:
    assert find_timeframe("buy 0.5h of btc") is None
    assert find_timeframe("btc on the 15m and 4h") == "15m"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("btc 4h analysis", AnalysisRequest("BTC/USDT", "4h", AnalysisKind.REPORT)),
        ("is eth overbought?", AnalysisRequest("ETH/USDT", None, AnalysisKind.MOMENTUM)),
        ("ETHの4時間足は？", AnalysisRequest("ETH/USDT", "4h", AnalysisKind.REPORT)),
        ("how does BTC look on the 4h?", AnalysisRequest("BTC/USDT", "4h", AnalysisKind.REPORT)),
        ("support levels for sol daily", AnalysisRequest("SOL/USDT", "1d", AnalysisKind.LEVELS)),
        ("ビットコインの日足チャート", AnalysisRequest("BTC/USDT", "1d", AnalysisKind.CHART)),
        ("backtest eth 1h", AnalysisRequest("ETH/USDT", "1h", AnalysisKind.BACKTEST)),
        ("btc multi timeframe", AnalysisRequest("BTC/USDT", None, AnalysisKind.MTF)),
        ("btc 4h", AnalysisRequest("BTC/USDT", "4h", AnalysisKind.REPORT)),
        ("buy 0.1 btc", None),
        ("sell eth at 4h close", None),
        ("what is RSI?", None),
        ("explain the btc rsi", None),
        ("what is bitcoin", None),
        ("I love my cat", None),
        ("BTCを買って", None),
        # a price question is Q&A's (price, 24h change, rating in the asker's language)
        ("ビットコインの今の価格は？", None),
        ("BTCの値段は？", None),
        ("ETHはいくら？", None),
        ("what is the btc price?", None),
    ],
)
def test_parse_analysis(text: str, expected: AnalysisRequest | None) -> None:
    assert parse_analysis(text) == expected


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=400))
def test_parsers_never_crash(text: str) -> None:
    for parse in (parse_symbol, find_symbol, parse_timeframe, find_timeframe):
        out = parse(text)
        assert out is None or isinstance(out, str)
    req = parse_analysis(text)
    assert req is None or isinstance(req, AnalysisRequest)
    assert isinstance(looks_like_timeframe(text), bool)


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[A-Z]{2,8}", fullmatch=True))
def test_any_ticker_round_trips(base: str) -> None:
    symbol = parse_symbol(base)
    if base in {"USDT", "USD", "EUR", "JPY"}:
        assert symbol is None
    else:
        assert symbol is not None and parse_symbol(symbol) == symbol


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w"]), st.booleans())
def test_canonical_timeframes_are_fixed_points(tf: str, upper: bool) -> None:
    assert parse_timeframe(tf.upper() if upper else tf) == tf
