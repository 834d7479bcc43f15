"""A consenting user's streamed answer, from a model that echoes their secrets back: no edit the
Telegram transport makes, and nothing the terminal chat prints, shows any of them (issue 13,
finding 10); the terminal prints only the checked reply, so the withdrawn echo never shows.
The scripted model is a real ChatModel; the transports are the real ones."""

from __future__ import annotations

import io
from pathlib import Path

from bot.app import Overrides, open_runtime
from bot.core.outgoing import STREAM_SUFFIX
from bot.transports.console import ConsoleSession
from tests.canaries import make_canaries, needles
from tests.e2e.harness import ALICE, Chat, MovableClock, bot_settings, running_bot
from tests.fakes.bot_api_server import BotApiServer
from tests.fakes.replay_market import ReplayMarket
from tests.fakes.scripted_model import ScriptedModel

PASSWORD = "Hunter2!xyz9"


def question(c: dict[str, str]) -> str:
    return (
        f"what is a stop loss? my exchange password is {PASSWORD} and my mail is {c['email']}, "
        f"my seed is {c['seed']}"
    )


def echoing_model(text: str, delay_s: float = 0.0) -> ScriptedModel:
    """A model that repeats the question, secrets and all (the worst case)."""
    model = ScriptedModel(default="A stop loss closes a position.", delay_s=delay_s)
    model.enqueue(f"A stop loss closes a position at a price you set. You said: {text}")
    return model


def secrets_in(text: str, c: dict[str, str]) -> list[str]:
    return [n for n in [*needles(c), PASSWORD] if n in text]


async def shown_to_alice(
    tg: BotApiServer, make_settings, clock: MovableClock, model: ScriptedModel, asked: str
) -> list[str]:
    """Turn consent on, ask, wait for the final edit; return every text Telegram was sent."""
    overrides = Overrides(market=ReplayMarket(clock), chat_model=model)
    async with running_bot(bot_settings(make_settings, tg.url), clock, overrides):
        chat = Chat(tg.api, ALICE, ALICE)
        menu = await chat.say("/privacy")
        await chat.press(menu, "privacy:on")
        before = tg.api.count(ALICE)
        await tg.api.send_text(ALICE, asked)
        first = await tg.api.wait_reply(ALICE, before, timeout=30)
        await tg.api.wait_for(lambda: not first.text.endswith(STREAM_SUFFIX), 30, "final")
    return [
        str(call.params.get("text", ""))
        for call in tg.api.calls
        if call.method in ("sendMessage", "editMessageText")
    ]


async def test_telegram_edits_of_an_echoed_answer_show_no_secret(
    tg: BotApiServer, make_settings, clock: MovableClock
) -> None:
    c = make_canaries()
    asked = question(c)
    model = echoing_model(asked, delay_s=0.06)
    shown = await shown_to_alice(tg, make_settings, clock, model, asked)
    streamed = [t for t in shown if t.endswith(STREAM_SUFFIX)]
    assert streamed, "the answer was not streamed"
    assert "You said" in " ".join(streamed)  # the echo itself was shown, redacted
    assert not [t for t in shown if secrets_in(t, c)], [t for t in shown if secrets_in(t, c)]


async def test_the_terminal_chat_prints_no_secret_of_an_echoed_answer(
    make_settings, tmp_path: Path
) -> None:
    c = make_canaries()
    asked = question(c)
    runtime = await open_runtime(
        make_settings(), overrides=Overrides(chat_model=echoing_model(asked))
    )
    out = io.StringIO()
    try:
        session = ConsoleSession(runtime.conversation, out, ALICE, tmp_path / "outbox")
        await session.handle_line("/privacy")
        await session.handle_line("1")  # the first button: consent on
        await session.handle_line(asked)
    finally:
        await runtime.close()
    printed = out.getvalue()
    # The echo is withdrawn by the claim check, and the terminal prints only checked text
    # (issue 16): neither the echo nor its redacted form appears, the notes answer instead.
    assert "You said" not in printed and "From my notes:" in printed
    assert not secrets_in(printed, c), printed


async def test_a_secret_echoed_without_its_cue_is_not_shown(
    tg: BotApiServer, make_settings, clock: MovableClock
) -> None:
    """Hostile review II: the redactor finds a password by the words beside it, and the model
    may repeat it without them; whatever the question's redaction removed stays removed."""
    c = make_canaries()
    asked = f"what is a stop loss? my exchange password is {PASSWORD}, mail {c['email']}"
    model = ScriptedModel(default="A stop loss closes a position.", delay_s=0.05)
    tail = " ".join(["A stop loss closes a position at a price you set in advance."] * 8)
    model.enqueue(f"{PASSWORD} is weak and {c['email'].upper()} is public, change both. {tail}")
    shown = await shown_to_alice(tg, make_settings, clock, model, asked)
    assert any(t.endswith(STREAM_SUFFIX) for t in shown), "the answer was not streamed"
    leaked = [t for t in shown if PASSWORD.lower() in t.lower() or c["email"] in t.lower()]
    assert not leaked, leaked
