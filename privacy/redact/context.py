"""Detectors that need context words: seed phrases, passwords, balances, account ids.

A value is only taken when a cue says what it is ("my password is …", "UID …", "I have …").
"""

from __future__ import annotations

import re

from privacy.redact import checksums as cs
from privacy.redact.candidates import Candidate
from privacy.redact.labels import Label

L = Label
WORD_RE = re.compile(r"[A-Za-z]+|[\u3040-\u309f\u30fc]+")
SEED_GAP_RE = re.compile(r"[\s,;.:)(\[\]\-\u3000、\d]{1,8}")
MIN_SEED_WORDS = 10

PASSWORD_CUE_RE = re.compile(
    r"(?i)(?:pass(?:word|phrase|code)?|passwd|pwd|\bpw\b|\bpin\b(?: code)?|パスワード|パスフレーズ"
    r"|暗証番号)"
)
PASSWORD_VALUE_RE = re.compile(
    r"(?i)(?:pass(?:word|phrase|code)?|passwd|pwd|\bpw\b|\bpin\b(?: code)?|パスワード|パスフレーズ"
    r"|暗証番号)(?:\s+(?:is|was|to|of|=|:)|\s*[:=：]|\s*(?:は|が|を)|\s+(?:is|was)\s+set\s+to)?\s*"
    r"[\"'“「]?(?P<v>[^\s\"'”」<>、。]{3,64}?)(?=[\"'”」]|[.,;!?]?(?:\s|$)|で|です|、|。|$)"
)
TOKENISH_RE = re.compile(r"(?<![\w@])[^\s\"'<>、。,]{6,40}(?![\w])")

ACCOUNT_RE = re.compile(
    r"(?i)(?:\buid\b|user[ _-]?id|account[ _-]?(?:id|no\.?|number)|sub-?account(?:[ _-]?id)?"
    r"|member[ _-]?id|customer[ _-]?id|client[ _-]?id|user[ _-]?name|\blogin\b|ユーザーID"
    r"|ユーザー名|アカウントID|会員ID)"
    r"(?:\s+(?:on|at|for|in)\s+(?:the\s+)?[\w.]+(?:\s+\w+)?)?"
    r"(?:\s+(?:is|was|=|:)|\s*[:=#：]|\s*(?:は|が))?\s*"
    r"(?P<v>(?!is\b|was\b|the\b)[A-Za-z0-9][A-Za-z0-9._-]{2,39})(?![A-Za-z0-9._-])"
)

_TICKER = r"(?:[A-Z]{2,6}|[Ss]ats|satoshis?|dollars|bucks|euros?|yen|円|万円|ドル)"
AMOUNT_RE = re.compile(
    r"(?<![\w.,])(?:[$€£¥]\s?\d[\d,]*(?:\.\d+)?(?:\s?[kKmM]\b)?"
    r"|\d[\d,]*(?:\.\d+)?\s?(?:[kKmM]\s?)?" + _TICKER + r"(?![a-z]))"
)
OWN_CUE_RE = re.compile(
    r"(?i)(?:\bi\s+(?:have|hold|own|got)|\bi'?ve\s+got|\bi'?m\s+(?:holding|long|short|sitting on)"
    r"|\bholding|\bsitting on|\bmy\s+(?:\w+\s+){0,2}(?:balance|portfolio|holdings?|position|stack"
    r"|bag|savings|wallet|account|net ?worth|stash)\b[^.?!]{0,25}?(?:is|shows?|of|at|:|=|worth"
    r"|has|reads|says)|\bworth|\bwe\s+have|\bi\s+still\s+have|\bi\s+(?:only\s+)?have|\blong\b"
    r"|\bshort\b|残高|保有)"
)
HYPO_RE = re.compile(
    r"(?i)\b(?:if|for|per|how many|how much|would|buy|sell|at|@|above|below|to)\s*$"
)
JA_OWN_AFTER_RE = re.compile(r"^\s*(?:ある|あります|持って|保有|入って|分|の(?:ポジ|残高))")
CLAUSE_RE = re.compile(r"[.?!。？！\n]")


def seed_phrases(text: str) -> list[Candidate]:
    """Runs of BIP-39 words (English or Japanese list), separated by spaces, commas, numbers."""
    if len(text) < 30:
        return []
    en, ja = cs.bip39_words("english"), cs.bip39_words("japanese")
    out: list[Candidate] = []
    run: list[re.Match[str]] = []
    for m in WORD_RE.finditer(text):
        word = m.group()
        inside = word.lower() in en or word in ja
        joined = bool(run) and _gap_ok(text, run[-1].end(), m.start())
        if inside and (not run or joined):
            run.append(m)
            continue
        _close_seed(run, out)
        run = [m] if inside else []
    _close_seed(run, out)
    return out


def _gap_ok(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    return bool(gap) and SEED_GAP_RE.fullmatch(gap) is not None


def _close_seed(run: list[re.Match[str]], out: list[Candidate]) -> None:
    if len(run) >= MIN_SEED_WORDS:
        out.append(Candidate(run[0].start(), run[-1].end(), L.SEED_PHRASE, 95, True))


def passwords(text: str) -> list[Candidate]:
    """The value after a password cue; near a cue, also any token that looks like one."""
    cue = PASSWORD_CUE_RE.search(text)
    if cue is None:
        return []
    out = []
    for m in PASSWORD_VALUE_RE.finditer(text):
        value = m.group("v")
        if value.lower() in _NOT_VALUES or value.lower() in {"manager", "reset", "change"}:
            continue
        out.append(Candidate(m.start("v"), m.end("v"), L.PASSWORD, 55, True))
    for m in TOKENISH_RE.finditer(text):
        if abs(m.start() - cue.start()) <= 40 and _password_shaped(m.group()):
            out.append(Candidate(*m.span(), L.PASSWORD, 54, True))
    return out


_NOT_VALUES = {"is", "was", "to", "the", "my", "a", "an", "and", "for", "reset", "it", "not"}


def _password_shaped(token: str) -> bool:
    token = token.rstrip(".,!?")
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    has_symbol = any(c in "!@#$%^&*?_~+=" for c in token)
    mixed = any(c.isupper() for c in token[1:]) and any(c.islower() for c in token)
    return has_alpha and has_digit and (has_symbol or mixed or len(token) >= 8)


def account_ids(text: str) -> list[Candidate]:
    out = []
    for m in ACCOUNT_RE.finditer(text):
        value = m.group("v")
        if value.isalpha() and len(value) < 4:
            continue
        if value.isdigit() and len(value) < 5:
            continue
        out.append(Candidate(m.start("v"), m.end("v"), L.ACCOUNT_ID, 52, value.isdigit()))
    return out


def balances(text: str) -> list[Candidate]:
    """An amount with a unit, in a clause where the user states what they own."""
    out = []
    for m in AMOUNT_RE.finditer(text):
        if _owned(text, m.start(), m.end()):
            out.append(Candidate(*m.span(), L.BALANCE, 45))
    return out


def _owned(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 60) : start]
    clause = CLAUSE_RE.split(before)[-1]
    if HYPO_RE.search(clause):
        return False
    if OWN_CUE_RE.search(clause):
        return True
    return JA_OWN_AFTER_RE.match(text[end : end + 8]) is not None


DETECTORS = (seed_phrases, passwords, account_ids, balances)
