"""Deterministic reading of questions: trade decisions, coin questions, levels, follow-ups,
the coins a question names, and capitals that are not tickers."""

from __future__ import annotations

import re

from bot.core.symbols import find_symbol
from llm import KnowledgeBase

NOT_TICKERS = (
    "SEC",
    "FED",
    "FOMC",
    "CPI",
    "CEO",
    "FAQ",
    "USA",
    "UK",
    "EU",
    "AI",
    "IPO",
    "GDP",
    "OK",
)
TRADE_DECISION = re.compile(
    r"\b(should i|buy|sell|long|short|invest|enter|exit|hold|dump|moon|worth it)\b"
    r"|買う|売る|買い|売り|投資|エントリー|利確|損切",
    re.IGNORECASE,
)
COIN_ASK = re.compile(
    r"\b(price|worth|trading at|quote|how is|how's|buy|sell|invest|good|coin|token|moon|pump|"
    r"chart|support|resistance|stronger|weaker)\b|価格|値段|いくら|買|売|どう|強い|弱い",
    re.I,
)
LEVELS = re.compile(r"\b(support|resistance|levels?)\b|サポート|レジスタンス|支持線|抵抗線", re.I)
NAME_SPLIT = re.compile(r"[\s,、。?？!！とや]+|\b(?:and|or|vs|versus)\b", re.I)
CAPS = re.compile(r"(?<![A-Za-z0-9/])[A-Z][A-Z0-9]{1,11}(?![A-Za-z0-9/])")  # "FLOKIは" too
FOLLOW_UP = re.compile(
    r"^\s*(and|what about|how about|then|now|also)\b|\bits\b|^\s*(では|じゃあ|それ|その)", re.I
)


def named_symbols(question: str) -> list[str]:
    """Return the distinct markets a question names, in order ("ETH or SOL" -> both)."""
    found: list[str] = []
    for chunk in NAME_SPLIT.split(question):
        symbol = find_symbol(chunk) if chunk else None
        if symbol and symbol not in found:
            found.append(symbol)
    return found


def knowledge_entries(kb: KnowledgeBase) -> list[tuple[str, ...]]:
    """Return the words of every entry and common capitals (their acronyms are not tickers)."""
    return [(e.title, *e.keywords, e.text) for e in kb.entries()] + [NOT_TICKERS]
