"""Detectors that need context words: passwords, account ids, Telegram handles, cued numbers.

A value is only taken when a cue says what it is ("my password is …", "UID …", "I have …").
"""

from __future__ import annotations

import itertools
import re

from privacy.redact import holdings
from privacy.redact.candidates import Candidate
from privacy.redact.labels import Label
from privacy.redact.normalize import canonicalize

L = Label

_PW_CUE = (
    r"(?:(?<![A-Za-z])(?:pass(?:word|phrase|code|key)s?|passwd|pwd|pw|pin(?: code| number)?"
    r"|(?:2fa|backup|recovery|security|access|unlock|login|verification)\s+codes?"
    r"|login\s+(?:creds|credentials)|secret\s+(?:word|phrase)|kennwort|passwort|mot\s+de\s+passe"
    rf"|contrase(?:ñ|n)a|senha|parola|{canonicalize('пароль').text})(?![A-Za-z])"
    r"|パスワード|パスフレーズ|暗証番号|暗証|パス(?=は|:|：)|密码|비밀번호|암호)"
)
PASSWORD_CUE_RE = re.compile("(?i)" + _PW_CUE)
PASSWORD_VALUE_RE = re.compile(
    "(?i)" + _PW_CUE + r"(?:\s+(?:for|on|at|of)\s+(?:my\s+|the\s+)?[\w.]+)?"
    r"(?P<c>(?:\s*(?:[:=：→]|->|=>)|\s+(?:is|was|are|were|to|now|still|currently|set|changed"
    r"|reset|updated|just|became|will\s+be|should\s+be))+|\s*(?:は|が|を))?\s*"
    r"[\"'“「]?(?P<v>(?:(?![\"'<>])[!-~]){3,64}?)(?=[\"'”」]|[.,;]?(?:\s|$)|[^\x00-\x7f]|$)"
)
# a quoted value after a cue and a connector may hold spaces ("my pin is '12 34'")
QUOTED_PW_RE = re.compile(
    "(?i)" + _PW_CUE + r"(?:\s+(?:for|on|at|of)\s+(?:my\s+|the\s+)?[\w.]+)?"
    r"(?:\s*[:=：]|\s+(?:is|was|to|now|is\s+now)|\s*(?:は|が))\s*[\"“「'](?P<v>[^\"”」'\n]{3,64})[\"”」']"
)
# a passphrase of plain words after a passphrase cue ("passphrase: tulip orbit candle frost")
WORDS_PW_RE = re.compile(
    r"(?i)(?:pass\s?phrase|secret\s+phrase|パスフレーズ)(?:\s*[:=：]|\s+is|\s*は)\s*"
    r"(?P<v>[a-z]{3,12}(?:[ ][a-z]{3,12}){2,7})(?![\w])"
)
DICEWARE_RE = re.compile(r"[a-z]{3,12}(?:[-._][a-z]{3,12}){2,7}[0-9!?]*")
_FUNCTION_WORDS = frozenset(
    {"the", "and", "for", "not", "too", "you", "your", "with", "from", "that", "this", "was",
     "are", "but", "can", "should", "would", "how", "what", "why", "where", "when", "safe",
     "keep", "store", "never", "share", "manager", "written", "paper", "backup", "long", "weak",
     "strong", "secure", "does", "have", "has", "been", "into", "about", "use", "used", "using"}
)  # fmt: skip
TOKENISH_RE = re.compile(r"(?<![\w@])(?:(?![\"'<>,])[!-~]){4,40}(?![\w])")
VALUE_FIRST_RE = re.compile(
    r"(?i)(?<![\w@])[\"'“]?(?P<v>(?:(?![\"'<>])[!-~]){4,64}?)[\"'”]?\s+(?:is|was|=)\s+(?:my|our|the)"
    r"\s+(?:\w+\s+){0,2}(?:password|passphrase|passcode|pin|2fa\s+code|backup\s+code)\b"
)
IS_IT_STRONG_RE = re.compile(
    r"(?i)\bis\s+[\"'“]?(?P<v>(?:(?![\"'<>])[!-~]){3,64}?)[\"'”]?\s+(?:a\s+)?(?:strong|secure|safe|good"
    r"|ok|okay|long)\b[^.?!\n]{0,30}?(?:password|passphrase|passcode|pin)"
)

