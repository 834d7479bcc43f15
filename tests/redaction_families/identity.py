"""Families for NATIONAL_ID, IP_ADDRESS, PASSWORD and ACCOUNT_ID."""

from __future__ import annotations

import random

from tests.redaction_families import encodings as enc
from tests.redaction_families.family import Family, alnum, digits, pick

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"


def _ssn(r: random.Random) -> str:
    return f"{r.randint(101, 665)}-{r.randint(10, 99)}-{r.randint(1000, 9999)}"


def _cpf(r: random.Random) -> str:
    d = enc.cpf_digits(digits(r, 9))
    return pick(r, (f"{d[:3]}.{d[3:6]}.{d[6:9]}-{d[9:]}", d))


def _sin(r: random.Random) -> str:
    d = enc.luhn_complete(str(r.randint(1, 7)) + digits(r, 7))
    return pick(r, (f"{d[:3]} {d[3:6]} {d[6:]}", f"{d[:3]}-{d[3:6]}-{d[6:]}"))


def _rrn(r: random.Random) -> str:
    birth = f"{r.randint(60, 99)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}"
    d = enc.rrn_complete(birth + str(r.randint(1, 2)) + digits(r, 5))
    return f"{d[:6]}-{d[6:]}"


def _pan(r: random.Random) -> str:
    return alnum(r, 3, UPPER) + "P" + alnum(r, 1, UPPER) + digits(r, 4) + alnum(r, 1, UPPER)


def _dni(r: random.Random) -> str:
    number = r.randint(10_000_000, 99_999_999)
    return pick(r, (f"{number}{enc.dni_letter(number)}", f"{number}-{enc.dni_letter(number)}"))


def _nir(r: random.Random) -> str:
    body = f"{r.randint(1, 2)}{r.randint(60, 99)}{r.randint(1, 12):02d}{r.randint(1, 95):02d}"
    body += f"{r.randint(1, 999):03d}{r.randint(1, 999):03d}"
    key = enc.nir_key(body)
    return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:]} {key}"


def _cn_id(r: random.Random) -> str:
    first = f"{r.randint(110000, 650000)}{r.randint(1960, 2004)}{r.randint(1, 12):02d}"
    first += f"{r.randint(1, 28):02d}{digits(r, 3)}"
    return first + enc.cn_id_check(first)


def _bsn(r: random.Random) -> str:
    while True:
        d = digits(r, 9)
        if enc.bsn_valid(d):
            return d


NATIONAL_ID = [
    Family("NATIONAL_ID", "us_ssn", _ssn, ("my SSN is {V}",), seen=True),
    Family("NATIONAL_ID", "br_cpf", _cpf, ("meu CPF {V} foi recusado no KYC", "CPF: {V}")),
    Family("NATIONAL_ID", "ca_sin", _sin, ("they want my SIN {V} for the tax form",)),
    Family(
        "NATIONAL_ID",
        "kr_rrn",
        _rrn,
        ("resident registration number {V}",),
        ("住民登録番号は{V}です",),
    ),
    Family("NATIONAL_ID", "in_pan", _pan, ("PAN card {V} for the TDS", "my PAN is {V}")),
    Family("NATIONAL_ID", "es_dni", _dni, ("DNI {V}, titular de la cuenta",)),
    Family("NATIONAL_ID", "fr_nir", _nir, ("numéro de sécu {V}",)),
    Family(
        "NATIONAL_ID",
        "cn_resident",
        _cn_id,
        ("ID card {V} verification failed",),
        ("身份证号码{V}で認証できません",),
    ),
    Family("NATIONAL_ID", "nl_bsn", _bsn, ("BSN {V}",)),
]


def _ipv6(r: random.Random) -> str:
    head = pick(r, ("2a02", "2001", "2600", "2406"))
    groups = [f"{r.randrange(1, 0x10000):x}" for _ in range(3)]
    return f"{head}:{':'.join(groups)}::{r.randrange(1, 0x10000):x}"


def _ipv4(r: random.Random) -> str:
    return f"{r.randint(11, 223)}.{r.randrange(256)}.{r.randrange(256)}.{r.randint(1, 254)}"


