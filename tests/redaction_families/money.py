"""Families for IBAN, CREDIT_CARD and BALANCE."""

from __future__ import annotations

import random

from tests.redaction_families import encodings as enc
from tests.redaction_families.family import Family, group, pick

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ALNUM = UPPER + "0123456789"

# country -> BBAN pattern: n = digit, a = upper letter, c = upper letter or digit
BBAN = {
    "DE": "n" * 18,
    "FR": "n" * 10 + "c" * 11 + "nn",
    "ES": "n" * 20,
    "IT": "a" + "n" * 10 + "c" * 12,
    "NL": "aaaa" + "n" * 10,
    "GB": "aaaa" + "n" * 14,
    "PL": "n" * 24,
    "CH": "n" * 17,
    "BE": "n" * 12,
    "AT": "n" * 16,
    "PT": "n" * 21,
    "SA": "nn" + "c" * 18,
    "BR": "n" * 23 + "ac",
    "TR": "n" * 5 + "0" + "c" * 16,
    "NO": "n" * 11,
    "MT": "aaaa" + "n" * 5 + "c" * 18,
}
COMMON = ("DE", "FR", "ES", "IT", "NL", "GB", "PL", "CH", "BE", "AT", "PT")
EXOTIC = ("SA", "BR", "TR", "NO", "MT")


def iban(r: random.Random, countries: tuple[str, ...] = COMMON) -> str:
    """Return a mod-97-valid compact IBAN of one of the countries."""
    country = pick(r, countries)
    draw = {"n": "0123456789", "a": UPPER, "c": ALNUM}
    bban = "".join(draw[k][r.randrange(len(draw[k]))] if k in draw else k for k in BBAN[country])
    return enc.iban_complete(country, bban)


IBAN = [
    Family(
        "IBAN",
        "grouped_upper",
        lambda r: group(iban(r), 4, " "),
        ("refund to {V} please",),
        seen=True,
    ),
    Family(
        "IBAN",
        "lower_spaced",
        lambda r: group(iban(r), 4, " ").lower(),
        ("my iban is {V}", "wire it to {V} before {date}"),
    ),
    Family(
        "IBAN",
        "lower_compact",
        lambda r: iban(r).lower(),
        ("payout account {V}",),
        ("振込先は{V}です",),
    ),
    Family(
        "IBAN",
        "dashed_groups",
        lambda r: group(iban(r), 4, "-"),
        ("withdraw the EUR to {V}", "SEPA to {V} failed"),
    ),
    Family(
        "IBAN",
        "exotic_country",
        lambda r: iban(r, EXOTIC),
        ("my bank account {V} for the fiat off-ramp",),
        ("海外口座{V}に送金したい",),
    ),
    Family(
        "IBAN",
        "mixed_case_groups",
        lambda r: group(iban(r), 4, " ").capitalize(),
        ("Iban {V} (savings)",),
    ),
]


def card(r: random.Random, prefix: str, length: int) -> str:
    """Return a Luhn-valid card number with prefix and length."""
    return enc.luhn_complete(
        prefix + "".join(str(r.randrange(10)) for _ in range(length - len(prefix) - 1))
    )


def _amex(r: random.Random) -> str:
    n = card(r, pick(r, ("34", "37")), 15)
    return f"{n[:4]} {n[4:10]} {n[10:]}"


def _unionpay(r: random.Random) -> str:
    n = card(r, "62", 19)
    return pick(r, (n, f"{group(n[:16], 4, ' ')} {n[16:]}"))


def _mixed_sep(r: random.Random) -> str:
    n = card(r, "4", 16)
    return f"{n[:4]} {n[4:8]}-{n[8:12]} {n[12:]}"


