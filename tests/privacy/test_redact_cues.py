"""Context-cue mechanisms of the redactor (issue 12, round 2): one table per mechanism, with
examples written from the mechanism's definition, and the trading talk each must leave alone."""

from __future__ import annotations

import pytest

from privacy import Label, redact

L = Label


def _removed(text: str, label: Label, secret: str) -> bool:
    result = redact(text)
    return secret not in result.text and any(
        s.label is label and text[s.start : s.end] == secret for s in result.spans
    )


# a holding: Japanese counters and ticker-first word order, coin names in any case,
# a holding noun with a connector but no "my"
HOLDINGS = [
    ("SOLを140枚持っています", "140枚"),
    ("ADAは2,500枚ガチホしてる", "2,500枚"),
    ("XRPを3000保有しています", "3000"),
    ("ビットコインを0.8枚持ってる", "0.8枚"),
    ("口座に500万円入ってる", "500万円"),
    ("i've got 2.5 eth and some dust", "2.5 eth"),
    ("still holding 12000 dogecoin from 2021", "12000 dogecoin"),
    ("bag check: 4,200 LINK", "4,200 LINK"),
    ("portfolio now -> 0.9 BTC after the dip", "0.9 BTC"),
    ("私の暗号資産は3BTCです", "3BTC"),
]
NOT_HOLDINGS = [
    "SOLは140ドルを超えた？",
    "how many eth for 2,000 usdt?",
    "if I buy 3 sol at 150, what is my risk?",
    "target 0.9 BTC per month is too much",
    # 暗号資産 is "crypto asset", not "my assets": the knowledge note on bitcoin says it
    "ビットコインは最初で最大の暗号資産で、発行上限は2,100万枚に固定されています。",
]


@pytest.mark.parametrize(("text", "secret"), HOLDINGS)
def test_holdings_are_removed(text: str, secret: str) -> None:
    assert _removed(text, L.BALANCE, secret)


@pytest.mark.parametrize("text", NOT_HOLDINGS)
def test_amounts_that_are_not_holdings_stay(text: str) -> None:
    assert redact(text).text == text


# cue families: ids named by a payment/exchange word or a bare "account"/"ID" with a connector,
# Telegram named in either order and in Japanese, passwords without a connector
CUED = [
    ("my OKX Pay ID 55512345 for the refund", L.ACCOUNT_ID, "55512345"),
    ("merchant id: shop_7781", L.ACCOUNT_ID, "shop_7781"),
    ("my account is kenta_88 on Bybit", L.ACCOUNT_ID, "kenta_88"),
    ("IDは40917733です", L.ACCOUNT_ID, "40917733"),
    ("コインチェックのIDはmoon.taro7です", L.ACCOUNT_ID, "moon.taro7"),
    ("テレグラムのユーザー名はyuki_fx21です", L.TELEGRAM_HANDLE, "yuki_fx21"),
    ("ping me at dip_buyer42 on telegram", L.TELEGRAM_HANDLE, "dip_buyer42"),
    ("find me on TG as candle7wick", L.TELEGRAM_HANDLE, "candle7wick"),
    ("recovery code KqoPzuaLmw doesn't work", L.PASSWORD, "KqoPzuaLmw"),
    ("backup code amber-lotus-violin expired", L.PASSWORD, "amber-lotus-violin"),
    ('my password is "red fox jumps" now', L.PASSWORD, "red fox jumps"),
    ("passphrase: maple rocket quiet ember", L.PASSWORD, "maple rocket quiet ember"),
]
NOT_CUED = [
    "注文IDは12345678です",
    "my order id: 12345678 is stuck",
    "my account is locked since yesterday",
    "I use telegram desktop 4.2 on windows",
    "my passphrase is too long for the app",
    "password manager TradingView or Bitwarden?",
]


@pytest.mark.parametrize(("text", "label", "secret"), CUED)
def test_cued_values_are_removed(text: str, label: Label, secret: str) -> None:
    assert _removed(text, label, secret)


@pytest.mark.parametrize("text", NOT_CUED)
def test_cue_words_without_a_value_stay(text: str) -> None:
    assert redact(text).text == text


