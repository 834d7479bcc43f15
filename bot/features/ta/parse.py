"""Deterministic parsing of analysis questions in natural phrasing ("btc 4h analysis").

Total like the shared symbol parsers it builds on: any text returns a request or None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.core.symbols import MAX_PARSE_CHARS, find_symbol, find_timeframe, normalise


class AnalysisKind(StrEnum):
    """What a natural-language analysis question asks for."""

    REPORT = "report"
    MOMENTUM = "momentum"
    LEVELS = "levels"
    CHART = "chart"
    MTF = "mtf"
    BACKTEST = "backtest"


@dataclass(frozen=True, slots=True)
class AnalysisRequest:
    """A TA question: which market, which timeframe (None = the default) and what to show."""

    symbol: str
    timeframe: str | None
    kind: AnalysisKind


_KIND_WORDS: tuple[tuple[AnalysisKind, tuple[str, ...]], ...] = (
    (AnalysisKind.BACKTEST, ("backtest", "back-test", "バックテスト")),
    (AnalysisKind.CHART, ("chart", "チャート")),
    (AnalysisKind.MTF, ("multi-timeframe", "multi timeframe", "all timeframes", "mtf")),
    (
        AnalysisKind.LEVELS,
        ("support", "resistance", "levels", "サポート", "レジスタンス", "抵抗線", "支持線"),
    ),
    (
        AnalysisKind.MOMENTUM,
        ("overbought", "oversold", "rsi", "買われすぎ", "売られすぎ", "買われ過ぎ", "売られ過ぎ"),
    ),
    (
        AnalysisKind.REPORT,
        (
            *("analysis", "analyse", "analyze", "technical", "technicals", "outlook", "look"),
            *("looking", "trend", "bullish", "bearish", "macd", "signal", "rating", "ta"),
            *("分析", "テクニカル", "トレンド", "どう", "は？", "は?"),
        ),
    ),
)
# Phrases that belong to other features: trades go to the trading parser, "what is RSI"
# style explanations and price questions ("BTCの価格は？") to Q&A.
_NOT_ANALYSIS = re.compile(
    r"(?<![a-z])(buy|sell|order|explain|define|meaning of)(?![a-z])"
    r"|買って|売って|買う|売る|注文|とは|価格|値段|いくら",
)
_WORD_BOUNDARY_KINDS = frozenset({"ta", "rsi", "look", "mtf", "trend", "signal", "macd"})


def _has_word(lower: str, word: str) -> bool:
    if not word.isascii() or word not in _WORD_BOUNDARY_KINDS:
        return word in lower
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", lower) is not None


def _kind_of(lower: str) -> AnalysisKind | None:
    for kind, words in _KIND_WORDS:
        if any(_has_word(lower, w) for w in words):
            return kind
    return None


def parse_analysis(text: str) -> AnalysisRequest | None:
    """Return the analysis request in natural phrasing ("btc 4h analysis"), or None."""
    norm = normalise(text)
    if not norm or len(text) > MAX_PARSE_CHARS:
        return None
    lower = norm.lower()
    if _NOT_ANALYSIS.search(lower):
        return None
    symbol = find_symbol(norm)
    if symbol is None:
        return None
    timeframe = find_timeframe(norm)
    kind = _kind_of(lower)
    if kind is None:
        # "ETHの4時間足は？" or "btc 4h": a market and a timeframe alone ask for the report.
        if timeframe is None or len(norm) > 40:
            return None
        kind = AnalysisKind.REPORT
    return AnalysisRequest(symbol=symbol, timeframe=timeframe, kind=kind)
