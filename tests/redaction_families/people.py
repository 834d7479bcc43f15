"""Families for PERSON, EMAIL, PHONE, ADDRESS and TELEGRAM_HANDLE."""

from __future__ import annotations

import random

from tests.redaction_families.family import Family, alnum, digits, pick

FIRST = (
    "Mateus",
    "Agnieszka",
    "Chinedu",
    "Emre",
    "Siobhan",
    "Thiago",
    "Ingrid",
    "Dmitri",
    "Aoife",
    "Rahul",
    "Zeynep",
    "Lukas",
    "Camila",
    "Oluwaseun",
    "Bartosz",
    "Ngozi",
    "Henrik",
    "Farah",
    "Joaquín",
    "Mireille",
)
LAST = (
    "Carvalho",
    "Wójcik",
    "Okafor",
    "Yılmaz",
    "Gallagher",
    "Lindqvist",
    "Nowak",
    "Adeyemi",
    "Haddad",
    "Kowalczyk",
    "Rossetti",
    "Van der Berg",
    "Moreau",
    "Petrov",
    "Bhattacharya",
    "Esposito",
    "Fitzgerald",
    "Oyelaran",
)
JA_FAMILY = ("高橋", "渡辺", "伊藤", "山本", "中村", "小林", "加藤", "吉田", "山口", "松本")
JA_GIVEN = ("美咲", "翔太", "陽菜", "大輝", "結衣", "蓮", "さくら", "悠真", "真央", "拓海")
KATA_FAMILY = ("タカハシ", "ワタナベ", "ヤマモト", "ナカムラ", "コバヤシ")
KATA_GIVEN = ("ミサキ", "ショウタ", "ヒナ", "ダイキ", "ユイ")
DOMAINS = (
    "web.de",
    "libero.it",
    "uol.com.br",
    "orange.fr",
    "yandex.ru",
    "naver.com",
    "yahoo.co.jp",
    "outlook.com",
    "gmx.at",
    "seznam.cz",
    "posteo.de",
    "icloud.com",
)
HANDLE_WORDS = ("moon", "degen", "alpha", "sats", "wick", "pump", "whale", "chart", "hodl")


def _person_name(rng: random.Random) -> str:
    return f"{pick(rng, FIRST)} {pick(rng, LAST)}"


def _local_part(rng: random.Random) -> str:
    first, last = pick(rng, FIRST).lower(), pick(rng, LAST).split()[-1].lower()
    first = first.replace("í", "i").replace("ł", "l")
    last = last.replace("ó", "o").replace("ı", "i")
    return pick(
        rng, (f"{first}.{last}", f"{first[0]}{last}{rng.randint(1, 99)}", f"{last}_{first}")
    )


def _handle(rng: random.Random) -> str:
    base = pick(rng, HANDLE_WORDS) + pick(rng, ("_", "")) + pick(rng, FIRST).lower()[:6]
    return (base + str(rng.randint(1, 999))).replace("í", "i")


PERSON = [
    Family(
        "PERSON",
        "full_name",
        _person_name,
        ("my name is {V}, I trade {pair} on {exchange}", "sign the form as {V} please"),
        seen=True,
    ),
    Family(
        "PERSON",
        "lowercase_intl",
        lambda r: _person_name(r).lower(),
        (
            "this is {V} again, my {ticker} withdrawal is stuck since {date}",
            "transfer from my brother {V} shows pending",
        ),
    ),
    Family(
        "PERSON",
        "surname_comma",
        lambda r: f"{pick(r, LAST)}, {pick(r, FIRST)}",
        (
            "account holder: {V}. why is {pair} delisted?",
            "KYC rejected for {V} although I sent the passport",
        ),
    ),
    Family(
        "PERSON",
        "ja_kanji_space",
        lambda r: f"{pick(r, JA_FAMILY)} {pick(r, JA_GIVEN)}",
        ("my wife {V} wants to open an account too",),
        ("妻の{V}も口座を作りたいそうです", "{V}と申します。{pair}の注文について質問です"),
    ),
    Family(
        "PERSON",
        "ja_katakana",
        lambda r: f"{pick(r, KATA_FAMILY)}・{pick(r, KATA_GIVEN)}",
        ("the name on the card is {V}",),
        ("振込名義は{V}です", "名義：{V}（本人確認済み）"),
    ),
    Family(
        "PERSON",
        "signoff",
        lambda r: _person_name(r),
        ("thanks for the {ind} tip on {pair}!\n— {V}", "cheers, {V}"),
    ),
]

