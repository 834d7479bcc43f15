"""Watches in the terminal chat (on SQLite and PostgreSQL): a rule triggers through the one
scheduler's run_due, sends a proposal card with the facts, and only an approval places an
order; once/cooldown, a restart, caps, the Remove button and /forget."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from bot.app import Overrides, open_runtime
from bot.core.jobs import Scheduler
from bot.transports.console import ConsoleSession
from tests.e2e.harness import MovableClock
from tests.fakes.replay_market import ReplayMarket
from trading.ports import Side
from trading.watches import Level

USER, OTHER = 7, 8


class Chat:
    """A terminal chat session plus the scheduler, on a runtime whose market clock moves."""

    def __init__(self, runtime, clock: MovableClock, tmp_path: Path, user: int = USER) -> None:
        self.runtime, self.clock, self.out = runtime, clock, io.StringIO()
        self.session = ConsoleSession(runtime.conversation, self.out, user, tmp_path)
        self.scheduler = Scheduler(runtime.conversation, self.session.notify, started=0.0)
        self.tick = 0.0

    async def say(self, line: str) -> str:
        before = len(self.out.getvalue())
        await self.session.handle_line(line)
        return self.out.getvalue()[before:]

    async def later(self, **move: float) -> str:
        """Let market time pass, run the due jobs; return what the chat was told."""
        self.clock.advance(**move)
        before = len(self.out.getvalue())
        self.tick += 100.0
        await self.scheduler.run_due(self.tick)
        return self.out.getvalue()[before:]


@pytest.fixture
def open_chat(make_settings, store, tmp_path: Path):
    """Return `open(clock)`: an async context manager with a Chat on a fresh runtime."""
    from contextlib import asynccontextmanager

    url, schema = store

    @asynccontextmanager
    async def opened(clock: MovableClock, **extra: object):
        settings = make_settings(
            database_url=url,
            database_schema=schema or "",
            market_candle_ttl_s=0,
            market_ticker_ttl_s=0,
            console_user_id=USER,
            **extra,
        )
        runtime = await open_runtime(
            settings, clock=clock, overrides=Overrides(ReplayMarket(clock))
        )
        try:
            yield Chat(runtime, clock, tmp_path)
        finally:
            await runtime.close()

    return opened


async def test_a_rule_proposes_a_card_and_only_approval_places_an_order(open_chat) -> None:
    clock = MovableClock()
    async with open_chat(clock) as chat:
        set_reply = await chat.say("/watch ETH above 1 1h buy 50 USDT stop 3% tp 6%")
        assert "Watch #1 set: when ETH/USDT closes above 1 (1h candles)" in set_reply
        assert "BUY 50 USDT of ETH · stop 3% · tp 6% · once" in set_reply
        assert await chat.later(minutes=1) == ""  # the candle open at creation has not closed
        told = await chat.later(hours=1)
        assert "🔔 Watch #1: ETH/USDT closes above 1 (1h candles) — close " in told
        assert "on the candle closed 2024-08-10 13:00 UTC" in told
        assert "📝 Proposal (paper): BUY" in told and "[1] ✅ Approve" in told
        trading = chat.runtime.services.trading
        assert trading.orders(USER) == ()  # a trigger never trades by itself
        close = Decimal(told.split("(close ")[1].split(")")[0])
        stop, tp = Level(Decimal(3), True), Level(Decimal(6), True)
        expected_stop = stop.price_from(close, Side.BUY, stop=True)
        assert expected_stop == close * Decimal("0.97")
        view = trading.proposal(_proposal_id(chat), USER)
        assert view.stop_loss == expected_stop
        assert view.take_profit == tp.price_from(close, Side.BUY, stop=False)
        approved = await chat.say("1")  # Approve on the card
        assert "filled" in approved, approved
        assert len(_buys(chat)) == 1
        assert "🔔" not in await chat.later(hours=1)  # once: done after its trigger
        assert (await chat.say("/watches")).startswith("You have no watches.")
        assert len(_buys(chat)) == 1  # (protective legs, if any, are sells)
        watches = chat.runtime.services.watches
        assert await watches.describe_user(USER) != []  # the finished rule is kept a day
        await chat.later(days=2)
        assert await watches.describe_user(USER) == []  # then dropped


def _buys(chat: Chat) -> list[object]:
    return [o for o in chat.runtime.services.trading.orders(USER) if o.side == "buy"]


def _proposal_id(chat: Chat) -> str:
    from sqlmodel import Session, select

    from trading.models import TradeProposal

    with Session(chat.runtime.services.engine) as session:
        rows = session.exec(select(TradeProposal)).all()
    assert len(rows) == 1
    return rows[0].id


async def test_repeating_rule_waits_for_its_cooldown(open_chat) -> None:
    clock = MovableClock()
    async with open_chat(clock) as chat:
        await chat.say("/watch BTC above 1 5m buy 0.001 every 30m")
        first = await chat.later(minutes=6)
        assert first.count("🔔 Watch #1") == 1
        assert await chat.later(minutes=10) == ""  # quiet for 30 minutes after the trigger
        assert await chat.later(minutes=10) == ""
        again = await chat.later(minutes=15)  # candles closing 30 min after the first
        assert again.count("🔔 Watch #1") == 1
        assert "repeats, at most every 0.5 h" in await chat.say("/watches")


async def test_refused_trade_says_why_and_places_nothing(open_chat) -> None:
    clock = MovableClock()
    async with open_chat(clock) as chat:
        await chat.say("/watch BTC above 1 5m buy 5 BTC")  # far beyond the paper wallet
        told = await chat.later(minutes=6)
        assert "🔔 Watch #1" in told and "No card this time:" in told
        assert "Approve" not in told
        assert chat.runtime.services.trading.orders(USER) == ()


async def test_watches_survive_a_restart_and_fire_once(open_chat) -> None:
    clock = MovableClock()
    async with open_chat(clock) as chat:
        await chat.say("/watch SOL above 1 1h buy 0.1")
    clock.advance(hours=2)  # candles close while the bot is down
    async with open_chat(clock) as chat:
        assert "#1 when SOL/USDT closes above 1" in await chat.say("/watches")
        told = await chat.later(seconds=1)
        assert told.count("🔔 Watch #1") == 1
        assert "candle closed 2024-08-10 13:00 UTC" in told  # the first after creation
        assert await chat.later(hours=1) == ""


async def test_caps_remove_button_and_forget(open_chat) -> None:
    clock = MovableClock()
    async with open_chat(clock, watch_max_per_user=2) as chat:
        await chat.say("/watch BTC above 1000000 buy 0.001")
        await chat.say("/watch ETH rsi<5 1h buy 10 USDT")
        assert "too many watches" in await chat.say("/watch SOL above 1000 buy 1")
        listing = await chat.say("/watches")
        assert "[1] Remove #1" in listing and "[2] Remove #2" in listing
        pressed = await chat.say("1")  # the Remove button (unwatch:1): the list again
        assert "#1 when" not in pressed and "Remove #2" in pressed
        assert "#1 when" not in await chat.say("/watches")
        assert "Watch #3 set" in await chat.say("/watch SOL above 1000 buy 1")
        assert await chat.say("/unwatch 1") == "You have no watch #1.\n"
        watches = chat.runtime.services.watches
        assert len(await watches.list_for(USER)) == 2
        await chat.say("/forget")
        await chat.say("1")  # confirm the erase
        assert await watches.list_for(USER) == []
        assert await watches.forget_user(USER) == 0  # nothing of theirs is left


@pytest.mark.parametrize(
    "line",
    [
        "ETHのRSIが95を下回ったら50USDT買いを提案して",
        "when ETH RSI drops below 95 on 1h, propose buying 50 USDT with stop 3%",
    ],
)
async def test_natural_phrasing_sets_a_watch(open_chat, line: str) -> None:
    clock = MovableClock()
    async with open_chat(clock) as chat:
        reply = await chat.say(line)
        assert "Watch #1 set: when ETH/USDT RSI(14) below 95 (1h candles)" in reply, reply
        assert chat.runtime.services.trading.orders(USER) == ()


async def test_a_card_that_could_not_be_sent_is_proposed_again(open_chat) -> None:
    from bot.core.conversation import Reply

    clock = MovableClock()
    async with open_chat(clock) as chat:
        await chat.say("/watch BTC above 1 5m buy 0.001")
        sent: list[str] = []
        down = True

        async def notify(chat_id: int, reply: Reply) -> bool:
            if down:
                return False  # the transport could not deliver it
            sent.append(reply.text)
            return True

        scheduler = Scheduler(chat.runtime.conversation, notify, started=0.0)
        clock.advance(minutes=6)
        await scheduler.run_due(100.0)
        assert sent == [] and len(await chat.runtime.services.watches.list_for(USER)) == 1
        down = False
        await scheduler.run_due(200.0)
        assert len(sent) == 1 and sent[0].startswith("🔔 Watch #1")
        assert "candle closed 2024-08-10 12:05 UTC" in sent[0]  # the same trigger, not a later one
        await scheduler.run_due(300.0)
        assert len(sent) == 1  # once: delivered once
        assert chat.runtime.services.trading.orders(USER) == ()


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("BTCが70000を超えたら教えて", "BTC/USDT closes above 70000 (5m candles)"),
        ("alert me when ETH RSI drops below 30 on 1h", "ETH/USDT RSI(14) below 30 (1h candles)"),
    ],
)
async def test_natural_phrasing_sets_an_alert(open_chat, line: str, rule: str) -> None:
    """The terminal answered 'BTCが70000を超えたら教えて' with the price and set nothing."""
    async with open_chat(MovableClock()) as chat:
        reply = await chat.say(line)
        assert f"Alert #1 set: {rule}" in reply, reply
        (alert,) = await chat.runtime.services.alerts.list_for(USER)
        assert alert.rule.symbol == rule.split()[0]


async def test_a_japanese_terminal_chat_is_told_in_japanese(open_chat, tmp_path: Path) -> None:
    """QNABOT_CONSOLE_LANGUAGE=ja: the rule, its trigger and the alert the jobs send later
    are Japanese (the jobs read the language the chat last used from the user's prefs)."""
    from bot.core.i18n import JAPANESE
    from tests.i18n.english_words import english_words

    clock = MovableClock()
    async with open_chat(clock) as chat:
        chat.session = ConsoleSession(
            chat.runtime.conversation, chat.out, USER, tmp_path, language=JAPANESE
        )
        chat.scheduler = Scheduler(chat.runtime.conversation, chat.session.notify, started=0.0)
        await chat.say("/tz Asia/Tokyo")
        set_reply = await chat.say("/watch ETH > 1 1h 買い 50 USDT 損切り 3%")
        assert set_reply.startswith("監視ルール #1 を設定しました: ETH/USDT の1時間足終値が 1 を")
        assert (await chat.say("/alert BTC > 1 1h")).startswith("アラート #1 を設定しました")
        told = await chat.later(hours=1, minutes=1)
        assert "🔔 監視ルール #1: ETH/USDT の1時間足終値が 1 を上回りました（終値 " in told
        assert "🔔 アラート #1: BTC/USDT の1時間足終値が 1 を上回りました（終値 " in told
        assert "2024-08-10 22:00 JST に確定した足）" in told  # 13:00 UTC
        assert english_words(told.replace(" JST ", " ")) == [], told
