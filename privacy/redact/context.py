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

_PW_CUE = (
    r"(?:(?<![A-Za-z])(?:pass(?:word|phrase|code)s?|passwd|pwd|pw|pin(?: code)?)(?![A-Za-z])"
    r"|パスワード|パスフレーズ|暗証番号)"
)
PASSWORD_CUE_RE = re.compile("(?i)" + _PW_CUE)
PASSWORD_VALUE_RE = re.compile(
    "(?i)"
    + _PW_CUE
    + r"(?P<c>\s+(?:is|was|to|=|:)|\s*[:=：]|\s*(?:は|が|を)|\s+(?:is|was)\s+set\s+to)?\s*"
    r"[\"'“「]?(?P<v>(?:(?![\"'<>])[!-~]){3,64}?)(?=[\"'”」]|[.,;]?(?:\s|$)|[^\x00-\x7f]|$)"
)
TOKENISH_RE = re.compile(r"(?<![\w@])(?:(?![\"'<>,])[!-~]){4,40}(?![\w])")
IS_IT_STRONG_RE = re.compile(
    r"(?i)\bis\s+[\"'“]?(?P<v>(?:(?![\"'<>])[!-~]){3,64}?)[\"'”]?\s+(?:a\s+)?(?:strong|secure|safe|good"
    r"|ok|okay|long)\b[^.?!\n]{0,30}?(?:password|passphrase|passcode|pin)"
)

ACCOUNT_RE = re.compile(
    r"(?i)(?=[uacmlsユア会口ロお])(?:(?<![A-Za-z])uid(?![A-Za-z])|user[ _-]?id"
    r"|acct\.?\s*(?:#|no\.?)?"
    r"|my\s+(?!order|transaction|tx|chain|trade|ticket|case|request|withdrawal|deposit)"
    r"[A-Za-z.]{2,20}\s+id(?![A-Za-z])"
    r"|(?:account|customer|client|member|user)[ _-]?(?:id|no\.?|number|#)|sub-?account(?:[ _-]?id)?"
    r"|user[ _-]?name"
    r"|(?<![A-Za-z])login(?![A-Za-z])|ユーザーID|ユーザー名|アカウントID|会員ID|会員番号|口座番号"
    r"|ログインID|ログイン名|お客様番号)"
    r"(?:\s+(?:on|at|for|in)\s+(?:the\s+)?[\w.]+(?:\s+\w+)?(?=\s+(?:is|was)\b|\s*[:=]))?"
    r"(?P<c>\s+(?:is|was|=|:)|\s*[:=#：]|\s*(?:は|が))?\s*"
    r"(?P<v>(?!is\b|was\b|the\b)[A-Za-z0-9][A-Za-z0-9._-]{2,39})(?![A-Za-z0-9._-])"
)

_TICKER = (
    r"(?:[A-Z]{2,6}|[Ss]ats|satoshis?|dollars|bucks|euros?|yen|円|万円|ドル|(?i:btc|eth|sol|usdt"
    r"|usdc|bitcoins?|ethers?|ethereum|solana|xrp|doge|bnb))"
)
AMOUNT_RE = re.compile(
    r"(?<![0-9A-Za-z.,])(?:[$€£¥]\s?\d[\d,]*(?:\.\d+)?(?:\s?[kKmM]\b)?"
    r"|\d[\d,]*(?:\.\d+)?\s?(?:[kKmM]\s?)?" + _TICKER + r"(?![a-z]))"
)
OWN_CUE_RE = re.compile(
    r"(?i)(?:\bi\s+(?:have|hold|own|got)|\bi'?ve(?:\s+got)?"
    r"|\bi'?m\s+(?:holding|long|short|sitting on)"
    r"|\bholding|\bsitting on|\bmy\s+(?:\w+\s+){0,2}(?:balance|portfolio|holdings?|position|stack"
    r"|bags?|savings|wallet|account|net ?worth|stash)\b[^.?!]{0,25}?(?:is|shows?|of|at|:|=|worth"
    r"|has|reads|says)|\bworth|\bwe\s+have|\bi\s+still\s+have|\bi\s+(?:only\s+)?have|\blong\b"
    r"|\bshort\b|残高|保有|資産|評価額|ポートフォリオ)"
)
HYPO_RE = re.compile(
    r"(?i)(?:\b(?:if|for|per|how many|how much|would|buy|sell|at|above|below|to|from|since|entry"
    r"|entered|lost|lose|made|earned|paid|spent|fees?|profit|loss|gained|won|risk|risking)|@)\s*$"
)
QUESTION_RE = re.compile(r"(?i)\b(?:can|could|should|would|may)\s+i\b|\bif\b|\bwhat\s+if\b")
JA_OWN_AFTER_RE = re.compile(r"^\s*(?:ある|あります|持って|保有|入って|分|の(?:ポジ|残高))")
CLAUSE_RE = re.compile(r"[.?!。？！\n]")


