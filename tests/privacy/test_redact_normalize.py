"""Every label survives the usual disguises: zero-width characters inside, full-width forms,
homoglyphs, a line break inside, JSON, URL queries and quotes. Plus the canonical form's
offset map, key material without cues, and decoys that must stay."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from privacy import Label, redact
from privacy.redact.normalize import canonicalize

L = Label
ZW = "\u200b"
HEX64 = "9f3c1b7e2a4d8c6f0e1b3a5d7c9e2f4a6b8d0c1e3f5a7b9d2c4e6f8a0b1c3d5e"
# (label, sentence with {v}, value); values are made up for these tests
BASE = [
    (L.EMAIL, "write to {v} today", "mara.kov+trade@fastmail.com"),
    (L.PHONE, "ring me on {v} after six", "+44 7911 123456"),
    (L.NATIONAL_ID, "my SSN: {v}", "536-22-1907"),
    (L.IBAN, "wire it to {v} please", "GB82 WEST 1234 5698 7654 32"),
    (L.CREDIT_CARD, "my card {v} expired", "5555 5555 5555 4444"),
    (L.IP_ADDRESS, "logged in from {v} twice", "203.0.113.77"),
    (L.CRYPTO_ADDRESS, "send to {v} now", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    (L.SEED_PHRASE, "words: {v}",
     "legal winner thank year wave sausage worth useful legal winner thank yellow"),
    (L.PRIVATE_KEY, "import {v} into the app", HEX64),
    (L.API_KEY, "the bot uses {v} for orders", "sk-proj-7Hq2Lm9Xv4Rt8Kp3Wz6Ny1Bc5"),
    (L.TELEGRAM_HANDLE, "dm {v} for the group", "@mara_trades"),
    (L.PASSWORD, "my password is {v}", "Kx9#pLm2"),
    (L.BALANCE, "I hold {v} on Kraken", "4.75 BTC"),
    (L.ACCOUNT_ID, "my UID is {v}", "52839104"),
    (L.PERSON, "hello, my name is {v}", "Mara Kovacs"),
    (L.ADDRESS, "ship to {v}", "221 Elm Street, Springfield, IL 62704"),
]  # fmt: skip

_CYRILLIC = str.maketrans("aeopcxyABEKMHOPCTX", "аеорсхуАВЕКМНОРСТХ")


def _zero_width(value: str) -> str:
    return ZW.join(value[i : i + 3] for i in range(0, len(value), 3))


def _full_width(value: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in value)


def _homoglyphs(value: str) -> str:
    return value.translate(_CYRILLIC)


def _line_break(value: str) -> str:
    cut = value.find(" ", len(value) // 3)
    if cut > 0:
        return value[:cut] + "\n" + value[cut + 1 :]
    return value[: len(value) // 2] + "\n" + value[len(value) // 2 :]


TRANSFORMS: dict[str, Callable[[str], str]] = {
    "plain": lambda v: v,
    "zero_width": _zero_width,
    "full_width": _full_width,
    "homoglyphs": _homoglyphs,
    "line_break": _line_break,
}
WRAPS: dict[str, Callable[[str, str], str]] = {
    "sentence": lambda sentence, v: sentence.format(v=v),
    "json": lambda sentence, v: '{"note": "' + sentence.format(v=v) + '"}',
    "quoted": lambda sentence, v: sentence.format(v=f'"{v}"'),
}
# Values a URL query may carry, with the key name that says what they are.
URL_VALUES = [(label, value) for label, _, value in BASE if label in {
    L.EMAIL, L.IBAN, L.CRYPTO_ADDRESS, L.PRIVATE_KEY, L.API_KEY, L.IP_ADDRESS, L.CREDIT_CARD,
}]  # fmt: skip
# Disguises a label does not meet in practice (a street address typed in full-width
# homoglyphs); listed so the table stays honest about what it checks.
SKIP = {
    (L.ADDRESS, "homoglyphs"), (L.PERSON, "homoglyphs"), (L.BALANCE, "homoglyphs"),
    (L.ADDRESS, "line_break"), (L.EMAIL, "line_break"), (L.BALANCE, "line_break"),
    (L.PASSWORD, "line_break"), (L.ACCOUNT_ID, "line_break"), (L.TELEGRAM_HANDLE, "line_break"),
    (L.IP_ADDRESS, "line_break"), (L.NATIONAL_ID, "line_break"),
}  # fmt: skip
CASES = [
    pytest.param(label, sentence, value, t, w, id=f"{label.value}-{t}-{w}")
    for label, sentence, value in BASE
    for t in TRANSFORMS
    for w in WRAPS
    if (label, t) not in SKIP
]


def _leaks(original_value: str, text: str, out: str) -> list[str]:
    """Alphanumeric runs (>= 4) of the value that survive (the kit's leak rule)."""
    runs = re.findall(r"[^\W_]{4,}", canonicalize(original_value).text)
    canon_out = canonicalize(out).text.lower()
    return [r for r in runs if r.lower() in canon_out]


@pytest.mark.parametrize(("label", "sentence", "value", "transform", "wrap"), CASES)
def test_every_label_survives_every_disguise(
    label: Label, sentence: str, value: str, transform: str, wrap: str
) -> None:
    disguised = TRANSFORMS[transform](value)
    text = WRAPS[wrap](sentence, disguised)
    result = redact(text)
    assert not _leaks(value, text, result.text), result.text
    start = text.index(disguised)
    covered = [
        s for s in result.spans if s.start <= start + 1 and s.end >= start + len(disguised) - 1
    ]
    assert covered, (text, result.spans)


@pytest.mark.parametrize(("label", "value"), URL_VALUES)
def test_values_in_a_url_query_are_removed(label: Label, value: str) -> None:
    key = {"EMAIL": "email", "IBAN": "iban", "CRYPTO_ADDRESS": "address"}.get(label.value, "key")
    text = f"see https://example.com/api?{key}={value.replace(' ', '')}&lang=en ok"
    assert not _leaks(value.replace(" ", ""), text, redact(text).text)


# A form's values as a browser sends them: percent-escaped, with no key name that says what
# they are; the canonical form decodes the escapes and the query is read as text.
ESCAPED_QUERIES = [
    ("contact=mara.kov%2Btrade%40fastmail.com", L.EMAIL),
    ("q=%2B44%207911%20123456", L.PHONE),
    ("q=GB82%20WEST%201234%205698%207654%2032", L.IBAN),
    ("to=mara%EF%BC%A0fastmail.com", L.EMAIL),  # a full-width at sign
    ("m=" + "%0A".join(["abandon"] * 11 + ["about"]), L.SEED_PHRASE),  # one word a line
]


@pytest.mark.parametrize(("query", "label"), ESCAPED_QUERIES)
def test_percent_escaped_query_values_are_removed(query: str, label: Label) -> None:
    text = f"opened https://my.example.org/cb?{query}&lang=en and got a 500"
    result = redact(text)
    assert label in {s.label for s in result.spans}, result.text
    assert result.text.startswith("opened https://my.example.org/cb?"), result.text
    assert result.text.endswith("&lang=en and got a 500"), result.text


def test_canonical_offsets_cover_percent_escapes() -> None:
    text = "to=W%C3%B3jcik%20x%40y.io%ZZ%0"
    canon = canonicalize(text)
    assert canon.text == "to=Wojcik x@y.io%ZZ%0"
    at = canon.text.index("o", 4)
    assert text[slice(*canon.to_original(at, at + 1))] == "%C3%B3"
    start, end = canon.to_original(canon.text.index("x@"), canon.text.index("%Z"))
    assert text[start:end] == "x%40y.io"


# A line break that cuts a token in two (a narrow screen copied): the pieces read as one.
CUT_BY_A_BREAK = [
    ("mail me at mara.k\nov@fastmail.com", L.EMAIL, "mara.k\nov@fastmail.com"),
    ("whitelist 203.0.1\n13.77 only", L.IP_ADDRESS, "203.0.1\n13.77"),
    ("my telegram: mara_f\nx9 thanks", L.TELEGRAM_HANDLE, "mara_f\nx9"),
    ("card 5555 5555 55\n55 4444 expired", L.CREDIT_CARD, "5555 5555 55\n55 4444"),
]


@pytest.mark.parametrize(("text", "label", "value"), CUT_BY_A_BREAK)
def test_a_token_cut_by_a_line_break_is_removed_whole(text: str, label: Label, value: str) -> None:
    spans = redact(text).spans
    start = text.index(value)
    assert [(s.start, s.end, s.label) for s in spans] == [(start, start + len(value), label)]


def test_canonical_offsets_cover_zero_width_characters() -> None:
    text = f"card 4111{ZW}1111\u200d1111\u20601111 ok"
    canon = canonicalize(text)
    assert canon.text == "card 4111111111111111 ok"
    start, end = canon.to_original(5, 21)
    assert text[start:end] == f"4111{ZW}1111\u200d1111\u20601111"


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("ｃａｒｄ　４１１１", "card 4111"),  # full-width and the ideographic space
        ("раssword", "password"),  # Cyrillic er and a
        ("٤١١١", "4111"),  # Arabic-Indic digits
        ("Jos\u0065\u0301", "Jose"),  # a combining accent
        ("ｶﾞｲﾄﾞ", "ガイド"),  # half-width kana with voicing marks
        ("東京都渋谷区", "東京都渋谷区"),  # kanji are never folded
        ("ﬁle", "file"),
    ],
)
def test_canonical_form(raw: str, canonical: str) -> None:
    assert canonicalize(raw).text == canonical


