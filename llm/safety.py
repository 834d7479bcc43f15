"""The safety router: questions about handing over keys, "support" DMs, recovery offers and
giveaways go to the scam/security entries, always, before any keyword matching.

"Should I send my private key to support?" shares words with the note on price support; the
router reads the intent (a secret + a handover, a stranger's offer) instead of the words.
Each rule is a set of patterns that must all match, in English or in Japanese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SECRET = (
    r"seed|recovery phrase|mnemonic|private key|secret key|api secret|password|2fa code|"
    r"12 words|24 words|秘密鍵|シード|リカバリーフレーズ|パスワード|復元フレーズ|認証コード"
)
_HANDOVER = (
    r"send|share|give|tell|enter|type|paste|ask(?:ed|s|ing)? (?:me )?for|verify|"
    r"送|教え|共有|入力|渡|聞かれ|求め"
)
_STRANGER = (
    r"support|admin|customer service|help ?desk|\bdm\b|dm'd|direct message|messaged|contacted|"
    r"reached out|サポート|運営|カスタマー|DM|連絡|メッセージ"
)
_RECOVERY = (
    r"recover|recovery|get (?:my |it |them )?back|retrieve|lost funds|stolen|hacked|"
    r"取り戻|復旧|回収|盗まれ|ハッキング"
)
_GIVEAWAY = (
    r"giveaway|give away|airdrop claim|doubl(?:e|es|ing) (?:my|your|the|their|any|all|it|"
    r"crypto|btc|eth|bitcoin|money|coins?|funds)|doubler|2x back|twice (?:as much|back)|"
    r"send \S+(?: \w+)? (?:and )?(?:get|receive)|倍にして|倍返|倍で返|倍もらえ|"
    r"送れば.*(?:返|もらえ)|送(?:金)?(?:すれば|れば).{0,12}倍|プレゼント企画|配布キャンペーン"
)
_CUSTODY = r"safe|safety|risk|secure|安全|危険|リスク"
_EXCHANGE = r"(?:leave|keep|store|hold).*\bon (?:an? |the )?exchange|取引所に(?:置|預)"


@dataclass(frozen=True, slots=True)
class SafetyRule:
    """Patterns that must all match, and the entries (best first) such a question gets."""

    name: str
    patterns: tuple[re.Pattern[str], ...]
    entries: tuple[str, ...]

    def matches(self, question: str) -> bool:
        return all(p.search(question) for p in self.patterns)


def _rule(name: str, entries: tuple[str, ...], *patterns: str) -> SafetyRule:
    return SafetyRule(name, tuple(re.compile(p, re.IGNORECASE) for p in patterns), entries)


RULES: tuple[SafetyRule, ...] = (
    _rule("giveaway", ("giveaway-scam", "scam-checklist"), _GIVEAWAY),
    _rule("secret", ("seed-phrase", "impersonation", "scam-checklist"), _SECRET, _HANDOVER),
    _rule("recovery", ("recovery-scam", "scam-checklist", "impersonation"), _RECOVERY, _STRANGER),
    _rule(
        "recovery offer",
        ("recovery-scam", "scam-checklist", "impersonation"),
        _RECOVERY,
        r"offer|fee|service|company|guarantee|手数料|業者|サービス",
    ),
    _rule(
        "support dm",
        ("impersonation", "scam-checklist"),
        _STRANGER,
        r"\bdm\b|dm'd|messaged me|contacted me|reached out|連絡が来|DMが来|メッセージが来",
    ),
    _rule("exchange custody", ("exchange-risk", "custody"), _CUSTODY, _EXCHANGE),
)


def safety_entries(question: str) -> tuple[str, ...]:
    """Return the security entries a question must get first (empty when none applies)."""
    for rule in RULES:
        if rule.matches(question):
            return rule.entries
    return ()
