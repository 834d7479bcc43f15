"""Personal-value scanners of the admission gate, on canonical text (privacy.gate_canon).

Shapes trading talk is not made of:
- identifier-shaped tokens: one token holding a block of letters and a block of 3+ digits
  (tax and passport numbers, account ids), 8-20 characters, not hex, not a ticker with a date;
- a credential cue (password, passcode, PIN, unlock code, パスワード…) followed by a value that
  is not a plain word: it holds a digit or a symbol, mixes case, or joins words with dashes;
- an amount someone holds: a holding cue (hold, sitting on, my stack/bag/balance, 持って…)
  near a number with a coin or a Japanese coin counter (枚).
"""

from __future__ import annotations

import re

_ID_TOKEN = re.compile(
    r"(?<![\w.\-/])(?=[A-Za-z0-9]{8,20}(?![\w.\-/]))"
    r"(?:[A-Za-z]{2,}\d{3,}[A-Za-z0-9]*|\d{3,}[A-Za-z]{2,}[A-Za-z0-9]*|[A-Za-z]\d{6,}[A-Za-z]?)"
)
_TECH = re.compile(
    r"(?:secp|ed|sha|erc|bep|eip|bip|rfc|iso|utf|usdt|usdc|perp|btc|eth)\d", re.IGNORECASE
)
_DATED = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:[0-2]\d|3[01])$")
_HEX = re.compile(r"[0-9a-fA-F]+")
_CRED_CUE = re.compile(
    r"(?:\b(?:password|passwd|passcode|passphrase|pass|pwd|pw|pin|unlock code|access code"
    r"|backup code|2fa code|recovery code)|パスワード|暗証番号|パスコード)"
    r"[\"'`]?\s*(?:is|was|=|:|->|：|は|が)?\s*[\"'`「“(]?([^\s\"'`」”)]{3,})",
    re.IGNORECASE,
)
_HOLD_CUE = re.compile(
    r"(?:\b(?:i hold|holding|i have|i've got|i own|sitting on|my stack|my bag"
    r"|my balance|balance is|my holdings|holdings)\b|持って|保有|ガチホ)",
    re.IGNORECASE,
)
_COIN_AMOUNT = re.compile(r"\d[\d,.]*\s?(?:枚|[A-Za-z]{2,6}\b)|[$€£¥]\s?\d[\d,.]*", re.IGNORECASE)
_PLAIN_WORD = re.compile(r"[a-z]+|[A-Z][a-z]+|[A-Z]+")


def id_token(text: str) -> bool:
    """Return True for a token shaped like a tax, passport or account number."""
    for match in _ID_TOKEN.finditer(text):
        token = match.group()
        lower_hex = re.fullmatch(r"[0-9a-f]+", token) or len(token) >= 16
        if _TECH.match(token) or _DATED.search(token) or (lower_hex and _HEX.fullmatch(token)):
            continue
        return True
    return False


def credential(text: str) -> bool:
    """Return True when a credential cue is followed by a value that is not a plain word."""
    for match in _CRED_CUE.finditer(text):
        value = match.group(1).rstrip(".,;!?")
        if value and value[0] in "\x00\x01":
            continue
        if len(value) >= 3 and not _PLAIN_WORD.fullmatch(value):
            return True
    return False


def held_amount(text: str) -> bool:
    """Return True when a holding cue sits within 40 characters of an amount of a coin."""
    for match in _HOLD_CUE.finditer(text):
        window = text[max(0, match.start() - 40) : match.end() + 40]
        if _COIN_AMOUNT.search(window):
            return True
    return False