SEED_SHAPE_RE = re.compile(
    r"(?:[A-Za-z\u3040-\u309f\u30fc]{2,8}[\s,;.:)(\[\]\-\u3000、\d]{1,8})"
    + f"{{{MIN_SEED_WORDS - 1}}}"
)


def seed_phrases(text: str) -> list[Candidate]:
    """Runs of BIP-39 words (English or Japanese list), separated by spaces, commas, numbers.

    One misspelt word inside a run does not split it (a typo must not leak both halves).
    """
    if len(text) < 30 or SEED_SHAPE_RE.search(text) is None:
        return []
    en, ja = cs.bip39_words("english"), cs.bip39_words("japanese")
    out: list[Candidate] = []
    run: list[re.Match[str]] = []
    typo: re.Match[str] | None = None
    for m in WORD_RE.finditer(text):
        word = m.group()
        inside = word.lower() in en or word in ja
        joined = bool(run) and _gap_ok(text, (typo or run[-1]).end(), m.start())
        if inside and (not run or joined):
            run += [typo, m] if typo else [m]
            typo = None
            continue
        if run and joined and typo is None and 3 <= len(word) <= 8 and word.isalpha():
            typo = m
            continue
        _close_seed(run, out)
        run, typo = ([m] if inside else []), None
    _close_seed(run, out)
    return out