EMAIL = [
    Family(
        "EMAIL",
        "plain",
        lambda r: f"{_local_part(r)}@{pick(r, DOMAINS)}",
        ("my login email is {V}",),
        seen=True,
    ),
    Family(
        "EMAIL",
        "spelled_at_dot",
        lambda r: (
            f"{_local_part(r)} {pick(r, ('at', '[at]', '(at)'))} "
            f"{pick(r, ('gmail', 'protonmail', 'yahoo'))} {pick(r, ('dot', '[dot]'))} com"
        ),
        ("reach me at {V} if the {pair} bot breaks", "write to {V} about {ticker}"),
    ),
    Family(
        "EMAIL",
        "uppercase",
        lambda r: f"{_local_part(r)}@{pick(r, DOMAINS)}".upper(),
        ("SUPPORT NEVER ANSWERS {V} !!!", "account: {V}"),
    ),
    Family(
        "EMAIL",
        "mailto",
        lambda r: f"{_local_part(r)}@{pick(r, DOMAINS)}",
        ("contact link mailto:{V} in my bio", "[mail me](mailto:{V})"),
    ),
    Family(
        "EMAIL",
        "ja_fullwidth_at",
        lambda r: f"{_local_part(r)}＠{pick(r, ('docomo.ne.jp', 'ezweb.ne.jp', 'i.softbank.jp'))}",
        ("my phone mail is {V}",),
        ("連絡先は{V}です", "{V}宛にレポートを送ってください"),
    ),
]


def _br_mobile(r: random.Random) -> str:
    return f"+55 {r.randint(11, 99)} 9{digits(r, 4)}-{digits(r, 4)}"


def _fr_mobile(r: random.Random) -> str:
    pairs = " ".join(f"{r.randrange(100):02d}" for _ in range(4))
    return pick(r, (f"06 {pairs}", f"+33 7 {pairs}", f"07.{pairs.replace(' ', '.')}"))


PHONE = [
    Family(
        "PHONE",
        "us_parens",
        lambda r: f"+1 ({r.randint(201, 989)}) 555-{digits(r, 4)}",
        ("call me at {V}",),
        seen=True,
    ),
    Family(
        "PHONE",
        "br_mobile",
        _br_mobile,
        ("meu whatsapp: {V}", "ping me on whatsapp {V} when {ticker} breaks {price}"),
    ),
    Family("PHONE", "fr_pairs", _fr_mobile, ("mon numéro {V}", "text {V} if {pair} dumps")),
    Family(
        "PHONE",
        "in_mobile",
        lambda r: f"+91 9{digits(r, 4)} {digits(r, 5)}",
        ("OTP never arrives on {V}", "registered mobile {V}"),
    ),
    Family(
        "PHONE",
        "kr_mobile",
        lambda r: f"010-{digits(r, 4)}-{digits(r, 4)}",
        ("my korean number {V} for the upbit KYC",),
        ("韓国の番号は{V}です",),
    ),
    Family(
        "PHONE",
        "intl_00",
        lambda r: f"0049 1{r.randint(50, 79)} {digits(r, 4)} {digits(r, 4)}",
        ("reach me under {V} after {time}",),
    ),
    Family(
        "PHONE",
        "tel_link",
        lambda r: f"+4420{digits(r, 8)}",
        ("my signature has tel:{V}", '<a href="tel:{V}">call</a>'),
    ),
    Family(
        "PHONE",
        "ja_landline",
        lambda r: f"0{r.randint(3, 6)}-{digits(r, 4)}-{digits(r, 4)}",
        ("office {V}",),
        ("自宅の電話は{V}です", "{V}に折り返してください"),
    ),
]

_FR_STREETS = ("rue de la Paix", "avenue Jean Jaurès", "boulevard Voltaire", "rue des Lilas")
_ES_STREETS = ("Calle Mayor", "Avenida de América", "Calle de Alcalá", "Paseo de Gracia")
_IT_STREETS = ("Via Roma", "Corso Garibaldi", "Via Giuseppe Verdi", "Viale Europa")
_BR_STREETS = ("Rua das Flores", "Avenida Paulista", "Rua Augusta", "Rua XV de Novembro")
_JA_CITIES = (
    "大阪府大阪市北区梅田",
    "神奈川県横浜市中区山下町",
    "福岡県福岡市博多区博多駅前",
    "北海道札幌市中央区北一条西",
)


