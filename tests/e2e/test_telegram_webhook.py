"""Webhook mode: two worker processes' applications behind a load balancer, one PostgreSQL.
Both receive updates; a double Approve that reaches both workers places one order."""

from __future__ import annotations

import asyncio
import socket
from contextlib import AbstractAsyncContextManager

from aiohttp import ClientSession

from bot.app import Overrides
from bot.transports.telegram import BotApp, Launch, Webhook, build_application, serving
from tests.e2e import features
from tests.e2e.harness import ALICE, BOB, Chat, MovableClock, bot_settings
from tests.fakes.bot_api_server import BotApiServer
from tests.fakes.replay_market import ReplayMarket


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_two_webhook_workers_share_postgresql_and_place_one_order(
    tg: BotApiServer, make_settings, clock: MovableClock, pg_schema_url: tuple[str, str]
) -> None:
    db_url, schema = pg_schema_url
    settings = bot_settings(make_settings, tg.url, database_url=db_url, database_schema=schema)

    def worker(port: int) -> AbstractAsyncContextManager[BotApp]:
        overrides = Overrides(market=ReplayMarket(clock), extra_features=(features.register,))
        app = build_application(Launch(settings, overrides, clock))
        hook = Webhook(f"http://127.0.0.1:{port}/tg", "127.0.0.1", port)
        return serving(app, webhook=hook)

    ports = (_free_port(), _free_port())
    async with worker(ports[0]), worker(ports[1]):
        api = tg.api
        assert api.webhook_secret  # the workers registered a secret header
        api.balance_to = [f"http://127.0.0.1:{p}/tg" for p in ports]
        alice = Chat(api, ALICE, ALICE)
        for _ in range(4):  # alternating workers answer
            assert (await alice.say("/version")).text.startswith("qnabot")
        card = await alice.say("/buy BTC 50 USDT")
        await _press_twice_at_once(api, card, "approve:")
        if any(b["callback_data"].startswith("confirm:") for b in card.buttons):
            await _press_twice_at_once(api, card, "confirm:")
        orders = await alice.say("/orders")
        assert orders.text.count("#") == 1, orders.text
        assert (await Chat(api, BOB, BOB).say("/orders")).text.count("#") == 0
        assert set(api.webhook_statuses) == {200}
        assert api.calls_of("getUpdates") == []
        forged = {"update_id": 999, "message": {"message_id": 1, "date": 1, "text": "/buy BTC 1",
                  "chat": {"id": BOB, "type": "private"}, "from": {"id": BOB, "is_bot": False,
                  "first_name": "B"}}}  # fmt: skip
        # an update without Telegram's secret header is refused
        async with ClientSession() as session, session.post(api.balance_to[0], json=forged) as r:
            assert r.status == 403


async def _press_twice_at_once(api, card, prefix: str) -> None:
    data = next(b["callback_data"] for b in card.buttons if b["callback_data"].startswith(prefix))
    edits = card.edits
    ids = [await api.click(ALICE, card, data), await api.click(ALICE, card, data)]
    answers = await asyncio.gather(*(api.wait_answer(q) for q in ids))
    assert all(isinstance(a, dict) for a in answers)
    await api.wait_for(lambda: card.edits > edits, 20, "card edited")
    await asyncio.sleep(0.3)  # let the slower worker finish too
