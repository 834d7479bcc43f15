"""Analysis → proposal → approval → one paper order, over Telegram: other users' clicks,
double clicks, expired buttons, and trading refused in groups."""

from __future__ import annotations

from tests.e2e.harness import ALICE, BOB, GROUP, Chat, MovableClock
from tests.fakes.bot_api_server import BotApiServer, SentMessage


def _data(message: SentMessage, prefix: str) -> str:
    return next(
        b["callback_data"] for b in message.buttons if b["callback_data"].startswith(prefix)
    )


async def _approve(chat: Chat, card: SentMessage) -> dict[str, object]:
    """Press Approve, and "Yes, place it" when the emotion guard asks to confirm."""
    edits = card.edits
    answer = await chat.press(card, _data(card, "approve:"))
    await chat.api.wait_for(lambda: card.edits > edits, 10, "card edited")
    confirm = [b for b in card.buttons if b["callback_data"].startswith("confirm:")]
    if confirm:
        answer = await chat.press(card, confirm[0]["callback_data"])
    return answer


async def test_analysis_proposal_approval_places_exactly_one_order(
    tg: BotApiServer, bot, clock: MovableClock
) -> None:
    api = tg.api
    alice, bob = Chat(api, ALICE, ALICE), Chat(api, BOB, BOB)
    report = await alice.say("/ta BTC 1h")
    assert "BTC/USDT" in report.text and report.buttons
    card = await alice.say("/buy BTC 50 USDT")
    assert any(b["callback_data"].startswith("approve:") for b in card.buttons)
    approve = _data(card, "approve:")

    bob_answer = await bob.press(card, approve)  # not Bob's proposal
    assert bob_answer["text"]
    assert "#1" not in (await alice.say("/orders")).text  # nothing was placed for anyone

    await _approve(alice, card)
    await api.wait_for(lambda: "approve:" not in str(card.buttons), what="card decided")
    again = await alice.press(card, approve)  # double click on a decided proposal
    assert again["text"]
    orders = await alice.say("/orders")
    assert orders.text.count("#") == 1, orders.text  # exactly one order
    assert "BUY" in orders.text and "BTC" in orders.text and "filled" in orders.text

    expiring = await alice.say("/buy BTC 20 USDT")
    clock.advance(minutes=5)  # past QNABOT_PROPOSAL_TTL_S (60 s)
    expired = await alice.press(expiring, _data(expiring, "approve:"))
    assert "expired" in str(expired["text"]).lower()
    assert (await alice.say("/orders")).text.count("#") == 1


async def test_trading_is_private_only(tg: BotApiServer, bot) -> None:
    reply = await Chat(tg.api, ALICE, GROUP).say("/buy BTC 50 USDT")
    assert reply.text == "Please use this in a private chat with me."


async def test_forwarded_trade_text_creates_no_proposal(tg: BotApiServer, bot) -> None:
    api = tg.api
    before = api.count(ALICE)
    await api.send_text(ALICE, "/buy BTC 50 USDT", forwarded=True)
    reply = await api.wait_reply(ALICE, before)
    assert reply.text == "I don't act on forwarded messages. Type the trade yourself."
    assert not reply.buttons