CREDIT_CARD = [
    Family(
        "CREDIT_CARD",
        "visa_spaced",
        lambda r: group(card(r, "4", 16), 4, " "),
        ("card {V} declined",),
        seen=True,
    ),
    Family(
        "CREDIT_CARD",
        "dotted",
        lambda r: group(card(r, "5" + str(r.randint(1, 5)), 16), 4, "."),
        ("charge {V} for the pro plan", "my mastercard {V} expires {date}"),
    ),
    Family("CREDIT_CARD", "amex_4_6_5", _amex, ("amex {V}",), ("アメックス{V}で払いました",)),
    Family(
        "CREDIT_CARD",
        "jcb_compact",
        lambda r: card(r, "35" + str(r.randint(28, 89)), 16),
        ("JCB {V}",),
        ("カード番号{V}で決済できません",),
    ),
    Family("CREDIT_CARD", "unionpay_19", _unionpay, ("unionpay {V} got blocked",)),
    Family("CREDIT_CARD", "mixed_sep", _mixed_sep, ("the virtual card is {V}",)),
]

COINS = ("BTC", "ETH", "SOL", "XRP", "ADA", "DOGE", "AVAX", "LINK", "TON", "PEPE")
STABLE = ("USDT", "USDC", "DAI")


def _amount(r: random.Random) -> str:
    return pick(
        r,
        (
            f"{r.randint(1, 40)}.{r.randint(1, 99)}",
            f"{r.randint(100, 90000):,}",
            f"0.{r.randint(10, 999)}",
        ),
    )


def _sitting(r: random.Random) -> str:
    return f"{_amount(r)} {pick(r, COINS).lower()}"


def _bag_k(r: random.Random) -> str:
    return f"{r.randint(2, 950)}{pick(r, ('k', 'K', 'm'))} {pick(r, STABLE + COINS[:3])}"


def _fiat_k(r: random.Random) -> str:
    return pick(
        r,
        (
            f"${r.randint(2, 900)}.{r.randint(1, 9)}k",
            f"€{r.randint(2, 90)}k",
            f"{r.randint(2, 90)} grand",
            f"R$ {r.randint(2, 900)} mil",
        ),
    )


BALANCE = [
    Family(
        "BALANCE",
        "coin_have",
        lambda r: f"{_amount(r)} {pick(r, COINS)}",
        ("I have {V} on {exchange}",),
        seen=True,
    ),
    Family(
        "BALANCE",
        "sitting_on",
        _sitting,
        ("sitting on {V} since the {date} dip", "still sitting on {V}, should I sell at {price}?"),
    ),
    Family(
        "BALANCE",
        "bag_is",
        _bag_k,
        ("my bag is {V}, is {pair} a good rotation?", "bag: {V} (all in)"),
    ),
    Family(
        "BALANCE",
        "long_size",
        lambda r: f"{_amount(r)} {pick(r, COINS)}",
        ("I'm long {V} from {price} with {lev}", "short {V} on {pair} perp, entry {price}"),
    ),
    Family(
        "BALANCE",
        "stack_colon",
        lambda r: f"{_amount(r)} {pick(r, COINS)}",
        ("my stack: {V}", "stack update -> {V} after the {pct} drop"),
    ),
    Family(
        "BALANCE",
        "fiat_worth",
        _fiat_k,
        ("my account is worth about {V} now", "down to {V} after the liquidation"),
    ),
    Family(
        "BALANCE",
        "ja_hoyuu",
        lambda r: f"{_amount(r)} {pick(r, COINS)}",
        ("holding {V} long-term",),
        ("現在{V}を保有しています", "{V}ほど保有中です。{pair}は買い増すべき？"),
    ),
    Family(
        "BALANCE",
        "ja_man_yen",
        lambda r: f"{r.randint(2, 990)}万円",
        ("my yen balance is {V}",),
        ("残高は{V}です", "口座に{V}入ってます"),
    ),
    Family(
        "BALANCE",
        "ja_mai",
        lambda r: f"{r.randint(2, 80)}枚",
        (),
        ("ETHを{V}持ってます", "BTCは{V}ガチホ中"),
    ),
]
