"""Golden cases for the redactor: each secret is removed with its label, decoys survive, and
checksums decide where a shape alone would guess. Plus the kit's scorer on the dev set."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from privacy import Label, redact

L = Label
CAUGHT = [
    ("mail me at first.last+binance@proton.me", L.EMAIL, "first.last+binance@proton.me"),
    ("mail john(at)gmail.com pls", L.EMAIL, "john(at)gmail.com"),
    ("call +1 (415) 555-0132 today", L.PHONE, "+1 (415) 555-0132"),
    ("SMS認証が090-1234-5678に届きません", L.PHONE, "090-1234-5678"),
    ("電話は０９０－１２３４－５６７８まで", L.PHONE, "０９０－１２３４－５６７８"),
    ("my SSN is 123-45-6789", L.NATIONAL_ID, "123-45-6789"),
    ("refund to DE89 3704 0044 0532 0130 00 please", L.IBAN, "DE89 3704 0044 0532 0130 00"),
    ("card 4111-1111-1111-1111 declined", L.CREDIT_CARD, "4111-1111-1111-1111"),
    ("login from 85.214.132.117 was not me", L.IP_ADDRESS, "85.214.132.117"),
    ("send to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", L.CRYPTO_ADDRESS,
     "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"),
    ("to 1BoatSLRHtKNngkdXEeobR76b53LETtpyT now", L.CRYPTO_ADDRESS,
     "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
    ("wallet 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed ok", L.CRYPTO_ADDRESS,
     "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"),
    ("import key 0x" + "a1" * 32, L.PRIVATE_KEY, "0x" + "a1" * 32),
    ("txid " + "b2" * 32 + " pending", L.TX_HASH, "b2" * 32),
    ("bot token 123456789:AAH" + "x1Y2" * 8 + " leaked", L.API_KEY, "123456789:AAH" + "x1Y2" * 8),
    ("add @johnny_trades to the group", L.TELEGRAM_HANDLE, "@johnny_trades"),
    ("my password is hunter2! ok", L.PASSWORD, "hunter2!"),
    ("is h0dl35 strong enough as a password?", L.PASSWORD, "h0dl35"),
    ("I have 3.2 BTC on Binance", L.BALANCE, "3.2 BTC"),
    ("Binanceに¥3,436,398あるんですが", L.BALANCE, "¥3,436,398"),
    ("my Bybit UID is 38291047", L.ACCOUNT_ID, "38291047"),
    ("APIシークレット/Zk8+Qp2Lw9Rt4Vb7Nm1Xc5Hs3Jd6Fg0Ka/Ue8Yi2Oq4Wr6Ty==", L.API_KEY,
     "/Zk8+Qp2Lw9Rt4Vb7Nm1Xc5Hs3Jd6Fg0Ka/Ue8Yi2Oq4Wr6Ty=="),  # base64 may open with `/`
    ("hi, my name is Olivia Nguyen and", L.PERSON, "Olivia Nguyen"),
    ("佐藤健太と申します。", L.PERSON, "佐藤健太"),
    ("ship to 12 Baker Street, London NW1 6XE asap", L.ADDRESS,
     "12 Baker Street, London NW1 6XE"),
]  # fmt: skip
KEPT = [
    "BTC/USDT 4h RSI 14 above 70, MACD (12, 26, 9) crossing",
    "what did Vitalik Buterin say about EIP-4844 on 2024-03-13?",
    "is 67,250.5 support on the daily? block 840,000 was the halving",
    "the USDT contract is 0xdAC17F958D2ee523a2206206994597C13D831ec7, right?",
    "how many BTC can I buy for 1,000 USDT at $67,000?",
    "is it safe to keep my seed phrase in a password manager?",
    "order 1234567890123 on Bitget shows filled",
    "ETHの4時間足は？日足でRSIが70まで上がってる",
    "upgraded to v2.6.4, chart colour #26a69a, /price BTC",
    "Can I short 5 BTC with 10x?",
    "I have been trading since 2017 and lost $5,000",
    "I'm long BTC from $62,000, where is support?",
    "my order ID 1234567 is stuck; chain ID 42161 bridge fails",
    "GET /fapi/v1/positionRisk or /home/user/tradingBot2024/config",
]


@pytest.mark.parametrize(("text", "label", "secret"), CAUGHT)
def test_secret_is_removed_with_its_label(text: str, label: Label, secret: str) -> None:
    result = redact(text)
    assert secret not in result.text
    assert label in {s.label for s in result.spans}
    assert any(text[s.start : s.end] == secret for s in result.spans)


@pytest.mark.parametrize("text", KEPT)
def test_trading_talk_is_untouched(text: str) -> None:
    assert redact(text).text == text


def test_checksums_decide_between_card_and_order_number() -> None:
    assert redact("card 4111 1111 1111 1111").spans
    assert not redact("order 4111111111111112 on Binance").spans  # Luhn fails: an id


def test_seed_phrase_span_is_exactly_the_mnemonic() -> None:
    words = "legal winner thank year wave sausage worth useful legal winner thank yellow"
    result = redact(f"my seed is {words} please keep it safe")
    # list words after the phrase ("please keep") go with it: trimming them is trusted only
    # at a misspelt word, since a window there can pass the checksum by chance
    assert result.text == "my seed is <SEED_PHRASE> it safe"
    assert redact(f"seed: {words}, thx").text == "seed: <SEED_PHRASE>, thx"


def test_dev_set_meets_the_targets(shared_dir: Path, tmp_path: Path) -> None:
    kit = shared_dir / "redaction"
    gold = [json.loads(line) for line in (kit / "dev.jsonl").read_text().splitlines()]
    preds = tmp_path / "preds.jsonl"
    preds.write_text(
        "".join(json.dumps({"id": d["id"], "redacted_text": redact(d["text"]).text}) + "\n"
                for d in gold)
    )  # fmt: skip
    cmd = [sys.executable, str(kit / "score.py"), str(kit / "dev.jsonl"), str(preds), "--json"]
    report = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    assert report["leak"]["rate"] <= 0.01
    for label in ("SEED_PHRASE", "PRIVATE_KEY", "API_KEY"):
        assert report["per_label"][label]["leaked"] == 0, label
    assert report["clean_touch"]["rate"] <= 0.03
    assert report["decoys"]["preserved_rate"] >= 0.99
