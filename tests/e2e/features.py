"""Test-only commands (added through Overrides.extra_features) that exercise the transport:
long text, photo, document, streaming, slow work, a crash, deleting the incoming message."""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections.abc import AsyncIterator

from bot.core.conversation import Attachment, Button, Handled, Reply, Request, Streamed
from bot.core.registry import CallbackRoute, Command, Registry
from bot.core.services import Services

# 36 words: the transports show a stream 12 words behind (privacy.streaming holds a tail back)
# not BIP-39 words: "word0 word1 …" is a numbered seed phrase to the redactor (rightly)
STREAM_TOKENS = [f"tok{i} " for i in range(36)]
STREAM_DELAY_S = 0.1


def tiny_png() -> bytes:
    """Return a valid 2x2 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def long_text() -> str:
    return "\n".join(f"line {i:04d} " + "x" * 60 for i in range(150))  # ~10,000 chars


async def t_long(_s: Services, _r: Request, _a: str) -> Handled:
    return Reply(text=long_text(), buttons=((Button("More", "t_btn:more"),),))


async def t_photo(_s: Services, _r: Request, _a: str) -> Handled:
    image = Attachment(tiny_png(), "chart.png", caption="BTC_USDT <1h> & co")
    return Reply(text="Here is the chart:", image=image, buttons=((Button("Ok", "t_btn:ok"),),))


async def t_doc(_s: Services, _r: Request, _a: str) -> Handled:
    return Reply(document=Attachment(b"a,b\n1,2\n", "export.csv", caption="export"))


async def t_stream(_s: Services, _r: Request, _a: str) -> Handled:
    async def tokens() -> AsyncIterator[str]:
        for token in STREAM_TOKENS:
            await asyncio.sleep(STREAM_DELAY_S)
            yield token

    async def final() -> Reply:
        return Reply(text="".join(STREAM_TOKENS).strip() + " (done)")

    return Streamed(tokens(), final)


async def t_slow(_s: Services, _r: Request, _a: str) -> Handled:
    await asyncio.sleep(3)
    return Reply(text="slow answer")


async def t_crash(_s: Services, _r: Request, args: str) -> Handled:
    raise RuntimeError(f"crashed while handling {args}")


async def t_secret(_s: Services, _r: Request, _a: str) -> Handled:
    return Reply(text="Stored; I deleted your message.", delete_incoming=True)


async def t_echo(_s: Services, _r: Request, args: str) -> Handled:
    return Reply(text=f"you said: {args}", buttons=((Button("<b>&</b>", "t_btn:x"),),))


async def on_button(_s: Services, req: Request, arg: str) -> Handled:
    return Reply(text=f"pressed {arg} by {req.user_id}", edit_origin=True, toast="pressed")


async def on_boom(_s: Services, _r: Request, arg: str) -> Handled:
    raise RuntimeError(f"button crashed {arg}")


def register(registry: Registry) -> None:
    """Add the test commands."""
    for name, fn in [
        ("t_long", t_long), ("t_photo", t_photo), ("t_doc", t_doc), ("t_stream", t_stream),
        ("t_slow", t_slow), ("t_crash", t_crash), ("t_secret", t_secret), ("t_echo", t_echo),
    ]:  # fmt: skip
        registry.command(Command(name, "test command", fn, hidden=True))
    registry.callback(CallbackRoute("t_btn", on_button))
    registry.callback(CallbackRoute("t_boom", on_boom))
