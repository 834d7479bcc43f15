"""Identifiers beyond the common shapes: Telegram links and named handles, and government
ids of other countries validated by `python-stdnum` (a maintained library of check digits)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import cache
from importlib import import_module

from privacy.redact.candidates import Candidate
from privacy.redact.labels import Label

L = Label

TME_RE = re.compile(
    r"(?i)(?<![\w.])(?:https?://)?(?:www\.)?(?:t|telegram)\.(?:me|dog)/(?:joinchat/|\+)?"
    r"(?P<h>@?[A-Za-z][A-Za-z0-9_]{3,31})(?![A-Za-z0-9_])"
)
TG_URI_RE = re.compile(r"(?i)tg://resolve\?domain=(?P<h>[A-Za-z][A-Za-z0-9_]{3,31})")
NAMED_HANDLE_RE = re.compile(
    r"(?i)(?:telegram|tg|テレグラム|テレグラ)(?:\s+(?:handle|username|user\s*name|id|account|is|me|at))*"
    r"\s*(?:[:=：]|は|\bis\b)?\s*(?P<h>@?[A-Za-z][A-Za-z0-9_]{4,31})(?![A-Za-z0-9_@.])"
)
PUBLIC_CHANNEL_RE = re.compile(
    r"(?i)(?:binance|coinbase|bybit|okx|kraken|kucoin|bitget|tradingview|coingecko|coinmarketcap"
    r"|ethereum|solana|bitcoin|telegram|durov|tether|ton|uniswap|chainlink|cointelegraph|coindesk"
    r"|whale_alert|wublockchain|notcoin|hamster|trustwallet|metamask|ledger)"
)
SPACED_AT_RE = re.compile(r"(?<![\w@.])@\s+(?P<h>[A-Za-z][A-Za-z0-9_]{4,31})(?![\w@])")
_NOT_HANDLES = frozenset(
    {"channel", "group", "groups", "chat", "bot", "bots", "app", "account", "handle", "username",
     "premium", "wallet", "desktop", "web", "stars", "support", "please", "message", "official"}
)  # fmt: skip


def telegram_handles(text: str) -> list[Candidate]:
    """t.me/handle links (kept whole, also inside URLs), and handles named as Telegram's."""
    low = text.lower()
    out = []
    if "t.me" in low or "telegram.me" in low or "tg://" in low or "telegram.dog" in low:
        for m in (*TME_RE.finditer(text), *TG_URI_RE.finditer(text)):
            if not PUBLIC_CHANNEL_RE.match(m.group("h").lstrip("@")):
                out.append(Candidate(*m.span("h"), L.TELEGRAM_HANDLE, 41, True))
    if "tg" in low or "telegram" in low or "テレグラ" in text:
        for m in NAMED_HANDLE_RE.finditer(text):
            handle = m.group("h").lstrip("@")
            if handle.lower() not in _NOT_HANDLES and (
                m.group("h")[0] == "@" or "_" in handle or any(c.isdigit() for c in handle)
            ):
                out.append(Candidate(*m.span("h"), L.TELEGRAM_HANDLE, 39))
    if "@ " in text:
        for m in SPACED_AT_RE.finditer(text):
            out.append(Candidate(m.start(), m.end("h"), L.TELEGRAM_HANDLE, 39))
    return out


ID_TOKEN_RE = re.compile(
    r"(?<![0-9A-Za-z])(?=[0-9A-Z]{0,6}\d)[0-9A-Z](?:[ .\-/]?[0-9A-Za-z]){7,19}(?![0-9A-Za-z])"
)
KR_RRN_RE = re.compile(r"(?<!\d)\d{6}-[1-8]\d{6}(?!\d)")
SSN_LOOSE_RE = re.compile(r"(?<![\d.,/-])(?!000|666|9\d\d)\d{3} (?!00)\d{2} (?!0000)\d{4}(?![\d])")
SSN_CUE_RE = re.compile(r"(?i)ssn|social\s+security|社会保障")
SIN_CUE_RE = re.compile(r"(?i)\bsin\b|social\s+insurance|\bnas\b")
CPF_RE = re.compile(
    r"(?<![\d.])\d{3}\.\d{3}\.\d{3}-\d{2}(?![\d.])|(?i:cpf)\D{0,6}(?P<v>\d{11})(?!\d)"
)
_SEPARATORS = str.maketrans("", "", " .-/")
_BY_LENGTH = {9: ("es.dni", "es.nie"), 16: ("it.codicefiscale",), 18: ("cn.ric",)}