def _fr_address(r: random.Random) -> str:
    city = pick(r, ("75011 Paris", "69003 Lyon", "13008 Marseille", "31000 Toulouse"))
    return f"{r.randint(1, 140)} {pick(r, _FR_STREETS)}, {city}"


def _es_address(r: random.Random) -> str:
    floor = pick(r, ("3º izq.", "2º B", "1º dcha."))
    city = pick(r, ("28013 Madrid", "08007 Barcelona", "46002 Valencia"))
    return f"{pick(r, _ES_STREETS)} {r.randint(1, 200)}, {floor}, {city}"


def _it_address(r: random.Random) -> str:
    city = pick(r, ("00184 Roma RM", "20121 Milano MI", "80133 Napoli NA"))
    return f"{pick(r, _IT_STREETS)} {r.randint(1, 99)}, {city}"


def _br_address(r: random.Random) -> str:
    return (
        f"{pick(r, _BR_STREETS)}, {r.randint(10, 2000)} - apto {r.randint(11, 99)}, "
        f"São Paulo - SP, {digits(r, 5)}-{digits(r, 3)}"
    )


def _ca_address(r: random.Random) -> str:
    street = pick(r, ("King St W", "Queen St E", "Rue Sainte-Catherine O", "Granville St"))
    city = pick(r, ("Toronto, ON M5H 1K5", "Montréal, QC H3B 2G7", "Vancouver, BC V6C 1S4"))
    return f"{r.randint(10, 999)} {street}, {city}"


def _nl_address(r: random.Random) -> str:
    return (
        f"{pick(r, ('Keizersgracht', 'Damrak', 'Coolsingel'))} {r.randint(1, 400)}, "
        f"{r.randint(1000, 9999)} {alnum(r, 2, 'ABCDEFGHJKLMNPRSTVWXZ')} Amsterdam"
    )


def _ja_address(r: random.Random) -> str:
    return f"{pick(r, _JA_CITIES)}{r.randint(1, 9)}丁目{r.randint(1, 20)}番{r.randint(1, 30)}号"


ADDRESS = [
    Family("ADDRESS", "fr_street", _fr_address, ("ship the ledger to {V}",), seen=True),
    Family(
        "ADDRESS",
        "es_street",
        _es_address,
        ("mi dirección es {V}", "card delivery to {V} never arrived"),
    ),
    Family(
        "ADDRESS",
        "it_street",
        _it_address,
        ("abito in {V}", "proof of address says {V}, is that ok for KYC?"),
    ),
    Family("ADDRESS", "br_street", _br_address, ("endereço: {V}", "I moved to {V} last month")),
    Family("ADDRESS", "ca_street", _ca_address, ("my new place is {V}", "bill to {V}")),
    Family("ADDRESS", "nl_street", _nl_address, ("woonadres {V}", "send the cold wallet to {V}")),
    Family(
        "ADDRESS",
        "ja_chome",
        _ja_address,
        ("deliver to {V}",),
        ("住所は{V}です", "{V}に引っ越しました。住所変更は必要ですか"),
    ),
]

TELEGRAM_HANDLE = [
    Family(
        "TELEGRAM_HANDLE",
        "at_handle",
        lambda r: "@" + _handle(r),
        ("dm {V} for the signals",),
        seen=True,
    ),
    Family(
        "TELEGRAM_HANDLE",
        "tme_link",
        _handle,
        (
            "add me: t.me/{V}",
            "my channel https://t.me/{V} posts {pair} setups",
            "telegram.me/{V} is my tg",
        ),
    ),
    Family(
        "TELEGRAM_HANDLE", "tg_resolve", _handle, ("open tg://resolve?domain={V} on your phone",)
    ),
    Family(
        "TELEGRAM_HANDLE",
        "bare_after_cue",
        _handle,
        ("my tg is {V}, message me", "telegram username {V} (no at sign)"),
        ("テレグラムのIDは{V}です",),
    ),
    Family(
        "TELEGRAM_HANDLE",
        "mixed_case_at",
        lambda r: "@" + _handle(r).title(),
        ("ask {V} about the {ticker} airdrop",),
        ("{V}までDMください",),
    ),
]
