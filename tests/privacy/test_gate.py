"""The admission gate: every secret shape it must stop (plain and obfuscated), and the
trading talk and placeholder text it must keep."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from privacy.gate import INVISIBLE, Admission, admit, canonical
from privacy.gate import GateReason as R
from privacy.gate_words import lexicon, seed_run
from privacy.redact import redact

ZW = "\u200b"
HEX64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
SEED_EN = "abandon ability able about above absent absorb abstract absurd abuse access accident"


def _chunks(text: str, size: int) -> list[str]:
    """Cut text into pieces of size characters, whatever the word boundaries."""
    return [text[i : i + size] for i in range(0, len(text), size)]


SECRET = [
    (R.DIGIT_RUN, "card 4111 1111 1111 1111 ok"),
    (R.DIGIT_RUN, "4111-1111-1111-1111"),
    (R.DIGIT_RUN, "4111.1111.1111.1111"),
    (R.DIGIT_RUN, "pay with 4111111111111111 pls"),
    (R.DIGIT_RUN, ZW.join(["4111", "1111", "1111", "1111"])),
    (R.DIGIT_RUN, "４１１１ １１１１ １１１１ １１１１"),
    (R.DIGIT_RUN, "4111 1111\n1111 1111"),
    (R.DIGIT_RUN, "4111/1111/1111/1111"),
    (R.DIGIT_RUN, "4111_1111_1111_1111"),
    (R.DIGIT_RUN, "4111 | 1111 | 1111 | 1111"),
    (R.DIGIT_RUN, "٤١١١ ١١١١ ١١١١ ١١١١"),
    (R.DIGIT_RUN, "iban de89 3704 0044 0532 0130 00 thanks"),
    (R.DIGIT_RUN, "DE89370400440532013000"),
    (R.DIGIT_RUN, "ssn 123-45-6789"),
    (R.DIGIT_RUN, "my number 1234 5678 9012"),
    (R.DIGIT_RUN, "UID 38291047"),
    (R.DIGIT_RUN, "uid: 3829104712"),
    (R.DIGIT_RUN, "server 85.214.132.117 down"),
    (R.DIGIT_RUN, "call 090-1234-5678"),
    (R.DIGIT_RUN, "call 07700 900123"),
    (R.DIGIT_RUN, "call (415) 555-0132"),
    (R.DIGIT_RUN, "order key 5266015048046055490"),
    (R.PHONE, "call +1 (415) 555-0132"),
    (R.PHONE, "+44 20 7946 0958"),
    (R.PHONE, "+81 90-1234-5678"),
    (R.PHONE, "+49 151 23456789"),
    (R.PHONE, "＋８１ ９０ １２３４ ５６７８"),
    (R.EMAIL, "bob@mail.org"),
    (R.EMAIL, "write bob (at) mail (dot) org"),
    (R.EMAIL, "bob[at]mail[dot]org"),
    (R.EMAIL, "bob.smith at gmail dot com"),
    (R.EMAIL, "ｂｏｂ＠ｍａｉｌ．ｏｒｇ"),
    (R.EMAIL, f"bob@{ZW}mail.org"),
    (R.EMAIL, "first.last+binance@proton.me"),
    (R.KEY_ENCODING, HEX64),
    (R.KEY_ENCODING, "0x" + HEX64),
    (R.KEY_ENCODING, HEX64.upper()),
    (R.KEY_ENCODING, " ".join(HEX64[i : i + 4] for i in range(0, 64, 4))),
    (R.KEY_ENCODING, "-".join(HEX64[i : i + 8] for i in range(0, 64, 8))),
    (R.KEY_ENCODING, ":".join(HEX64[i : i + 2] for i in range(0, 64, 2))),
    (R.KEY_ENCODING, HEX64[:32] + "\n" + HEX64[32:]),
    (R.KEY_ENCODING, ZW.join(HEX64[i : i + 4] for i in range(0, 64, 4))),
    (R.KEY_ENCODING, "".join(chr(ord(c) + 0xFEE0) for c in HEX64)),
    (R.KEY_ENCODING, "wif 5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"),
    (R.KEY_ENCODING, "5HueC GU8rM jxEXx iPuD5 BDku4 MkFqe Zyd4d Z1jvh TVqvb TLvyT J"),
    (R.KEY_ENCODING, "secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    (R.KEY_ENCODING, "0x52908400098527886E0F7030069857D2E4169EE7"),
    (R.KEY_ENCODING, "sol 4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T"),
    (
        R.KEY_ENCODING,
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    ),
    (R.KEY_ENCODING, "ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ"),
    (R.HIGH_ENTROPY, "api key sk-live-4f9a8b7c6d5e4f3a2b1c"),
    (R.HIGH_ENTROPY, "bybit key 8ZsBd1Yq0h5QhH1kWX"),
    (R.HIGH_ENTROPY, "AKIA2E0A8F3B244C9986"),
    (R.HIGH_ENTROPY, "pw is Xk9#mQ2$vL7@pR4!zT"),
    (R.KEY_ENCODING, "7000000001:AAHk3j4l5m6n7o8p9q0rStUvWxYzAbCdEfG"),
    (R.BYTE_ARRAY, "[" + ", ".join(str((i * 37) % 256) for i in range(32)) + "]"),
    (R.BYTE_ARRAY, " ".join(str((i * 91) % 256) for i in range(64))),
    (R.BYTE_ARRAY, "{" + ",".join(f"0x{(i * 29) % 256:02x}" for i in range(32)) + "}"),
    (R.BYTE_ARRAY, "key = [" + ";\n".join(str((i * 53) % 256) for i in range(16)) + "]"),
    (R.SEED_WORDS, SEED_EN),
    (R.SEED_WORDS, "backup words " + "/".join(SEED_EN.split()) + " ok?"),
    (R.SEED_WORDS, "\n".join(f"{i}. {w}" for i, w in enumerate(SEED_EN.split(), 1))),
    (R.SEED_WORDS, " ".join(f"{i}) {w}" for i, w in enumerate(SEED_EN.split(), 1))),
    (R.SEED_WORDS, ", ".join(SEED_EN.split())),
    (R.SEED_WORDS, "-".join(SEED_EN.split())),
    (R.SEED_WORDS, SEED_EN.upper()),
    (R.SEED_WORDS, "aban don abil ity able about above absent"),
    (R.SEED_WORDS, " ".join(ZW.join(w) for w in SEED_EN.split())),
    (R.SEED_WORDS, "abandon ability able <PERSON> about above absent absorb abstract absurd"),
    (
        R.SEED_WORDS,
        "\u3000".join(
            [
                "あいこくしん",
                "あいさつ",
                "あいだ",
                "あおぞら",
                "あかちゃん",
                "あきる",
                "あけがた",
                "あける",
            ]
        ),
    ),
    (R.SEED_WORDS, "ábaco abdomen abeja abierto abogado abono aborto abrazo"),
    (R.SEED_WORDS, "abaco abdomen abeja abierto abogado abono aborto abrazo"),
    (R.SEED_WORDS, "abaisser abandon abdiquer abeille abolir aborder aboutir aboyer"),
    (R.SEED_WORDS, "abaco abbaglio abbinato abete abisso abolire abrasivo abrogato"),
    (R.SEED_WORDS, "abdikace abeceda adresa agrese akce aktovka alej alkohol"),
    (R.SEED_WORDS, "abacate abaixo abalar abater abduzir abelha aberto abismo"),
    (R.SEED_WORDS, "가격 가끔 가난 가능 가득 가르침 가뭄 가방"),
    (R.SEED_WORDS, "的 一 是 在 不 了 有 和 人 这 中 大"),
    (R.SEED_WORDS, "的一是在不了有和人这中大"),
    # encodings a value travels in: URL query, JSON escapes, HTML entities
    (R.KEY_ENCODING, "https://x.example/cb?k=" + "%2F".join([HEX64[:32], HEX64[32:]])),
    (R.SEED_WORDS, "q=" + "%20".join(SEED_EN.split())),
    (
        R.SEED_WORDS,
        json.dumps(
            "\u3000".join(
                ["あいこくしん", "あいさつ", "あいだ", "あおぞら", "あかちゃん", "あきる"]
            )
        ),
    ),
    (R.EMAIL, "bob&#64;mail.org"),
    # look-alike letters from other scripts (UTS #39 confusables), in mixed-script words
    (R.HIGH_ENTROPY, "key 8ΖsВd1Υq0h5QhН1kWХ"),
    (R.SEED_WORDS, "аbandon аbility аble аbout аbove аbsent"),
    # equal-size chunks with one separator, and values wrapped onto two lines
    (R.HIGH_ENTROPY, "K6i•SHS•hT8•DEq•Vff•wPx•xPc•Ne6"),
    (R.HIGH_ENTROPY, "vtnd|eoqq|t128|slm7|u74n|5afz|e5l4|ian0"),
    (R.HIGH_ENTROPY, "AKI_ADX_DFJ_JJ2_RII_DWH_YN"),
    (R.HIGH_ENTROPY, "AKIACZSICWBV\nFU3WHGQB"),
    (R.KEY_ENCODING, "sk_l•ive_•F3nA•7kr8•DDnW•1wSq•fyWF•okfN•x9Qe"),
    (R.BYTE_ARRAY, "[" + ",•".join(str((i * 37) % 256) for i in range(32)) + "]"),
    (R.DIGIT_RUN, "pay id 64933\n2229"),
    # seed words cut into pieces by separators anywhere, then joined back into list words
    (R.SEED_WORDS, " ".join(_chunks("/".join(SEED_EN.split()), 3))),
    (R.SEED_WORDS, "//".join("/".join(_chunks(w, 3)) for w in SEED_EN.split())),
    (R.SEED_WORDS, "-".join(_chunks("".join(SEED_EN.split()), 4))),
    # a byte array with a separator laced inside its numbers
    (R.BYTE_ARRAY, "[" + ".".join(_chunks(",".join(str((i * 37) % 256) for i in range(32)), 3))),
    # part of a secret left beside its placeholder
    (R.SECRET_FRAGMENT, "dRy.aRF.TDS.<API_KEY>.zZx"),
    (R.SECRET_FRAGMENT, "token hf_E HgGO <API_KEY>"),
    (R.SECRET_FRAGMENT, "<PRIVATE_KEY>9f3a"),
    (R.SEED_WORDS, "mi frase <SEED_PHRASE> gasolina"),
    (R.SECRET_FRAGMENT, "cb?secret=<API_KEY><NATIONAL_ID>%205acc%2063f2%205688&lang=en"),
    (R.SECRET_FRAGMENT, "billing uses sk_live_sjjqwyz\n<API_KEY>"),
    (R.SECRET_FRAGMENT, "master key xprv\n<API_KEY>"),
    (R.SECRET_FRAGMENT, "token xoxb-\n<API_KEY>"),
    (R.SECRET_FRAGMENT, "is this valid? KwJTvtnpr\n<CRYPTO_ADDRESS>"),
    (R.SECRET_FRAGMENT, "pk <CRYPTO_ADDRESS>\nF3C5C22886D12F5EC1E0585A"),
    (R.SECRET_FRAGMENT, "copied it like this 20ed b\ncba <API_KEY> is that fine?"),
    (R.SEED_WORDS, "my words: <SEED_PHRASE> zoo wrong"),
    # identifier-shaped tokens, credentials after a cue, amounts someone holds
    (R.IDENTIFIER, "passport no QK4410937"),
    (R.IDENTIFIER, "tax number ABCDE1234F please"),
    (R.IDENTIFIER, "NINO QQ123456C"),
    (R.CREDENTIAL, "my passcode is tulip-orbit-lemon"),
    (R.CREDENTIAL, 'pw: "Sunny2031!"'),
    (R.CREDENTIAL, "PIN 8841"),
    (R.CREDENTIAL, "パスワードは Kaze77"),
    (R.HOLDING, "I hold 3.5 ETH since 2021"),
    (R.HOLDING, "my bag is 12,400 DOGE"),
    (R.HOLDING, "SOLを40枚保有しています"),
]
CLEAN = [
    "BTC at 67,250.5, support 65000-66000, RSI 14",
    "support 65000 - 66000 then 67250.50",
    "order 5266015048046055490 on Bitget shows filled",
    "order #4912879376 on Gate.io",
    "order id: 75751607467",
    "the halving at block 840000 - how long until the next one?",
    "block 19,000,000 and block 19000000",
    "CPI comes out 2024-06-13 14:30 UTC, compare with 12/10/2024",
    "from 2023-01-01 to 2024-12-31 the ATH was 73,750.07",
    "version v2.17.6 and 2.63.5, colour #26a69a",
    "up +4.9% today, 0.01% funding",
    "PEPE at 0.00000718 and 0.00001015",
    "100000000 sats = 1 BTC; max supply 21000000",
    "unix time 1718236800 was the candle open",
    "EIP-1559 and ERC-4337, MACD (12, 26, 9), EMA200",
    "ETHUSDT-PERP and BTC/USDT on the 4h",
    "https://www.coingecko.com/en/coins/bitcoin and https://www.tradingview.com/chart/",
    "is it safe to keep my seed phrase in a password manager?",
    "I want to buy about one more coin at the market open today",
    "SOLの半減期ってブロック630000ですよね？",
    "11月1日のFOMCの後、BTCは1116万円まで上がりました",
    "my email is <EMAIL>, card <CREDIT_CARD>, seed <SEED_PHRASE>, key <PRIVATE_KEY>",
    "call me at <PHONE> after 20:00 UTC, UID <ACCOUNT_ID>",
    "1,234,567.89 USDT volume in 24h",
    "fib levels 0.236 0.382 0.5 0.618 0.786",
    "gas 72 gwei, leverage 125x, tf 15m",
    "Stoch RSI (14, 14, 3, 3) crossing on the daily",
    "bought at 0.1326 (24.0% from ATH)",
    "/alert BNB 566.76",
    "buy 1,000 USDT worth at $3,041.75 before 28 Jan 2023",
    "Satoshi Nakamoto wrote the whitepaper in 2008",
    "price went from 61234.5 to 63321.7 in 3 hours",
    "levels: 64000 / 65500 / 67000",
    "bought at 0.1326 (24.0% from ATH)",
    "clientOrderId 9b0e2ef3-f96b-4725-ba64-9456c57aea87 came back as rejected",
    "request id 84688464-2593-4895-89be-f137fb49082d timed out",
    "filtering logs by topic0 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
    "selector 0xa9059cbb is transfer(address,uint256)",
    "BTC ETH SOL XRP ADA all red, ETH/BTC at 0.0521",
    "my seed is <SEED_PHRASE>, key <PRIVATE_KEY>: are they safe now?",
    "price 67%20up? no: 67% up",
    "спасибо, заказ исполнен по 67250",
    "secp256k1 and ERC4337 wallets, BTCUSDT20240628 expiry",
    "is a password manager safe? my password is <PASSWORD>",
    "holding is hard when the chart looks like this",
    "should I buy 2 ETH at 3,100?",
    "here it is\n<API_KEY>",
    "Hi MetaMask\n<EMAIL>",
    "ok so I did buy a bit of sol at the low and then sold it all at the top",
    "we can go long on eth if btc holds the range, else I cut and wait",
    "rejected: why? the changelog mentions eip 1559 and filtering logs by topic",
]


@pytest.mark.parametrize(("reason", "text"), SECRET)
def test_secret_shapes_are_stopped(reason: R, text: str) -> None:
    result = admit(f"ok so {text} thanks")
    assert not result.admitted
    assert reason in result.reasons


@pytest.mark.parametrize("text", CLEAN)
def test_trading_talk_and_placeholders_are_admitted(text: str) -> None:
    assert admit(text) == Admission(True, ())


def test_each_part_is_scanned_apart_and_reasons_are_sorted_and_unique() -> None:
    assert admit("card 4111 111", "1 1111 11").admitted  # no run across two messages
    assert not admit("card 4111 1111 1111 1111").admitted
    result = admit(f"{HEX64} and bob@mail.org", "mail bob@mail.org")
    assert result.reasons == (R.EMAIL, R.KEY_ENCODING)


def test_five_seed_words_pass_six_do_not() -> None:
    words = SEED_EN.split()
    assert seed_run(" ".join(words[:6]))
    assert not seed_run(" ".join(words[:5]))
    assert not seed_run(" ".join(words[:3]) + " is my " + " ".join(words[3:6]))


def test_every_shipped_word_list_is_loaded() -> None:
    names = lexicon()[1]
    for language in (
        "english",
        "japanese",
        "spanish",
        "french",
        "italian",
        "korean",
        "chinese_simplified",
        "chinese_traditional",
        "czech",
        "portuguese",
    ):
        assert language in names  # fmt: skip


def test_invisible_table_covers_every_format_control() -> None:
    missing = [
        hex(cp) for cp in range(0x110000)
        if unicodedata.category(chr(cp)) == "Cf" and cp not in INVISIBLE
    ]  # fmt: skip
    assert missing == []


def test_canonical_form_drops_invisibles_widens_digits_and_blanks_placeholders() -> None:
    assert canonical("4\u200b1\u2066\ufeff1") == "411"
    assert canonical("\uff14\u0661\u0967") == "411"
    assert canonical("a <EMAIL> b") == "a \x00 b"


def test_clean_dev_messages_are_admitted_after_redaction(shared_dir: Path) -> None:
    rows = (json.loads(line) for line in (shared_dir / "redaction" / "dev.jsonl").open())
    clean = [r["text"] for r in rows if r["clean"]]
    dropped = [t for t in clean if not admit(redact(t).text).admitted]
    assert len(clean) >= 300
    assert len(dropped) <= 0.03 * len(clean), dropped[:5]