IP_ADDRESS = [
    Family("IP_ADDRESS", "ipv4", _ipv4, ("login from {V} was not me",), seen=True),
    Family(
        "IP_ADDRESS",
        "ipv4_port",
        _ipv4,
        ("my node runs on {V}:8545", "rpc at {V}:30303 is down since {time}"),
    ),
    Family(
        "IP_ADDRESS",
        "ipv6_compressed",
        _ipv6,
        ("whitelist {V} for the API key",),
        ("ホワイトリストに{V}を追加しました",),
    ),
    Family(
        "IP_ADDRESS",
        "ipv4_in_url",
        _ipv4,
        ("dashboard http://{V}:3000/d/pnl shows {pct}", "curl https://{V}/health"),
    ),
    Family("IP_ADDRESS", "ipv4_cidr", _ipv4, ("restrict the key to {V}/32",)),
]

_PW_CHARS = LOWER + UPPER + "0123456789" + "!#$%&*+-=?@^_~"


def _password(r: random.Random) -> str:
    style = r.randrange(3)
    if style == 0:
        return alnum(r, r.randint(9, 14), _PW_CHARS)
    if style == 1:
        return (
            pick(r, ("moon", "Lambo", "sats", "tiger", "Kyoto"))
            + str(r.randint(10, 9999))
            + pick(r, ("!", "#", "$$", "?"))
        )
    return "-".join(pick(r, ("correct", "battery", "staple", "river", "copper")) for _ in range(3))


PASSWORD = [
    Family("PASSWORD", "after_password", _password, ("my password is {V}",), seen=True),
    Family("PASSWORD", "pw_colon", _password, ("pw: {V}", "pwd={V}&remember=1")),
    Family(
        "PASSWORD",
        "passcode",
        _password,
        ("the passcode for the app is {V}", "unlock code {V} stopped working"),
    ),
    Family(
        "PASSWORD",
        "creds_slash",
        _password,
        ("creds are my email / {V}", "login + pass -> same email / {V}"),
    ),
    Family(
        "PASSWORD",
        "vault_pass",
        _password,
        ("my metamask vault pass {V}", "keystore decrypt phrase = {V}"),
    ),
    Family(
        "PASSWORD",
        "pin_digits",
        lambda r: digits(r, r.choice((4, 6))),
        ("card PIN {V}", "the 2FA backup PIN is {V}"),
        ("暗証番号は{V}です",),
    ),
    Family(
        "PASSWORD",
        "ja_cue",
        _password,
        ("the secret word is {V}",),
        ("パスワードは{V}です", "ログインパスは「{V}」にしてます"),
    ),
]


def _username(r: random.Random) -> str:
    return (
        pick(r, ("kenta", "lucia", "wolf", "anon", "sato"))
        + pick(r, ("_", ".", ""))
        + pick(r, ("trades", "fx", "moon", "capital"))
        + str(r.randint(1, 99))
    )


ACCOUNT_ID = [
    Family("ACCOUNT_ID", "uid", lambda r: digits(r, 8), ("my UID is {V}",), seen=True),
    Family(
        "ACCOUNT_ID",
        "uid_colon_long",
        lambda r: digits(r, 16),
        ("UID:{V} withdrawal frozen", "OKX uid#{V}"),
        ("UIDは{V}です",),
    ),
    Family("ACCOUNT_ID", "login_is", _username, ("login: {V}", "I sign in as {V} on the web app")),
    Family(
        "ACCOUNT_ID",
        "pay_id",
        lambda r: digits(r, 9),
        ("send it to my Binance Pay ID {V}", "pay id {V}"),
    ),
    Family(
        "ACCOUNT_ID",
        "sub_account",
        lambda r: f"sub_{alnum(r, 6, LOWER + '0123456789')}",
        ("sub-account {V} has the bot running",),
    ),
    Family(
        "ACCOUNT_ID",
        "member_code",
        lambda r: alnum(r, 3, UPPER) + digits(r, 5),
        ("member ID {V}",),
        ("会員番号{V}でログインできません",),
    ),
]