@cache
def _validator(name: str) -> Callable[[str], bool]:
    """Return stdnum's `is_valid` for a module such as "es.dni" (imported on first use)."""
    return import_module(f"stdnum.{name}").is_valid  # type: ignore[no-any-return]


def national_ids(text: str) -> list[Candidate]:
    """Other countries' ids whose check digits validate (ES DNI/NIE, BR CPF, IT codice fiscale,
    CN resident id, KR RRN, CA SIN with a cue), and spaced US SSNs after an SSN cue."""
    if _ANY_DIGIT.search(text) is None:
        return []  # every id here, named or not, holds digits (the validators read ASCII ones)
    out = []
    for m in ID_TOKEN_RE.finditer(text):
        compact = m.group().translate(_SEPARATORS).upper()
        if len(compact) in _BY_LENGTH and any(
            _safe(_validator(n), compact) for n in _BY_LENGTH.get(len(compact), ())
        ):
            out.append(Candidate(*m.span(), L.NATIONAL_ID, 71, True))
    if "-" in text:
        for m in KR_RRN_RE.finditer(text):
            if _safe(_validator("kr.rrn"), m.group()):
                out.append(Candidate(*m.span(), L.NATIONAL_ID, 71, True))
    low = text.lower()
    if ("ssn" in low or "social" in low or "社会保障" in text) and SSN_CUE_RE.search(text):
        out += [Candidate(*m.span(), L.NATIONAL_ID, 72, True) for m in SSN_LOOSE_RE.finditer(text)]
    for m in CPF_RE.finditer(text) if ("cpf" in low or ("." in text and "-" in text)) else ():
        group = "v" if m.group("v") else 0
        if _safe(_validator("br.cpf"), m.group(group)):
            out.append(Candidate(*m.span(group), L.NATIONAL_ID, 71, True))
    if ("sin" in low or "social" in low or "nas" in low) and SIN_CUE_RE.search(text):
        out += [
            Candidate(*m.span(), L.NATIONAL_ID, 71)
            for m in ID_TOKEN_RE.finditer(text)
            if _safe(_validator("ca.sin"), m.group())
        ]
    if "." in text or " " in text or len(text) >= 13:
        out += [
            Candidate(*m.span(), L.NATIONAL_ID, 71, True)
            for m in FR_NIR_RE.finditer(text)
            if _safe(_validator("fr.nir"), m.group())
        ]
    return out + named_ids(text)


