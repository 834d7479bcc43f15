"""BALANCE: an amount with a unit, in a clause where the user states what they hold.

Two parts, each a family rather than a list of phrasings. The amount: a number with a
currency sign or code, a ticker, a coin's name in any case (data/coins.txt), or a Japanese
counter (`72枚`, `300万円`). The statement: a first-person possession verb or a holding noun
with a connector before the amount ("I hold", "my bag:", "stack update ->", "残高は"), or a
place of keeping or a possession verb after it ("… in my wallet", "…持ってます", "…ガチホ").
Hypotheticals, prices and questions ("how many BTC for 1,000 USDT?") are not statements.
"""

from __future__ import annotations

import re
from importlib import resources

from privacy.redact.candidates import Candidate
from privacy.redact.labels import Label

L = Label


def _coins() -> frozenset[str]:
    text = resources.files("privacy.redact").joinpath("data", "coins.txt").read_text("utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines() if w.strip() and w[0] != "#")


# unit words in any case; the regex takes any word and `_unit_ok` checks it (a set lookup is
# cheaper than a long alternation tried after every number)
UNIT_WORDS = _coins() | {
    "sat", "sats", "dollar", "dollars", "bucks", "euro", "euros", "pounds", "yen", "coin",
    "coins", "token", "tokens",
}  # fmt: skip
_NUM = r"\d{1,3}(?:[,.'’ ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
AMOUNT_RE = re.compile(
    r"(?=[$€£¥₿Ξ₹UEGJCA0-9])(?<![0-9A-Za-z.,])(?:[$€£¥₿Ξ₹]\s?(?:" + _NUM + r")(?:\s?[kKmM]\b)?"
    r"|(?:USD|EUR|GBP|JPY|CHF|AUD|CAD)\s?(?:" + _NUM + r")(?:\s?[kKmM]\b)?"
    r"|(?:" + _NUM + r")\s?(?:[kKmM]\s?|万\s?|億\s?)?"
    r"(?:(?P<u>[A-Za-z][A-Za-z-]{1,11})(?![A-Za-z])|[$€£¥₿]"
    r"|円|万円|億円|ドル|万ドル|ユーロ|枚|個|サトシ|ビットコイン|イーサリアム))"
)


def _unit_ok(unit: str | None) -> bool:
    """Return whether a word after a number names a currency or a coin (BTC, eth, Bitcoin)."""
    if unit is None:
        return True
    return (unit.isupper() and len(unit) <= 6 and "-" not in unit) or unit.lower() in UNIT_WORDS


# a ticker or coin written before a bare number in Japanese: "ETHを72" / "BTCは0.5"
JA_TICKER_FIRST_RE = re.compile(
    r"(?:[A-Z]{2,6}|ビットコイン|イーサ(?:リアム)?|ソラナ|リップル)(?:を|は|が|も)\s?"
    r"(?P<v>(?:" + _NUM + r")(?:万|億)?(?P<c>枚|個)?(?:円|ドル)?)"
)
_HOLD_NOUN = (
    r"(?:balance|portfolio|holdings?|position|stack|bags?|savings|wallet|account|net\s?worth"
    r"|stash|treasury|nest\s?egg|cold\s+storage|hodl)"
)
OWN_CUE_RE = re.compile(
    r"(?i)(?:\bi\s+(?:(?:currently|still|now|only|already|just)\s+)?(?:have|hold|own|got|keep"
    r"|stack|possess|carry)|\bi'?ve(?:\s+got)?|\bi'?m\s+(?:holding|long|short|sitting\s+on"
    r"|up\s+to|down\s+to|at|carrying|stacking)|\bholding|\bsitting\s+on|\bstill\s+sitting"
    r"|\b(?:my|our|the|current|total)\s+(?:\w+\s+){0,2}" + _HOLD_NOUN + r"\b[^.?!]{0,25}?"
    r"(?:is|shows?|of|at|:|=|->|→|worth|has|reads|says|holds?|contains?|sits?\s+at|stands?\s+at"
    r"|totals?|came\s+to|now|update[ds]?)"
    r"|(?:^|[,;(]\s*)" + _HOLD_NOUN + r"(?:\s+(?:update|check|now|today|currently|size))?"
    r"\s*(?::|=|->|→|is|at|sits?\s+at|stands?\s+at)"
    r"|\bworth|\bwe\s+(?:have|hold|own)|\blong\b|\bshort\b"
    r"|\bi'?ve\s+(?:accumulated|stacked|saved|got|built\s+up)"
    r"|\b(?:there'?s|there\s+(?:is|are))(?=[^.?!]{0,20}\b(?:in|on)\s+my\b)|\btotal\s+of"
    # 暗号資産 alone is "crypto asset" (a kind of thing), "私の暗号資産" is a holding
    r"|残高|保有|(?:私|僕|俺|自分)の暗号資産|(?<!暗号)資産|評価額|ポートフォリオ|持ち高|手持ち"
    r"|含み)"
)
HYPO_RE = re.compile(
    r"(?i)(?:\b(?:if|for|per|how many|how much|would|buy|sell|at|above|below|to|from|since|entry"
    r"|entered|lost|lose|made|earned|paid|spent|fees?|profit|loss|gained|won|risk|risking"
    r"|target|tp|sl|stop)|@)\s*$"
)
QUESTION_RE = re.compile(r"(?i)\b(?:can|could|should|would|may)\s+i\b|\bif\b|\bwhat\s+if\b")
JA_OWN_AFTER_RE = re.compile(
    r"^\s*(?:ある|あります|あって|持って|持ってる|持ってい|保有|所有|入って|入れて|預けて|眠って"
    r"|握って|抱えて|ガチホ|ホールド|ホー?ルド|分|の(?:ポジ|残高|資産)|ほど(?:持|保有|ある))"
)
OWN_AFTER_RE = re.compile(
    r"(?i)^\s*(?:(?:sitting|parked|stored|locked|staked|left|held|saved|stacked)\s+)?"
    r"(?:in|on|at|across)\s+(?:my|our)\b"
    r"|^\s*(?:is|are)\s+(?:all\s+)?(?:mine|in\s+my|on\s+my)"
    r"|^\s*(?:in|on)\s+(?:cold\s+storage|a\s+hardware\s+wallet|my\s+\w+)"
)
CLAUSE_RE = re.compile(r"[.?!。？！\n]")
_JA_KEYS = ("を", "は", "が", "も")


def balances(text: str) -> list[Candidate]:
    """An amount with a unit, in a clause where the user states what they own."""
    out = []
    for m in AMOUNT_RE.finditer(text):
        if _unit_ok(m.group("u")) and _owned(text, m.start(), m.end()):
            out.append(Candidate(*m.span(), L.BALANCE, 45))
    if not text.isascii() and any(k in text for k in _JA_KEYS):
        for m in JA_TICKER_FIRST_RE.finditer(text):
            after = text[m.end() : m.end() + 12]
            if m.group("c") or JA_OWN_AFTER_RE.match(after):
                out.append(Candidate(*m.span("v"), L.BALANCE, 44))
    return out


def _owned(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 60) : start]
    clause = CLAUSE_RE.split(before)[-1]
    if HYPO_RE.search(clause):
        return False
    cues = list(OWN_CUE_RE.finditer(clause))
    if cues:
        # "can I short 5 BTC" asks; "… if ETH is worth it I'm long 26 ETH" states
        return not QUESTION_RE.search(clause[max(0, cues[-1].start() - 12) :])
    after = text[end : end + 30]
    return JA_OWN_AFTER_RE.match(after) is not None or OWN_AFTER_RE.match(after) is not None
