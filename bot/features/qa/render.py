"""Every word the Q&A feature shows: fixed wording, the fallback excerpt, the comparison line."""

from __future__ import annotations

import re
from collections.abc import Sequence

from llm import Entry, Fact
from llm.claims import ja_pairs, sentences
from llm.grounding import content_stems

WORDING: dict[str, dict[str, str]] = {
    "en": {
        "no_notes": "I have no notes on that. I can explain trading concepts and indicators, "
        "order types, risk, wallets and scams, or show live data for a coin (e.g. “how is BTC?”).",
        "try_listed": "{reason} Try a listed pair such as BTC/USDT.",
        "from_notes": "From my notes:",
        "ungrounded": "(The model's wording did not match my sources, so here is the source text.)",
        "facts_down": "(Live data for {symbol} is unavailable right now.)",
        "sources": "Sources: {items}",
        "nfa": "Not financial advice: the decision is yours.",
        "compare": "Over 24h {first} changed {a} and {second} {b}: {winner} was the stronger.",
        "compare_even": "Over 24h {first} changed {a} and {second} {b}: about the same.",
    },
    "ja": {
        "no_notes": "その話題についての資料はありません。テクニカル指標、注文の種類、リスク管理、"
        "ウォレット、詐欺の見分け方、銘柄の最新データ（例:「BTCはどう？」）についてお答えできます。",
        "try_listed": "{reason}BTC/USDT などをお試しください。",
        "from_notes": "資料より:",
        "ungrounded": "（モデルの回答が資料と一致しなかったため、資料の本文を表示します。）",
        "facts_down": "（{symbol} の最新データは現在取得できません。）",
        "sources": "出典: {items}",
        "nfa": "投資助言ではありません。判断はご自身で行ってください。",
        "compare": "24時間の変化は {first} が {a}、{second} が {b} で、"
        "{winner} の方が強い動きでした。",
        "compare_even": "24時間の変化は {first} が {a}、{second} が {b} で、ほぼ同じです。",
    },
}
EXCERPT_SENTENCES = 3
_CHANGE = re.compile(r": ([+\-−]?\d+(?:\.\d+)?)%")
# Live facts are rendered in English by facts.py; a Japanese answer shows them in Japanese.
_JA_FACT_WORDS = (
    (re.compile(r" price: (\S+ \S+) at (.+? UTC) \(replay\)"), r" 価格: \1（\2 時点・リプレイ）"),
    (re.compile(r" price: (\S+ \S+) at (.+? UTC) \(live\)"), r" 価格: \1（\2 時点・ライブ）"),
    (re.compile(r" price: "), " 価格: "),
    (re.compile(r" 24h change: "), " 24時間の変化率: "),
    (
        re.compile(r" TA rating: (.+); RSI: "),
        lambda m: f" テクニカル評価: {_ja_signal(m[1])}、RSI: ",
    ),
    (
        re.compile(r" levels: no clear support or resistance"),
        " 水準: 明確なサポート・レジスタンスなし",
    ),
    (re.compile(r" levels: "), " 水準: "),
    (re.compile(r"\bsupport (\S+) \((\d+) touches\)"), r"サポート \1（\2回）"),
    (re.compile(r"\bresistance (\S+) \((\d+) touches\)"), r"レジスタンス \1（\2回）"),
    (re.compile(r"; "), "、"),
)
_JA_SIGNALS = {  # analysis.Signal values, and ta_summary's "no rating"
    "Strong Buy": "強い買い",
    "Buy": "買い",
    "Neutral": "中立",
    "Sell": "売り",
    "Strong Sell": "強い売り",
    "no rating": "評価なし",
}
_JA_LABELS = (
    ("price", "価格"),
    ("24h change", "24時間の変化率"),
    ("TA", "テクニカル"),
    ("levels", "水準"),
)


def localized(fact: Fact, language: str) -> Fact:
    """Return a live fact in the question's language (facts.py renders them in English)."""
    if language != "ja":
        return fact
    text, label = fact.text, fact.label
    for pattern, words in _JA_FACT_WORDS:
        text = pattern.sub(words, text)
    for english, japanese in _JA_LABELS:
        label = re.sub(rf" {english}$", f" {japanese}", label)
    return Fact(fact.key, label, text)


def _ja_signal(rating: str) -> str:
    return _JA_SIGNALS.get(rating, rating)


def cited(entries: Sequence[Entry], facts: Sequence[Fact], language: str) -> str:
    """Return the sources line: entry titles, then each symbol's facts once ("X price, …")."""
    by_symbol: dict[str, list[str]] = {}
    for fact in facts:
        symbol, _, what = fact.label.partition(" ")
        by_symbol.setdefault(symbol, []).append(what)
    joiner = "・" if language == "ja" else ", "
    items = [e.title_in(language) for e in entries]
    items += [f"{symbol} {joiner.join(whats)}" for symbol, whats in by_symbol.items()]
    return WORDING[language]["sources"].format(items="; ".join(items))


def excerpt(entry: Entry, question: str, language: str) -> str:
    """Return the 1-3 sentences of an entry that answer the question (its first one always)."""
    parts = sentences(entry.text_in(language))
    if len(parts) <= 1:
        return entry.text_in(language)
    japanese = language == "ja" and bool(entry.ja_text)
    asked = ja_pairs(question) if japanese else content_stems(question)

    def overlap(sentence: str) -> int:
        mine = ja_pairs(sentence) if japanese else content_stems(sentence)
        return len(mine & asked)

    # The first sentence defines; then the sentences sharing most with the question (ties in
    # the entry's order), so a long entry is cut to what was asked.
    ranked = sorted(range(1, len(parts)), key=lambda i: (-overlap(parts[i]), i))
    chosen = {0, *ranked[: EXCERPT_SENTENCES - 1]}
    joiner = "" if japanese else " "
    return joiner.join(_ended(parts[i], japanese) for i in sorted(chosen))


def _ended(sentence: str, japanese: bool) -> str:
    if sentence.endswith((".", "!", "?", "。", "！", "？")):
        return sentence
    return sentence + ("。" if japanese else ".")


def comparison(facts: Sequence[Fact], symbols: Sequence[str], language: str) -> str:
    """Return one line comparing the 24h change of two symbols ("" without both changes)."""
    changes: dict[str, float] = {}
    for fact in facts:
        match = _CHANGE.search(fact.text)
        if match and fact.key.startswith("change:"):
            changes[fact.key.partition(":")[2]] = float(match.group(1).replace("−", "-"))
    if len(symbols) < 2 or not all(s in changes for s in symbols[:2]):
        return ""
    first, second = symbols[:2]
    a, b = changes[first], changes[second]
    words = WORDING[language]
    key = "compare_even" if abs(a - b) < 0.1 else "compare"
    winner = first if a > b else second
    return words[key].format(
        first=first, second=second, a=f"{a:+.2f}%", b=f"{b:+.2f}%", winner=winner
    )
