"""/audit, /stats, /export through the real conversation layer: admins only, private only,
every use audited, nothing private in the replies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.app import Overrides, Runtime, open_runtime
from bot.core.conversation import ChatKind, Reply, Request
from bot.settings import Settings
from privacy.gate_stats import ALL_TURNS
from tests.admin.conftest import (
    ADMIN,
    LEAK,
    OTHER,
    USER,
    leaky_model,
    session_lines,
    talk,
)
from tests.canaries import make_canaries, needles

CANARIES = make_canaries()


@pytest.fixture
async def runtime(make_settings) -> AsyncIterator[Runtime]:
    settings: Settings = make_settings(admin_ids=[ADMIN])
    model = leaky_model(session_lines(CANARIES))
    rt = await open_runtime(settings, overrides=Overrides(chat_model=model))
    try:
        yield rt
    finally:
        await rt.close()


async def say(rt: Runtime, user: int, text: str, kind: ChatKind = ChatKind.PRIVATE) -> Reply:
    chat = user if kind is ChatKind.PRIVATE else -100
    (reply,) = await talk(rt, Request(user_id=user, chat_id=chat, chat_kind=kind, text=text))
    return reply


async def seeded(rt: Runtime) -> list[str]:
    await talk(rt, Request(user_id=USER, chat_id=USER, callback_data="privacy:on"))
    for line in session_lines(CANARIES):
        await talk(rt, Request(user_id=USER, chat_id=USER, text=line))
    return needles(CANARIES)


def kept_turns(rt: Runtime) -> int:
    """Turns kept for fine-tuning; with the gate's drops they account for every turn."""
    privacy = rt.services.privacy
    kept, dropped = privacy.finetune.count(), privacy.gate_drops.by_reason().get(ALL_TURNS, 0)
    assert kept + dropped == len(session_lines(CANARIES)) and kept >= 4, (kept, dropped)
    return kept


@pytest.mark.parametrize("command", ["/audit", "/stats", "/export"])
async def test_refused_for_non_admins_and_in_groups(runtime: Runtime, command: str) -> None:
    privacy = runtime.services.privacy
    assert privacy is not None
    before = privacy.audit.count()
    reply = await say(runtime, OTHER, command)
    assert reply.text == "This command is for admins only." and reply.document is None
    reply = await say(runtime, ADMIN, command, ChatKind.GROUP)
    assert reply.text == "Please use this in a private chat with me." and reply.document is None
    assert privacy.audit.count() == before  # nothing was read, so nothing to audit


async def test_admin_commands_are_hidden_from_other_users_help(runtime: Runtime) -> None:
    assert "/export" not in (await say(runtime, OTHER, "/help")).text
    assert "/audit [N]" in (await say(runtime, ADMIN, "/help")).text


async def test_audit_shows_latest_redacted_records_and_is_audited(runtime: Runtime) -> None:
    assert (await say(runtime, ADMIN, "/audit")).text == "No fine-tuning records are kept yet."
    needles = await seeded(runtime)
    reply = await say(runtime, ADMIN, "/audit 3")
    assert reply.text.startswith("Latest 3 redacted records:")
    assert reply.text.count("\nQ: ") == 3 and LEAK in reply.text  # newest first
    assert [n for n in needles if n in reply.text] == []
    full = await say(runtime, ADMIN, "/audit 20")
    kept = kept_turns(runtime)
    assert full.text.count("\nQ: ") == kept and "<SEED_PHRASE>" in full.text
    for bad in ("0", "21", "many", "-1"):
        assert (await say(runtime, ADMIN, f"/audit {bad}")).text == (
            "Usage: /audit [N] with N from 1 to 20."
        )
    privacy = runtime.services.privacy
    assert privacy is not None
    views = privacy.audit.records(action="view", actor=privacy.pseudonym(ADMIN))
    assert [v.detail for v in views[:2]] == [f"records all: {kept} shown", "records all: 3 shown"]
    assert str(ADMIN) not in json.dumps([v.actor for v in views])


async def test_stats_counts(runtime: Runtime) -> None:
    await seeded(runtime)
    text = (await say(runtime, ADMIN, "/stats")).text
    lines = dict(line.split(": ", 1) for line in text.splitlines()[1:])
    assert lines["users"] == "1" and lines["consented users"] == "1"
    assert lines["messages kept"] == str(kept_turns(runtime)) and lines["flagged records"] == "0"
    assert lines["proposals"] == "0" and lines["orders"] == "0" and lines["errors"] == "0"
    assert "SEED_PHRASE 1" in lines["redactions by label"]
    privacy = runtime.services.privacy
    assert privacy is not None
    assert privacy.audit.records(limit=1)[0].detail == "stats"


async def test_export_sends_the_jsonl_document_and_records_it(runtime: Runtime) -> None:
    empty = await say(runtime, ADMIN, "/export")
    assert empty.document is None and empty.text.startswith("Nothing to export")
    needles = await seeded(runtime)
    reply = await say(runtime, ADMIN, "/export")
    assert reply.document is not None and reply.document.filename.endswith(".jsonl")
    kept = kept_turns(runtime)
    assert reply.text == "" and reply.document.caption.startswith(f"{kept} redacted records")
    body = reply.document.content.decode()
    docs = [json.loads(line) for line in body.splitlines()]
    assert len(docs) == kept and docs[0]["messages"][0]["content"].startswith("my seed is <SEED")
    assert [n for n in needles if n in body] == []
    privacy = runtime.services.privacy
    assert privacy is not None
    latest = privacy.audit.records(limit=1)[0]
    assert (latest.action, latest.actor) == ("export", privacy.pseudonym(ADMIN))
    assert latest.detail == f"finetune export: {kept} records"


async def test_incidents_are_counted_for_every_process(runtime: Runtime, make_settings) -> None:
    from bot.core.incidents import incident_reply

    for _ in range(2):
        incident_reply(RuntimeError("boom"))
    assert "errors: 2" in (await say(runtime, ADMIN, "/stats")).text
    # a second process over the same database (the web console) sees the same total
    other = await open_runtime(make_settings(admin_ids=[ADMIN]))
    try:
        assert other.services.admin is not None
        assert other.services.admin.stats("test").errors == 2
    finally:
        await other.close()