# a street in any country's order, then the postal line after it (unit, place, region code,
# postcode of the common national shapes); the words after the address stay
ADDRESSES = [
    ("mail it to Avenida Atlântica, 2200 - apto 801, Rio de Janeiro - RJ, 22021-001 pls",
     "Avenida Atlântica, 2200 - apto 801, Rio de Janeiro - RJ, 22021-001"),
    ("new flat: 45 Rue de Rivoli, 75001 Paris, thanks", "45 Rue de Rivoli, 75001 Paris"),
    ("I live at 77 Bloor St W, Toronto, ON M5S 1M2 now", "77 Bloor St W, Toronto, ON M5S 1M2"),
    ("send the card to ul. Marszałkowska 10/12, 00-590 Warszawa today",
     "ul. Marszałkowska 10/12, 00-590 Warszawa"),
    ("Vesterbrogade 3, 1620 København is my address", "Vesterbrogade 3, 1620 København"),
    ("Piazza Navona 4, 00186 Roma RM (BTC at 60k)", "Piazza Navona 4, 00186 Roma RM"),
]  # fmt: skip
NOT_ADDRESSES = [
    "moved 5 BTC on the way to Binance",
    "RSI 14 on the 4h, EMA 200 above; 3 Green candles",
    "top 10 coins by market cap in 2024",
]


@pytest.mark.parametrize(("text", "secret"), ADDRESSES)
def test_addresses_of_other_countries_are_removed(text: str, secret: str) -> None:
    assert _removed(text, L.ADDRESS, secret)


@pytest.mark.parametrize("text", NOT_ADDRESSES)
def test_numbers_next_to_words_are_not_addresses(text: str) -> None:
    assert redact(text).text == text


# the street's name in lower case, the unit's number standing for the house number,
# romanised Japanese blocks, Chinese and Korean street numbers
MORE_ADDRESSES = [
    ("send it to 9 elm grove, Leeds LS6 2AA pls", "9 elm grove, Leeds LS6 2AA"),
    ("Flat 4, Brigade Road, Bengaluru 560025 is home", "Flat 4, Brigade Road, Bengaluru 560025"),
    ("office: 1-9-2 Marunouchi, Chiyoda-ku, Tokyo 100-0005",
     "1-9-2 Marunouchi, Chiyoda-ku, Tokyo 100-0005"),
    ("我住在南京路100号", "南京路100号"),
    ("주소는 세종대로 175 입니다", "세종대로 175"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "secret"), MORE_ADDRESSES)
def test_addresses_without_capitals_or_house_numbers_are_removed(text: str, secret: str) -> None:
    result = redact(text)
    assert secret not in result.text
    assert any(s.label is L.ADDRESS for s in result.spans)


# names: a given name from the multilingual list followed by a known surname (no cue), the
# surname-first form, form and greeting cues, katakana names before an honorific or after a cue
PEOPLE = [
    ("the transfer came from Siobhan Kowalczyk yesterday", "Siobhan Kowalczyk"),
    ("Lindqvist, Astrid is the beneficiary", "Lindqvist, Astrid"),
    ("please sign it as Dimitri Petrov", "Dimitri Petrov"),
    ("Dear Ingrid, your withdrawal is ready", "Ingrid"),
    ("name on the card: Tomasz Zielinski", "Tomasz Zielinski"),
    ("ジェシカさんから連絡がありました", "ジェシカ"),
    ("名義はトーマス・ミュラーです", "トーマス・ミュラー"),
]
NOT_PEOPLE = [
    "Long Position on BTC, Mark Price near 67k",
    "サポートさんに問い合わせた",
    "hi Team, how is the Golden Cross looking?",
]


@pytest.mark.parametrize(("text", "secret"), PEOPLE)
def test_people_are_removed(text: str, secret: str) -> None:
    assert _removed(text, L.PERSON, secret)


@pytest.mark.parametrize("text", NOT_PEOPLE)
def test_capitalised_trading_words_are_not_people(text: str) -> None:
    assert redact(text).text == text