def _gap_ok(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    return bool(gap) and SEED_GAP_RE.fullmatch(gap) is not None


def _close_seed(run: list[re.Match[str]], out: list[Candidate]) -> None:
    if len(run) < MIN_SEED_WORDS:
        return
    first, last = _checksummed_window(run)
    out.append(Candidate(run[first].start(), run[last].end(), L.SEED_PHRASE, 95, True))


def _checksummed_window(run: list[re.Match[str]]) -> tuple[int, int]:
    """Return the longest window of the run that is a valid BIP-39 mnemonic, else all of it
    (so "… <12 words> please keep it" removes exactly the phrase, and typos still go)."""
    words = [m.group().lower() for m in run]
    if len(words) > 48:  # not a phrase someone typed: take it all, skip the window search
        return 0, len(run) - 1
    for size in (24, 21, 18, 15, 12):
        for first in range(0, len(words) - size + 1):
            if cs.bip39_checksum_ok(words[first : first + size]):
                return first, first + size - 1
    return 0, len(run) - 1


def passwords(text: str) -> list[Candidate]:
    """The value after a password cue; near a cue, also any token that looks like one."""
    cue = PASSWORD_CUE_RE.search(text)
    if cue is None:
        return []
    out = []
    for m in PASSWORD_VALUE_RE.finditer(text):
        value = m.group("v")
        pin = value.isdigit() and 4 <= len(value) <= 8
        if value.lower() in _NOT_VALUES or not (m.group("c") or pin or _password_shaped(value)):
            continue
        out.append(Candidate(m.start("v"), m.end("v"), L.PASSWORD, 55, True))
    for m in TOKENISH_RE.finditer(text):
        if abs(m.start() - cue.start()) <= 40 and _password_shaped(m.group()):
            out.append(Candidate(*m.span(), L.PASSWORD, 54, True))
    for m in IS_IT_STRONG_RE.finditer(text):
        out.append(Candidate(*m.span("v"), L.PASSWORD, 56, True))
    return out


_NOT_VALUES = {"is", "was", "to", "the", "my", "a", "an", "and", "for", "reset", "it", "not"}


def _password_shaped(token: str) -> bool:
    token = token.rstrip(".,!?")
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    has_symbol = any(c in "!@#$%^&*?_~+=" for c in token)
    lower = any(c.islower() for c in token)
    mixed = any(c.isupper() for c in token[1:]) and lower
    return has_alpha and has_digit and (has_symbol or mixed or (lower and len(token) >= 6))


def account_ids(text: str) -> list[Candidate]:
    out = []
    for m in ACCOUNT_RE.finditer(text):
        value = m.group("v").rstrip("._-")
        if value.isdigit() and len(value) < 5:
            continue
        if not m.group("c") and not any(c.isdigit() for c in value):
            continue
        if value.isalpha() and (len(value) < 4 or (value.islower() and not m.group("c"))):
            continue
        end = m.start("v") + len(value)
        out.append(Candidate(m.start("v"), end, L.ACCOUNT_ID, 52, value.isdigit()))
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
    cues = list(OWN_CUE_RE.finditer(clause))
    if cues:
        # "can I short 5 BTC" asks; "… if ETH is worth it I'm long 26 ETH" states
        return not QUESTION_RE.search(clause[max(0, cues[-1].start() - 12) :])
    return JA_OWN_AFTER_RE.match(text[end : end + 8]) is not None


PHONE_CUE_RE = re.compile(
    r"(?i)(?:(?<![A-Za-z])(?:phone|mobile|cell|tel|telephone|whats ?app|viber|sms|call\s+me"
    r"|text\s+me|reach\s+me|my\s+number)(?![A-Za-z])|電話|携帯|連絡先)"
)
NUMBERISH_RE = re.compile(
    r"(?<![0-9A-Za-z.,])\+?\(?\d[\d ().\-\u2010\u2212]{6,22}\d(?![0-9A-Za-z]|[.,]\d)"
)
NATID_CUE_RE = re.compile(
    r"(?i)(?:ssn|social\s+security|social\s+insurance|\bsin\b|national\s+id|id\s+(?:number|no\.?|card)"
    r"|passport(?:\s+(?:number|no\.?))?|tax\s+id|tin\b|nino|national\s+insurance|aadhaar|pan\s+card"
    r"|steuer-?id|dni|nie|cpf|my\s?number|マイナンバー|個人番号|パスポート番号|免許証番号)"
)
IDISH_RE = re.compile(
    r"(?<![0-9A-Za-z])(?=[A-Z]{0,3}\d)[A-Z0-9](?:[ .\-]?[A-Z0-9]){5,17}(?![0-9A-Za-z])"
)


_DIGITS7_RE = re.compile(r"\d(?:\D{0,3}\d){5}")


def cued_numbers(text: str) -> list[Candidate]:
    """Phone numbers and national ids in any format, when a cue word names them nearby."""
    out: list[Candidate] = []
    if _DIGITS7_RE.search(text) is None:
        return out
    for cue_re, value_re, label in (
        (PHONE_CUE_RE, NUMBERISH_RE, L.PHONE),
        (NATID_CUE_RE, IDISH_RE, L.NATIONAL_ID),
    ):
        cues = [m.end() for m in cue_re.finditer(text)]
        if not cues:
            continue
        for m in value_re.finditer(text):
            digits = sum(c.isdigit() for c in m.group())
            near = any(0 <= m.start() - end <= 25 for end in cues)
            if near and digits >= (6 if label is L.NATIONAL_ID else 7):
                out.append(Candidate(*m.span(), label, 58))
    return out


DETECTORS = (seed_phrases, passwords, account_ids, balances, cued_numbers)
