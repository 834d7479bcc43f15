"""The Q&A wording helpers (bot/features/qa/render.py): the fallback excerpt, facts in
Japanese, the sources line and the two-coin comparison."""

from __future__ import annotations

import pytest

from bot.features.qa.render import cited, comparison, excerpt, localized
from llm import Entry, Fact

ENTRY = Entry(
    id="funding-rate",
    title="Funding rate",
    text=(
        "Perpetual futures use a funding rate paid every few hours. It keeps the contract near "
        "the spot price. Positive funding means longs pay shorts. High funding shows crowded "
        "positioning. Funding is charged only on open positions."
    ),
    keywords=("funding",),
    ja_keywords=("ファンディングレート",),
    ja_title="ファンディングレート",
    ja_text="ファンディングレートは数時間ごとに支払われます。プラスのときはロングがショートに払います。",
)


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        (
            "who pays when funding is positive?",
            "en",
            "Perpetual futures use a funding rate paid every few hours. Positive funding means "
            "longs pay shorts. High funding shows crowded positioning.",
        ),
        (
            "what is it?",
            "en",
            "Perpetual futures use a funding rate paid every few hours. It keeps the contract "
            "near the spot price. Positive funding means longs pay shorts.",
        ),
        (
            "プラスのとき誰が払う？",
            "ja",
            "ファンディングレートは数時間ごとに支払われます。プラスのときはロングがショートに払います。",
        ),
    ],
)
def test_excerpt_keeps_the_first_and_the_answering_sentences(
    question: str, language: str, expected: str
) -> None:
    assert excerpt(ENTRY, question, language) == expected


FACTS = (
    Fact(
        "price:ETH/USDT",
        "ETH/USDT price",
        "ETH/USDT price: 2431.5 USDT at 2024-08-06 00:00 UTC (replay)",
    ),
    Fact("change:ETH/USDT", "ETH/USDT 24h change", "ETH/USDT 24h change: -10.02%"),
    Fact(
        "price:SOL/USDT",
        "SOL/USDT price",
        "SOL/USDT price: 150 USDT at 2024-08-06 00:00 UTC (replay)",
    ),
    Fact("change:SOL/USDT", "SOL/USDT 24h change", "SOL/USDT 24h change: +3.10%"),
)


def test_facts_in_japanese() -> None:
    assert [localized(f, "ja").text for f in FACTS[:2]] == [
        "ETH/USDT 価格: 2431.5 USDT（2024-08-06 00:00 UTC 時点・リプレイ）",
        "ETH/USDT 24時間の変化率: -10.02%",
    ]
    assert localized(FACTS[0], "en") == FACTS[0]


@pytest.mark.parametrize(
    ("rating", "japanese"),
    [("Strong Buy", "強い買い"), ("Neutral", "中立"), ("Sell", "売り"), ("no rating", "評価なし")],
)
def test_ta_rating_in_japanese(rating: str, japanese: str) -> None:
    ta = Fact("ta:ETH/USDT:1h", "ETH/USDT 1h TA", f"ETH/USDT 1h TA rating: {rating}; RSI: 41.3")
    assert localized(ta, "ja") == Fact(
        "ta:ETH/USDT:1h",
        "ETH/USDT 1h テクニカル",
        f"ETH/USDT 1h テクニカル評価: {japanese}、RSI: 41.3",
    )


def test_sources_line_cites_each_symbol_once() -> None:
    assert cited([ENTRY], FACTS, "en") == (
        "Sources: Funding rate; ETH/USDT price, 24h change; SOL/USDT price, 24h change"
    )
    ja = cited([ENTRY], [localized(f, "ja") for f in FACTS[:2]], "ja")
    assert ja == "出典: ファンディングレート; ETH/USDT 価格・24時間の変化率"


def test_comparison_names_the_stronger_coin() -> None:
    line = comparison(FACTS, ("ETH/USDT", "SOL/USDT"), "en")
    assert line == (
        "Over 24h ETH/USDT changed -10.02% and SOL/USDT +3.10%: SOL/USDT was the stronger."
    )
    assert comparison(FACTS, ("ETH/USDT",), "en") == ""