_ID_WORD = r"(?:id|uid|no\.?|number|code|#)"
ACCOUNT_RE = re.compile(
    r"(?i)(?=[uacmlsrintdhpwgbkfoeユア会口ロおニ取ペ紹招])"
    r"(?:(?<![A-Za-z])uid(?![A-Za-z])|user[ _-]?id"
    r"|(?:referral|ref|invite|invitation|promo|affiliate|partner)[ _-]?(?:code|id|link\s+code)"
    r"|nick(?:name)?|trader[ _-]?id|(?:destination|deposit)[ _-]?(?:tag|memo)"
    r"|(?<![A-Za-z])memo(?![A-Za-z])"
    r"|(?:binance|bybit|okx|kraken|kucoin|bitget|coinbase|mexc|gate|htx|bitflyer|coincheck)"
    r"(?:[ _-]?(?:pay|exchange|futures|earn|web3))?[ _-]?(?:id|uid|account|username)"
    r"|(?:pay|payment|merchant|wallet|profile|player|broker|exchange|trading|funding"
    r"|sub[ _-]?account)"
    r"[ _-]?" + _ID_WORD + r"(?![A-Za-z])"
    r"|acct\.?\s*(?:#|no\.?)?"
    r"|my\s+(?:(?!(?:order|transaction|tx|chain|trade|ticket|case|request|withdrawal|deposit"
    r"|network|block|proposal|position)\b)[A-Za-z.]{2,20}\s+){1,2}id(?![A-Za-z])"
    r"|(?:account|customer|client|member|user)[ _-]?(?:id|no\.?|number|#|code)"
    r"|sub-?account(?:[ _-]?id)?"
    r"|user[ _-]?name"
    r"|(?<![A-Za-z])login(?![A-Za-z])|ユーザーID|ユーザー名|アカウントID|アカウント番号|会員ID|会員番号"
    r"|口座番号|ログインID|ログイン名|お客様番号|ペイID|紹介コード|紹介ID|招待ID)"
    r"(?:\s+(?:on|at|for|in)\s+(?:the\s+)?[\w.]+(?:\s+\w+)?(?=\s+(?:is|was)\b|\s*[:=]))?"
    r"(?P<c>\s+(?:is|was|=|:)|\s*[:=#：]|\s*(?:は|が))?\s*[\"'“「]?"
    r"(?P<v>(?!is\b|was\b|the\b)[A-Za-z0-9][A-Za-z0-9._-]{2,39})(?![A-Za-z0-9._-])"
)
# Telegram named as such, in either order: "my tg: x_99", "テレグラムのIDはx_99",
# "x_99 on telegram", "DM me on TG as x_99"; the value must look chosen (digit, `_`, or an @)
_TG = r"(?:telegram|tg|テレグラム|テレグラ|テレ)"
TG_CUE_FIRST_RE = re.compile(
    r"(?i)(?<![A-Za-z])" + _TG + r"(?:\s*の)?(?:\s*(?:handle|username|user\s*name|id|account|acc"
    r"|name|nick|ユーザー名|ユーザーネーム|アカウント|ハンドル|名前|ID))?"
    r"(?:\s+(?:is|=|as)|\s*[:=：→]|\s*->|\s*(?:は|が|で|に))?\s*[\"'“「]?"
    r"(?P<h>@?[A-Za-z][A-Za-z0-9_]{3,31})(?![A-Za-z0-9_@.])"
)
TG_VALUE_FIRST_RE = re.compile(
    r"(?i)(?<![\w@.])(?P<h>@?[A-Za-z][A-Za-z0-9_]{3,31})\s*(?:\s(?:on|at|via|in|@)\s+|で|は)"
    r"(?:the\s+)?" + _TG + r"(?![A-Za-z])"
)
_TG_NOT = frozenset(
    {"channel", "group", "groups", "chat", "bot", "bots", "app", "account", "handle", "username",
     "premium", "wallet", "desktop", "web", "stars", "support", "please", "message", "official",
     "name", "nick", "id", "user", "me", "is", "as", "the", "and", "dms"}
)  # fmt: skip


