"""The terminal chat prints a Q&A answer only after the claim check (issue 16): a withdrawn
model answer never reaches the screen, a kept one is printed once. Real runtime, scripted
model, the replayed market."""

from __future__ import annotations

import io
from pathlib import Path

from bot.transports.console import ConsoleSession


async def test_withdrawn_answer_is_never_printed(qa, model, market, tmp_path: Path) -> None:
    ticker = await market.fetch_ticker("ETH/USDT")
    assert ticker.change_24h_pct is not None
    size = abs(ticker.change_24h_pct)
    wrong = "increase" if ticker.change_24h_pct < 0 else "decrease"
    model.enqueue(f"ETH/USDT price is {ticker.last} USDT after a {size}% {wrong} in 24h.")
    out = io.StringIO()
    session = ConsoleSession(qa.conversation, out, 7, tmp_path / "outbox")
    await session.handle_line("how is ETH doing?")
    printed = out.getvalue()
    assert wrong not in printed
    assert f"ETH/USDT price: {ticker.last} USDT" in printed
    assert qa.services.answers.rejections["direction contradicts the sources"] == 1


async def test_kept_answer_is_printed_once(qa, model, tmp_path: Path) -> None:
    kept = "Slippage is the difference between the price you expected and the price you got."
    model.enqueue(kept)
    out = io.StringIO()
    session = ConsoleSession(qa.conversation, out, 7, tmp_path / "outbox")
    await session.handle_line("what is slippage?")
    assert out.getvalue().count(kept) == 1
    assert sum(qa.services.answers.rejections.values()) == 0
