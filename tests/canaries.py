"""Fresh secrets for canary tests: every kind the redactor must remove, random per run, and
the fragments whose presence anywhere would count as a leak. Shared by test modules that
feed a session full of secrets through the bot and then search for them."""

from __future__ import annotations

import secrets

from mnemonic import Mnemonic

from privacy.redact.checksums import luhn_valid


def _card() -> str:
    while True:
        number = "5" + "".join(secrets.choice("0123456789") for _ in range(15))
        if luhn_valid(number):
            return "-".join(number[i : i + 4] for i in range(0, 16, 4))


def make_canaries() -> dict[str, str]:
    """Fresh secrets of every kind the redactor must remove (random per run)."""
    return {
        "seed": Mnemonic("english").to_mnemonic(secrets.token_bytes(16)),
        "key": secrets.token_hex(32),
        "card": _card(),
        "wallet": "0x" + secrets.token_hex(20),
        "phone": f"+44 7700 {secrets.randbelow(900000) + 100000}",
        "email": f"canary.{secrets.token_hex(4)}@gmail.com",
    }


def needles(c: dict[str, str]) -> list[str]:
    """The canaries and distinctive fragments of them (a partial leak counts too)."""
    words = c["seed"].split()
    return [
        *c.values(),
        " ".join(words[4:8]),
        c["key"][10:42],
        c["card"].replace("-", ""),
        c["card"][-9:],
        c["wallet"][12:36],
        c["phone"][-6:],
        c["email"].split("@")[0],
    ]


def secret_messages(c: dict[str, str]) -> list[str]:
    """A user's messages that carry every canary, plus one harmless trading question."""
    return [
        f"my seed is {c['seed']} please keep it safe",
        f"import this private key {c['key']} into the bot",
        f"charge my card {c['card']} for the subscription",
        f"send the BTC to {c['wallet']} tonight",
        f"call me on {c['phone']} or mail {c['email']}",
        "what is RSI 14 on BTC/USDT 4h?",
    ]
