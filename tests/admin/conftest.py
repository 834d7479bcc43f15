"""A seeded admin console: a consenting user's session full of secrets, kept through the real
conversation layer and privacy hooks, then the real console server over the same database."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.app import Overrides, Runtime, build_services, open_runtime
from bot.core.conversation import Reply, Request, Streamed
from bot.core.services import Services
from bot.settings import Settings, load_settings
from bot.transports.web.server import create_app
from privacy import redact
from privacy.gate_stats import ALL_TURNS
from tests.admin.harness import serving
from tests.canaries import make_canaries, needles, secret_messages
from tests.fakes.scripted_model import ScriptedModel

ADMIN = 900001
USER = 424242
OTHER = 515151
LEAK_CANDIDATES = ("tulip marmot", "velvet kayak", "amber quokka")
LEAK_LINE = "my security answer is {} remember it"


def redactor_miss() -> str:
    """Return a private phrase the redactor keeps today (what an admin would flag)."""
    for phrase in LEAK_CANDIDATES:
        if phrase in redact(LEAK_LINE.format(phrase)).text:
            return phrase
    raise AssertionError("the redactor catches every LEAK_CANDIDATES phrase: add a new miss")


LEAK = redactor_miss()


def session_lines(c: dict[str, str]) -> list[str]:
    return [*secret_messages(c), LEAK_LINE.format(LEAK)]


def leaky_model(lines: list[str]) -> ScriptedModel:
    """A scripted model that repeats every secret it was told (the worst case for leaks)."""
    model = ScriptedModel(default="Noted.")
    model.enqueue(*(f"You said: {line}" for line in lines))
    return model


async def talk(rt: Runtime, req: Request) -> list[Reply]:
    """Handle one request like a transport does: streamed answers are read to the end."""
    replies = []
    for response in await rt.conversation.handle(req):
        if isinstance(response, Streamed):
            async for _ in response.tokens:
                pass
            replies.append(await response.final())
        else:
            replies.append(response)
    return replies


async def seed(settings: Settings, canaries: dict[str, str]) -> None:
    """Play the scripted session: USER opts in and talks; OTHER opts out again and talks."""
    lines = session_lines(canaries)
    runtime = await open_runtime(settings, overrides=Overrides(chat_model=leaky_model(lines)))
    try:
        await talk(runtime, Request(user_id=USER, chat_id=USER, text="/privacy"))
        await talk(runtime, Request(user_id=USER, chat_id=USER, callback_data="privacy:on"))
        for line in lines:
            await talk(runtime, Request(user_id=USER, chat_id=USER, text=line))
        for choice in ("on", "off"):  # OTHER changes their mind: known, but nothing kept
            await talk(
                runtime, Request(user_id=OTHER, chat_id=OTHER, callback_data=f"privacy:{choice}")
            )
        await talk(runtime, Request(user_id=OTHER, chat_id=OTHER, text=f"card {canaries['card']}"))
    finally:
        await runtime.close()


def in_own_loop(coro: Coroutine[Any, Any, None]) -> None:
    """Run a coroutine to completion on a fresh loop in a worker thread (pytest-asyncio may
    already run a loop in this thread)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coro).result()


@dataclass
class Console:
    url: str
    token: str
    services: Services
    needles: list[str]
    regressions: Path
    kept: int


def console_settings(data_dir: Path) -> Settings:
    return load_settings(
        data_dir=data_dir,
        llm_backend="extractive",
        admin_ids=[ADMIN],
        redaction_regressions_file=data_dir / "redaction_regressions.jsonl",
    )


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    """The console server over a database holding the scripted session (module-wide)."""
    data_dir = tmp_path_factory.mktemp("admin") / "data"
    settings = console_settings(data_dir)
    canaries = make_canaries()
    in_own_loop(seed(settings, canaries))
    services = build_services(settings)
    assert services.admin is not None and services.privacy is not None
    kept = services.privacy.finetune.count()
    dropped = services.privacy.gate_drops.by_reason().get(ALL_TURNS, 0)
    assert kept + dropped == len(session_lines(canaries)), (kept, dropped)  # every turn counted
    token = secrets.token_urlsafe(24)
    app = create_app(services.admin, token, services.clock)
    try:
        with serving(app) as url:
            yield Console(
                url, token, services, needles(canaries), settings.resolved_regressions_file, kept
            )
    finally:
        services.admin.close()
        services.engine.dispose()