def telegram_named(text: str) -> list[Candidate]:
    """A handle named as Telegram's, with or without the @, the cue before or after it."""
    low = text.lower()
    if "tg" not in low and "tele" not in low and "テレ" not in text:
        return []
    out = []
    for rx in (TG_CUE_FIRST_RE, TG_VALUE_FIRST_RE):
        for m in rx.finditer(text):
            handle = m.group("h")
            bare = handle.lstrip("@")
            if bare.lower() in _TG_NOT:
                continue
            if handle[0] == "@" or "_" in bare or any(c.isdigit() for c in bare):
                out.append(Candidate(*m.span("h"), L.TELEGRAM_HANDLE, 53))
    return out


# a bare "account"/"ID" with a connector: only a handle-shaped value (digit, `_` or `.` inside),
# and never an id that belongs to an order, a transaction, a chain or a ticket
WEAK_ACCOUNT_RE = re.compile(
    r"(?i)(?=[aihアI])(?<![A-Za-z])(?<!order\s)(?<!trade\s)(?<!chain\s)(?<!block\s)(?<!ticket\s)(?<!case\s)"
    r"(?<!tx\s)(?<!request\s)(?<!注文)(?<!取引)(?<!チェーン)(?<!オーダー)"
    r"(?:acc(?:oun)?t?|id|handle|アカウント|ID)(?:\s+(?:on|at|for)\s+[\w.]+)?"
    r"(?:\s+(?:is|was|=|:)|\s*[:=#：]|\s*(?:は|が))\s*[\"'“「]?"
    r"(?P<v>[A-Za-z0-9][A-Za-z0-9._-]{2,39})(?![A-Za-z0-9._-])"
)
# an exchange named in Japanese, then its id: "バイナンスのIDは…", "取引所のUID: …"
JA_ACCOUNT_RE = re.compile(
    r"(?:バイナンス|バイビット|コインチェック|ビットフライヤー|ビットバンク|取引所|口座|アカウント)"
    r"の?(?:ID|UID|ユーザーID|番号|ユーザー名)\s*(?:は|:|：|が)?\s*[「\"]?"
    r"(?P<v>[A-Za-z0-9][A-Za-z0-9._-]{2,39})(?![A-Za-z0-9._-])"
)


# Substrings every cue contains: a C-speed `in` test skips most texts before any regex runs.
_PW_KEYS = (
    "pass", "pw", "pin", "code", "cred", "secret", "kennwort", "contrase", "senha", "parola",
    canonicalize("пароль").text[:3], "パス", "暗証", "密码", "비밀번호", "암호",
)  # fmt: skip
_ACCOUNT_KEYS = (
    "id", "user", "acct", "account", "customer", "client", "member", "login", "ref", "invit",
    "nick", "tag", "memo", "ユーザ", "アカウント", "会員", "口座", "ログイン", "お客様", "ニック",
    "招待", "紹介", "code",
)  # fmt: skip


def passwords(text: str) -> list[Candidate]:
    """The value after a password cue; near a cue, also any token that looks like one."""
    low = text.lower()
    if not any(k in low for k in _PW_KEYS):
        return []
    cues = list(PASSWORD_CUE_RE.finditer(text))
    if not cues:
        return []
    out = []
    for m in PASSWORD_VALUE_RE.finditer(text):
        value = m.group("v")
        pin = value.isdigit() and 4 <= len(value) <= 8
        shaped = pin or _password_shaped(value) or _passphrase_shaped(value)
        if value.lower() in _NOT_VALUES or not (m.group("c") or shaped):
            continue
        out.append(Candidate(m.start("v"), m.end("v"), L.PASSWORD, 55, True))
    for m in TOKENISH_RE.finditer(text):
        if _password_shaped(m.group()) and any(_near(text, cue, m, 40) for cue in cues):
            out.append(Candidate(*m.span(), L.PASSWORD, 54, True))
    for m in VALUE_FIRST_RE.finditer(text):
        if _password_shaped(m.group("v")) or m.group("v").isdigit():
            out.append(Candidate(*m.span("v"), L.PASSWORD, 56, True))
    return out + _free_form_passwords(text)


def _near(text: str, cue: re.Match[str], value: re.Match[str], reach: int) -> bool:
    """Return True when value is within reach of cue and no placeholder (a value the cue
    already named) stands between them."""
    after = value.start() >= cue.end()
    lo, hi = (cue.end(), value.start()) if after else (value.end(), cue.start())
    return abs(value.start() - cue.start()) <= reach and "<" not in text[lo:hi]


