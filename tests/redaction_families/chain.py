"""Families for CRYPTO_ADDRESS, SEED_PHRASE, PRIVATE_KEY, API_KEY and TX_HASH."""

from __future__ import annotations

import random
import unicodedata
from functools import cache

from mnemonic import Mnemonic

from tests.redaction_families import encodings as enc
from tests.redaction_families.family import Family, alnum, group, pick

HEX = "0123456789abcdef"
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
URLSAFE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@cache
def wordlist(lang: str) -> Mnemonic:
    """Return the BIP-39 word list of a language (cached)."""
    return Mnemonic(lang)


def mnemonic(r: random.Random, words: int = 12, lang: str = "english") -> str:
    """Return a checksum-valid BIP-39 mnemonic drawn from rng."""
    # the library returns NFKD (decomposed accents and dakuten); people type NFC
    return unicodedata.normalize("NFC", wordlist(lang).to_mnemonic(r.randbytes(words * 4 // 3)))


def _btc_bech32_upper(r: random.Random) -> str:
    return enc.bech32_encode("bc", r.randbytes(20)).upper()


CRYPTO_ADDRESS = [
    Family(
        "CRYPTO_ADDRESS",
        "btc_bech32",
        lambda r: enc.bech32_encode("bc", r.randbytes(20)),
        ("send to {V}",),
        seen=True,
    ),
    Family(
        "CRYPTO_ADDRESS",
        "btc_bech32_upper",
        _btc_bech32_upper,
        ("deposit QR decodes to {V}", "is {V} a segwit address?"),
    ),
    Family(
        "CRYPTO_ADDRESS",
        "ltc_bech32",
        lambda r: enc.bech32_encode("ltc", r.randbytes(20)),
        ("my litecoin wallet {V}",),
        ("LTCの入金先は{V}です",),
    ),
    Family(
        "CRYPTO_ADDRESS",
        "cosmos_bech32",
        lambda r: enc.bech32_encode(pick(r, ("cosmos", "osmo")), r.randbytes(20), None),
        ("stake from {V} to the validator",),
    ),
    Family(
        "CRYPTO_ADDRESS",
        "doge_base58",
        lambda r: enc.b58check_encode(b"\x1e" + r.randbytes(20)),
        ("much wow, send doge to {V}",),
    ),
    Family(
        "CRYPTO_ADDRESS",
        "eth_in_explorer_url",
        lambda r: "0x" + r.randbytes(20).hex(),
        (
            "check https://etherscan.io/address/{V} my {ticker} is gone",
            "https://debank.com/profile/{V} is my main wallet",
        ),
    ),
]


def _int_array(r: random.Random) -> str:
    size = pick(r, (32, 64))
    return "[" + ",".join(str(b) for b in r.randbytes(size)) + "]"


def _wallet_json(r: random.Random) -> str:
    # the whole field value is the key; the span is its value, JSON quoting excluded
    return r.randbytes(32).hex()


def _xprv(r: random.Random) -> str:
    payload = bytes.fromhex("0488ade4") + bytes([1]) + r.randbytes(8) + r.randbytes(32)
    return enc.b58check_encode(payload + b"\0" + r.randbytes(32))


def _wif(r: random.Random) -> str:
    return enc.b58check_encode(b"\x80" + r.randbytes(32) + b"\x01")


PRIVATE_KEY = [
    Family("PRIVATE_KEY", "hex64", lambda r: r.randbytes(32).hex(), ("import key {V}",), seen=True),
    Family(
        "PRIVATE_KEY",
        "hex_grouped4",
        lambda r: group(r.randbytes(32).hex(), 4, " "),
        ("copied it like this {V} is that fine?", "{V}"),
    ),
    Family(
        "PRIVATE_KEY",
        "int_array",
        _int_array,
        ("phantom export gave me {V}", "solana keypair file: {V}"),
    ),
    Family(
        "PRIVATE_KEY",
        "wallet_json",
        _wallet_json,
        ('{{"version": 3, "privateKey": "{V}"}}', 'my backup json {{"priv": "{V}", "chain": 1}}'),
    ),
    Family(
        "PRIVATE_KEY",
        "base58_solana",
        lambda r: enc.b58encode(r.randbytes(64)),
        ("phantom shows {V} under show private key",),
        ("秘密鍵は{V}です",),
    ),
    Family("PRIVATE_KEY", "xprv", _xprv, ("electrum master key {V}",)),
    Family("PRIVATE_KEY", "wif_no_cue", _wif, ("is this valid? {V}",), ("これで合ってる？{V}",)),
    Family(
        "PRIVATE_KEY",
        "hex_upper_0x",
        lambda r: "0x" + r.randbytes(32).hex().upper(),
        ("pk {V}", "restore from {V} please"),
    ),
]


def _slash_seed(r: random.Random) -> str:
    return "/".join(mnemonic(r).split())


def _numbered(r: random.Random) -> str:
    words = mnemonic(r).split()
    sep = pick(r, (" ", "\n"))
    return sep.join(f"{i}. {w}" for i, w in enumerate(words, 1))


def _spaced_inside(r: random.Random) -> str:
    words = mnemonic(r).split()
    out = []
    for w in words:
        cut = r.randint(1, len(w) - 1) if len(w) > 3 and r.random() < 0.4 else 0
        out.append(f"{w[:cut]} {w[cut:]}" if cut else w)
    return " ".join(out)


def _mixed_case(r: random.Random, words: int = 12) -> str:
    return " ".join(
        w.upper() if r.random() < 0.3 else w.capitalize() for w in mnemonic(r, words).split()
    )


SEED_PHRASE = [
    Family("SEED_PHRASE", "bip39_12", lambda r: mnemonic(r), ("my seed is {V}",), seen=True),
    Family("SEED_PHRASE", "slash_sep", _slash_seed, ("backup words {V} ok?", "recovery: {V}")),
    Family(
        "SEED_PHRASE", "numbered_list", _numbered, ("wrote them down:\n{V}\nis the order right?",)
    ),
    Family("SEED_PHRASE", "spaces_inside_words", _spaced_inside, ("my phrase (typed fast) {V}",)),
    Family(
        "SEED_PHRASE",
        "japanese_wordlist",
        lambda r: mnemonic(r, 12, "japanese"),
        ("my japanese wallet words {V}",),
        ("復元フレーズは{V}です", "{V}で復元できますか"),
    ),
    Family(
        "SEED_PHRASE",
        "spanish_wordlist",
        lambda r: mnemonic(r, 12, "spanish"),
        ("mi frase semilla: {V}",),
    ),
    Family(
        "SEED_PHRASE",
        "mixed_case_24",
        lambda r: _mixed_case(r, 24),
        ("restore with {V}",),
    ),
    Family("SEED_PHRASE", "comma_sep", lambda r: ", ".join(mnemonic(r).split()), ("words: {V}",)),
]


def _aws(r: random.Random) -> str:
    return "AKIA" + alnum(r, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


API_KEY = [
    Family(
        "API_KEY", "openai_sk", lambda r: "sk-" + alnum(r, 48, URLSAFE), ("my key {V}",), seen=True
    ),
    Family(
        "API_KEY",
        "github_pat",
        lambda r: "ghp_" + alnum(r, 36, URLSAFE),
        ("the bot repo token {V}",),
    ),
    Family(
        "API_KEY",
        "stripe_live",
        lambda r: "sk_live_" + alnum(r, 24, URLSAFE),
        ("billing uses {V}",),
    ),
    Family("API_KEY", "aws_access_key", _aws, ("aws access key id {V}",)),
    Family(
        "API_KEY",
        "kraken_private_b64",
        lambda r: alnum(r, 86, B64) + "==",
        ("kraken private key {V}",),
        ("クラーケンのシークレット{V}",),
    ),
    Family(
        "API_KEY",
        "infura_in_url",
        lambda r: alnum(r, 32, HEX),
        (
            "rpc https://mainnet.infura.io/v3/{V} is rate limited",
            "wss://eth-mainnet.g.alchemy.com/v2/{V}",
        ),
    ),
    Family(
        "API_KEY",
        "google_aiza",
        lambda r: "AIza" + alnum(r, 35, URLSAFE + "-_"),
        ("sheets api {V}",),
    ),
    Family(
        "API_KEY",
        "slack_xoxb",
        lambda r: (
            f"xoxb-{r.randint(10**10, 10**11)}-{r.randint(10**11, 10**12)}-{alnum(r, 24, URLSAFE)}"
        ),
        ("alerts webhook token {V}",),
    ),
    Family(
        "API_KEY",
        "hf_token",
        lambda r: "hf_" + alnum(r, 34, URLSAFE),
        ("hugging face token {V}",),
        ("HFトークン{V}を設定しました",),
    ),
]


def _explorer_tx(r: random.Random) -> str:
    return "0x" + r.randbytes(32).hex()


TX_HASH = [
    Family("TX_HASH", "eth_0x", _explorer_tx, ("tx {V} pending",), seen=True),
    Family(
        "TX_HASH",
        "explorer_url",
        _explorer_tx,
        ("stuck: https://etherscan.io/tx/{V}", "see https://bscscan.com/tx/{V} please"),
    ),
    Family(
        "TX_HASH",
        "btc_txid_upper",
        lambda r: r.randbytes(32).hex().upper(),
        ("TXID {V} has 0 confirmations",),
        ("TXIDは{V}です",),
    ),
    Family(
        "TX_HASH",
        "sol_signature_url",
        lambda r: enc.b58encode(r.randbytes(64)),
        ("https://solscan.io/tx/{V} failed",),
    ),
    Family("TX_HASH", "hash_in_json", _explorer_tx, ('{{"txHash": "{V}", "status": 0}}',)),
]