# A national id named by its own name, validated by that id's check digits or format
# (python-stdnum). Keys are the cue (the id's name in its country's language, its acronym
# and the English name), values the stdnum modules that validate it.
_NAMED_IDS = {
    r"bsn|burgerservicenummer|sofi-?nummer": ("nl.bsn",),
    r"pan(?:\s+(?:card|no\.?|number))?|permanent\s+account\s+number": ("in_.pan",),
    r"nir|insee|s[ée]cu(?:rit[ée]\s+sociale)?|carte\s+vitale": ("fr.nir",),
    r"pesel": ("pl.pesel",),
    r"personnummer|person\s*nr": ("se.personnummer", "no.fodselsnummer", "dk.cpr"),
    r"cpr(?:-?nummer)?": ("dk.cpr",),
    r"f[øo]dselsnummer": ("no.fodselsnummer",),
    r"hetu|henkil[öo]tunnus": ("fi.hetu",),
    r"rijksregisternummer|num[ée]ro\s+national|insz|nn": ("be.nn",),
    r"ahv|avs": ("ch.ssn",),
    r"t\.?c\.?\s*kimlik(?:\s+no)?|tckn|kimlik\s+no": ("tr.tckimlik",),
    r"curp": ("mx.curp",),
    r"rut|run": ("cl.rut",),
    r"cnp": ("ro.cnp",),
    r"egn|егн": ("bg.egn",),
    r"rodn[ée]\s+[čc][íi]slo": ("cz.rc",),
    r"isikukood": ("ee.ik",),
    r"asmens\s+kodas": ("lt.asmens",),
    r"steuer-?id|steuer-?identifikationsnummer|idnr": ("de.idnr",),
    r"amka": ("gr.amka",),
    r"nric|mykad|ic\s+no\.?": ("my.nric",),
    r"oib": ("hr.oib",),
    r"kennitala": ("is_.kennitala",),
    r"teudat\s+zehut|israeli\s+id": ("il.idnr",),
    r"cart[ãa]o\s+de\s+cidad[ãa]o|cc": ("pt.cc",),
    r"aadhaar|aadhar|uidai": ("in_.aadhaar",),
    r"nhs(?:\s+(?:no\.?|number))?": ("gb.nhs",),
}
_NAMED_MODULES = tuple(_NAMED_IDS.values())
_NAMED_CUES = "|".join(f"(?P<n{i}>{cue})" for i, cue in enumerate(_NAMED_IDS))
NAMED_ID_RE = re.compile(rf"(?i)(?<![A-Za-z])(?:{_NAMED_CUES})(?![A-Za-z])")
# the same on lower-cased text, starting only where a cue can start (five times faster); the
# letters are read off the cues, each alternative of which opens with a literal letter
_CUE_FIRSTS = "".join(sorted({alt[0] for cue in _NAMED_IDS for alt in cue.split("|")}))
_NAMED_ID_LOWER_RE = re.compile(rf"(?<![a-z])(?=[{_CUE_FIRSTS}])(?:{_NAMED_CUES})(?![a-z])")
FR_NIR_RE = re.compile(
    r"(?<![\d.])[12][ .]?\d{2}[ .]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .]?(?:\d{2}|2[ABab])[ .]?\d{3}"
    r"[ .]?\d{3}[ .]?\d{2}(?![\d]|[.,]\d)"
)


def named_ids(text: str) -> list[Candidate]:
    """Ids that follow their own name (`BSN 1112…`, `PAN card ABCPE…`, `PESEL: …`) within a
    few words, when that id's validator accepts the value (longest run of groups that does)."""
    out = []
    low = text.lower()
    cues = _NAMED_ID_LOWER_RE.finditer(low) if len(low) == len(text) else NAMED_ID_RE.finditer(text)
    for m in cues:
        modules = _NAMED_MODULES[int((m.lastgroup or "n0")[1:])]
        window = text[m.end() : m.end() + 48].split("<", 1)[0]  # a placeholder took its value
        found = _first_valid(window, modules) if _ANY_DIGIT.search(window) else None
        if found:
            out.append(Candidate(m.end() + found[0], m.end() + found[1], L.NATIONAL_ID, 71, True))
    return out


_GROUP_RE = re.compile(r"[0-9A-Za-z]+")
_ANY_DIGIT = re.compile(r"\d")


def _first_valid(window: str, modules: tuple[str, ...]) -> tuple[int, int] | None:
    """Return the first stretch of whole groups (joined by single separators) that one of
    the validators accepts, the longest at its start; None when there is none."""
    groups = [g.span() for g in _GROUP_RE.finditer(window)][:8]
    for i, (start, _) in enumerate(groups):
        chain = [groups[i]]
        for prev, nxt in itertools.pairwise(groups[i:]):
            if nxt[0] - prev[1] != 1 or window[prev[1]] not in " .-/":
                break
            chain.append(nxt)
        for _, end in reversed(chain):
            value = window[start:end]
            if any(c.isdigit() for c in value) and _any_valid(modules, value):
                return start, end
    return None


def _safe(valid: Callable[[str], bool], value: str) -> bool:
    try:
        return bool(valid(value))
    except ValueError:
        return False
    except LookupError:
        # stdnum looks the place code up only after the length, check digit and birth date
        # passed (cn.ric); a gap in its place table is no evidence that this is not an id.
        return True


def _any_valid(modules: tuple[str, ...], value: str) -> bool:
    # validators strip their own country's separators only (fr.nir: spaces and dots), a
    # value is typed with any of them
    compact = value.translate(_SEPARATORS)
    return any(_safe(_validator(n), value) or _safe(_validator(n), compact) for n in modules)