def _free_form_passwords(text: str) -> list[Candidate]:
    """Values that are not one token: "is X strong?", quoted values, passphrases of words."""
    out = [Candidate(*m.span("v"), L.PASSWORD, 56, True) for m in IS_IT_STRONG_RE.finditer(text)]
    for m in QUOTED_PW_RE.finditer(text):
        out.append(Candidate(*m.span("v"), L.PASSWORD, 57, True))
    for m in WORDS_PW_RE.finditer(text):
        if not any(w in _FUNCTION_WORDS for w in m.group("v").lower().split()):
            out.append(Candidate(*m.span("v"), L.PASSWORD, 57, True))
    return out


def _passphrase_shaped(token: str) -> bool:
    """Words chained by - . _ (river-copper-staple), or letters with 2+ inner capitals."""
    if DICEWARE_RE.fullmatch(token):
        return True
    humps = sum(a.islower() and b.isupper() for a, b in itertools.pairwise(token))
    return token.isalpha() and humps >= 2 and len(token) >= 8


_NOT_VALUES = {
    "is", "was", "to", "the", "my", "a", "an", "and", "for", "reset", "it", "not", "now", "still",
    "currently", "set", "changed", "just", "updated", "became", "same", "here", "below", "above",
    "this", "that", "what", "again", "also", "too", "been", "be", "will", "should", "are", "were",
}  # fmt: skip


def _password_shaped(token: str) -> bool:
    token = token.rstrip(".,!?")
    has_digit = any(c.isdigit() for c in token)
    has_alpha = any(c.isalpha() for c in token)
    has_symbol = any(c in "!@#$%^&*?_~+=" for c in token)
    lower = any(c.islower() for c in token)
    mixed = any(c.isupper() for c in token[1:]) and lower
    return has_alpha and has_digit and (has_symbol or mixed or (lower and len(token) >= 6))


def account_ids(text: str) -> list[Candidate]:
    low = text.lower()
    if not any(k in low for k in _ACCOUNT_KEYS):
        return []
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
    if not text.isascii():
        out += [Candidate(*m.span("v"), L.ACCOUNT_ID, 52) for m in JA_ACCOUNT_RE.finditer(text)]
    for m in WEAK_ACCOUNT_RE.finditer(text):
        value = m.group("v").rstrip("._-")
        if len(value) >= 6 if value.isdigit() else _handle_shaped(value):
            out.append(Candidate(m.start("v"), m.start("v") + len(value), L.ACCOUNT_ID, 51))
    return out


def _handle_shaped(value: str) -> bool:
    """A user-chosen name: letters with a digit, an underscore or an inner dot (moon_kenta88)."""
    inner = value.strip("._-")
    return any(c.isalpha() for c in value) and (
        any(c.isdigit() for c in value) or "_" in inner or "." in inner
    )


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


_PHONE_KEYS = (
    "phone", "mobile", "cell", "tel", "whats", "viber", "sms", "call", "text", "reach", "number",
    "電話", "携帯", "連絡先",
)  # fmt: skip
_NATID_KEYS = (
    "ssn", "social", "sin", "national", "id", "passport", "tax", "tin", "nino", "aadhaar", "pan",
    "steuer", "dni", "nie", "cpf", "number", "マイナンバー", "個人番号", "パスポート", "免許",
)  # fmt: skip


def cued_numbers(text: str) -> list[Candidate]:
    """Phone numbers and national ids in any format, when a cue word names them nearby."""
    out: list[Candidate] = []
    if _DIGITS7_RE.search(text) is None:
        return out
    low = text.lower()
    for cue_re, value_re, label, keys in (
        (PHONE_CUE_RE, NUMBERISH_RE, L.PHONE, _PHONE_KEYS),
        (NATID_CUE_RE, IDISH_RE, L.NATIONAL_ID, _NATID_KEYS),
    ):
        if not any(k in low for k in keys):
            continue
        cues = [m.end() for m in cue_re.finditer(text)]
        if not cues:
            continue
        for m in value_re.finditer(text):
            digits = sum(c.isdigit() for c in m.group())
            # a cue names the value right after it: a placeholder between them took it
            near = any(
                0 <= m.start() - end <= 25 and "<" not in text[end : m.start()] for end in cues
            )
            if near and digits >= (6 if label is L.NATIONAL_ID else 7):
                out.append(Candidate(*m.span(), label, 58))
    return out


DETECTORS = (passwords, account_ids, telegram_named, holdings.balances, cued_numbers)