KEY_MATERIAL = [
    ("key " + " ".join(HEX64[i : i + 4] for i in range(0, 64, 4)), L.PRIVATE_KEY),
    ("-".join(HEX64[i : i + 8] for i in range(0, 64, 8)), L.PRIVATE_KEY),
    (HEX64[:30] + "\n" + HEX64[30:], L.PRIVATE_KEY),
    ("5HueCGU8rMjxEXxiPuD5BDku4\nMkFqeZyd4dZ1jvhTVqvbTLvyTJ", L.PRIVATE_KEY),
    ("[" + ", ".join(str((i * 73 + 11) % 256) for i in range(64)) + "]", L.PRIVATE_KEY),
    ('{"crypto": {"ciphertext": "' + HEX64 + '", "kdf": "scrypt"}}', L.PRIVATE_KEY),
    ('{"privateKey": "' + HEX64 + '"}', L.PRIVATE_KEY),
    ("BYBIT_API_SECRET=Zq8Lw2Xc7Vb4Nm1Kj6Hg", L.API_KEY),
    ("backup words " + "/".join(["abandon"] * 11 + ["about"]) + " ok?", L.SEED_PHRASE),
    ("seed: aban don " + " ".join(["abandon"] * 10) + " about", L.SEED_PHRASE),
    (" ".join(["ABANDON"] * 11 + ["ABOUT"]), L.SEED_PHRASE),
    ("\n".join(f"{i}. abandon" for i in range(1, 12)) + "\n12. about", L.SEED_PHRASE),
    ("\u3000".join(["あいこくしん"] * 11 + ["あおぞら"]), L.SEED_PHRASE),
    ("ábaco " * 11 + "abierto", L.SEED_PHRASE),
    ("billing uses sk_|liv|e_a|1B2|c3D|4e5|F6g|7H8|i9J", L.API_KEY),  # a key's own `_` inside
    ("token xox.b-1.234.567.890.1-a.Bc2.De3.Fg4", L.API_KEY),
    ("hf_a B1c2 D3e4 F5g6 H7i8 J9k0 L1m2 N3o4", L.API_KEY),
    ("card 5555-.555-5.55-55.4-444", L.CREDIT_CARD),  # separators mixed
    ("card 411_111_111_111_111_1", L.CREDIT_CARD),
    ("backup words " + "|".join(["aban", "don"] * 11 + ["about"]), L.SEED_PHRASE),
    ('{"pass": "Kx9#pLm2", "ts": 4}', L.PASSWORD),  # short credential field names
    ('{"pw": "moonlambo"}', L.PASSWORD),
    ("my tg is `mara_fx9`, message me", L.TELEGRAM_HANDLE),  # a cue, then a quoted value
    ("ETHを`25枚`持ってます", L.BALANCE),
    ("ETHを「3枚」持ってます", L.BALANCE),  # Japanese quotes, no space around them
    ("sign the form as Mara•Kovacs please", L.PERSON),  # words joined by a separator
    ("ship to 221/Elm/Street,/Springfield,/IL/62704", L.ADDRESS),
    ("I hold 4.75.btc on Kraken", L.BALANCE),
    ("sign the form as MARia KoVACSova please", L.PERSON),
    ("my UID is 528|391|04", L.ACCOUNT_ID),  # bars inside a value
    ("numéro de sécu 1-84-12-76-451-089-46", L.NATIONAL_ID),  # a separator stdnum keeps
    ("my telegram: mar•a_f•x9", L.TELEGRAM_HANDLE),
    ("reach me at mara_kov•(at)•fastmail•dot•com", L.EMAIL),  # spelled, separators for spaces
    ("reach me at mara.kov.[at].fastmail.dot.com", L.EMAIL),  # letters' case flipped at random
    ("iban: de89 3704 0044 0532 0130 00", L.IBAN),
    ("DE89/3704/0044/0532/0130/00", L.IBAN),
    ("card 4111•1111•1111•1111", L.CREDIT_CARD),
    ("card 41 1111 1111 111 111", L.CREDIT_CARD),
    ("join t.me/mara_trades", L.TELEGRAM_HANDLE),
    ("my telegram: mara_fx9", L.TELEGRAM_HANDLE),
    ("DNI 12345678Z", L.NATIONAL_ID),
    ("身分証 11010519491231002X", L.NATIONAL_ID),
    ("there is 2.5 ETH in my ledger", L.BALANCE),
    ("ビットコインを0.5BTC持っています", L.BALANCE),
    ("password for binance is now Moon2024x", L.PASSWORD),
    ("Tr0ub4dor&3 is my password", L.PASSWORD),
    ("referral code: KX92JD7", L.ACCOUNT_ID),
    ("ship to Keizersgracht 123, 1015 CJ Amsterdam", L.ADDRESS),
    ("call 0044 20 7946 0958", L.PHONE),
]


