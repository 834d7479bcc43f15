"""The allow-list checker finds English in a Japanese reply, and only English."""

from __future__ import annotations

import pytest

from tests.i18n.english_words import english_words, has_japanese


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("BTC/USDT 1h: RSI 28.4、MACD は上向きです。", []),
        ("提案 #12: BTC を 0.001 買います（成行、ペーパー）。/buy BTC 50 USDT", []),
        ("4h と 1d の EMA、SMA、ATR、ADX、BB。OCO 注文 ID #3。", []),
        ("障害 ID 3fa9c2d81b: もう一度お試しください。時刻は Asia/Tokyo 基準です。", []),
        ("30s 後に再試行します。API キーを保存しました。", []),
        ("✅ Approve", ["Approve"]),
        ("提案 (paper): BUY 0.001 BTC", ["paper", "BUY"]),
        ("5 s お待ちください", ["s"]),
        (
            "Unknown command /nope. Send /help for the list.",
            ["Unknown", "command", "Send", "for", "the", "list"],
        ),
        ("btc は上昇", ["btc"]),
        ("FOO/USDT はこの取引所では扱っていません。", []),  # a pair the user asked for
        ("/limit buy|sell 銘柄 数量 at 価格 — 指値注文を提案します", []),  # command syntax
        ("/buy BTC 0.01 stop 57000（損切り付き）· /lang en|ja", []),
        ("価格が stop に達したら buy します", ["stop", "buy"]),  # outside a command: English
        ("/help for the list", ["for", "the", "list"]),
        (
            "サポート/レジスタンス、highs/lows",
            ["highs", "lows"],
        ),  # tickers are upper case in our wording
        ("SYMBOL AMOUNT", ["SYMBOL", "AMOUNT"]),
        ("deadbeefcafe", ["deadbeefcafe"]),
        (
            "インシデント番号 inc-4e827d2b、提案 prop-6bb9170e36f",
            [],
        ),  # a hex id has a digit; this is a word
    ],
)
def test_english_words(text: str, found: list[str]) -> None:
    assert english_words(text) == found


def test_has_japanese() -> None:
    assert has_japanese("残高") and has_japanese("ペーパー") and not has_japanese("BTC 1h /buy")
