"""Fault injection of the fake Binance server: what happens to one matching request.

Kinds (`FakeBinance.inject(method, path, kind)`):
- "500": HTTP 500 with a text body; nothing done.
- "429": HTTP 429 `{"code":-1003}` (rate limited); nothing done.
- "418": HTTP 418 `{"code":-1003}` (IP banned after ignoring 429s); nothing done.
- "hang": wait `hang_s`, THEN execute: the client has given up, the order appears late
  (still within the request's recvWindow, which the server checks when it executes).
- "slow": execute at once, answer only after `hang_s`: the client has given up.
- "drop": execute, then close the connection without answering.
- "STATUS:CODE", e.g. "503:-1008": that HTTP status and a Binance JSON error; nothing done.
- "done+STATUS:CODE", e.g. "done+503:-1008": execute, then answer with that error (Binance
  documents -1006/-1007/-1008 as "execution status unknown": the order may have executed).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

# Binance's own wording for the codes the faults use (any other code gets a generic text).
MESSAGES = {
    -1000: "An unknown error occurred while processing the request.",
    -1001: "Internal error; unable to process your request. Please try again.",
    -1003: "Too much request weight used; current limit is 6000 request weight per 1 MINUTE.",
    -1006: "An unexpected response was received from the message bus. Execution status unknown.",
    -1007: "Timeout waiting for response from backend server. Send status unknown; "
    "execution status unknown.",
    -1008: "Server is currently overloaded with other requests. Please try again in a few minutes.",
    -1013: "Filter failure: NOTIONAL",
    -2010: "Account has insufficient balance for requested action.",
}
BANNED = "Way too much request weight used; IP banned until 1767225600000."


@dataclass(frozen=True, slots=True)
class Fault:
    """One injected fault: whether the request is carried out, and how it is answered."""

    executes: bool
    status: int = 0  # 0: the normal answer
    code: int | None = None  # Binance code of a JSON error body; None: a text body
    wait_before_s: float = 0.0
    wait_after_s: float = 0.0
    drop: bool = False

    def response(self) -> web.Response:
        """Return the error answer of this fault."""
        if self.code is None:
            return web.Response(status=self.status, text="Internal Server Error")
        text = BANNED if self.status == 418 else MESSAGES.get(self.code, "Unexpected error.")
        return web.json_response({"code": self.code, "msg": text}, status=self.status)


def parse(kind: str, hang_s: float) -> Fault:
    """Return the fault a kind names (see the module docstring); raise ValueError if none."""
    named = {
        "500": Fault(False, 500),
        "429": Fault(False, 429, -1003),
        "418": Fault(False, 418, -1003),
        "hang": Fault(True, wait_before_s=hang_s),
        "slow": Fault(True, wait_after_s=hang_s),
        "drop": Fault(True, drop=True),
    }
    if kind in named:
        return named[kind]
    done, plus, rest = kind.partition("+")
    if plus and done != "done":
        raise ValueError(f"unknown fault {kind!r}")
    status, colon, code = (rest if plus else kind).partition(":")
    if not colon:
        raise ValueError(f"unknown fault {kind!r}")
    return Fault(bool(plus), int(status), int(code))