@pytest.mark.parametrize(("text", "label"), KEY_MATERIAL)
def test_shapes_without_the_usual_cues(text: str, label: Label) -> None:
    assert label in {s.label for s in redact(text).spans}, redact(text).text


DECOYS = [
    "order id 3f2a9c1e-8b4d-4f6a-9c2e-1a2b3c4d5e6f shipped",
    "selector 0xa9059cbb, calldata 0x" + "00" * 36,
    "the Transfer topic is 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
    "podcast on 2024-06-13 about BTC/USDT 4h",
    "on 01/08/2024 at 12:30 BTC was $67,250.5",
    "see https://etherscan.io/block/19000000 and t.me/binance",
    "is it safe to keep my seed phrase in a password manager?",
    "RSI 14 EMA 200 MACD 12 26 9 on the 1h",
    "/alert ETH 2,864\nhow long should a strong password be?",  # a line ends, no token cut
    "bought at 54.1\nsold at 55.2\n65000\n65100",
    "pairs BTC/ETH/SOL/XRP/ADA and dates 2024.06.13.2024.07.01",
    "levels 65000-65100-65200-65300 then 1.5/2.5/3.5/4.5",
    "is Sam Bankman-Fried still bullish? Coinbase/Binance/Kraken all list ETH-PERP",
    "dYdX and MakerDAO PnL via setWebhook on TradingView, iPhone app, stETH and wBTC",
    "bypass: enabled_for_all, compass=northwest, 'don't' and `BTC/USDT` on the 4h",
]


@pytest.mark.parametrize("text", DECOYS)
def test_decoys_stay(text: str) -> None:
    assert redact(text).text == text
