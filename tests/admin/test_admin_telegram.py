"""Admin commands over the real PTB application and the local Bot API server: /export arrives
as a JSONL document (multipart sendDocument), refused for non-admins and in groups."""

from __future__ import annotations

import asyncio
import json
import time

from bot.app import Overrides
from tests.admin.conftest import leaky_model
from tests.canaries import make_canaries, needles
from tests.e2e.harness import ADMIN, ALICE, Chat, MovableClock, bot_settings, running_bot, telegram


async def test_export_over_telegram_sends_a_redacted_document(make_settings) -> None:
    canaries = make_canaries()
    line = f"mail me at {canaries['email']} or call {canaries['phone']}"
    overrides = Overrides(chat_model=leaky_model([line]))
    async with telegram() as tg:
        settings = bot_settings(make_settings, tg.url)
        async with running_bot(settings, MovableClock(), overrides) as app:
            alice, admin = Chat(tg.api, ALICE, ALICE), Chat(tg.api, ADMIN, ADMIN)
            card = await alice.say("/privacy")
            await alice.press(card, card.button("Opt in")["callback_data"])
            await alice.say(line, timeout=30)
            privacy = app.bot_data.runtime.services.privacy
            assert privacy is not None
            deadline = time.monotonic() + 20
            while privacy.finetune.count() == 0:  # the turn is kept once the answer is final
                assert time.monotonic() < deadline
                await asyncio.sleep(0.05)

            refused = await alice.say("/export")
            assert refused.text == "This command is for admins only." and refused.document is None
            group = Chat(tg.api, ADMIN, -4242)
            in_group = await group.say("/export")
            assert in_group.document is None and "private chat" in in_group.text

            sent = await admin.say("/export", timeout=30)
            assert sent.filename is not None and sent.filename.endswith(".jsonl")
            assert sent.text.startswith("1 redacted record (JSONL).")  # the caption
            assert sent.document is not None
            body = sent.document.decode()
            (doc,) = [json.loads(x) for x in body.splitlines()]
            assert doc["messages"][0]["content"] == "mail me at <EMAIL> or call <PHONE>"
            assert [n for n in needles(canaries) if n in body] == []
            latest = privacy.audit.records(limit=1)[0]
            assert latest.action == "export" and latest.actor == privacy.pseudonym(ADMIN)
