"""The terminal chat runs the periodic jobs as `qnabot run` does: alerts fire, paper limit
orders fill and changed outcomes are announced without the user typing /orders."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from bot.app import Overrides, open_runtime
from bot.core.jobs import Scheduler
from bot.transports.console import ConsoleSession, run_console
from tests.e2e.harness import MovableClock
from tests.fakes.replay_market import ReplayMarket

USER = 7


@pytest.fixture
async def replayed(make_settings):
    """A runtime on the replayed market whose clock the test moves."""
    clock = MovableClock()
    settings = make_settings(market_candle_ttl_s=0, market_ticker_ttl_s=0, console_user_id=USER)
    runtime = await open_runtime(settings, clock=clock, overrides=Overrides(ReplayMarket(clock)))
    try:
        yield runtime, clock
    finally:
        await runtime.close()


async def hours_until_price(clock: MovableClock, symbol: str, target: Decimal) -> int:
    """Return how many hours from now the replayed price first reaches `target`."""
    probe = MovableClock(clock.now)
    market = ReplayMarket(probe)
    for hours in range(1, 24 * 30):
        probe.advance(hours=1)
        if (await market.fetch_ticker(symbol)).last >= target:
            return hours
    raise AssertionError("the replay never reaches the target")


async def buy_then_rest_a_limit_sell(session: ConsoleSession, runtime) -> Decimal:
    """Buy a little BTC, then leave a limit sell resting 0.2 % above the fill price."""
    await session.handle_line("/buy BTC 0.003")
    await session.handle_line("1")  # Approve
    price = runtime.services.trading.ledger(USER).positions[0].avg_cost
    target = (price * Decimal("1.002")).quantize(Decimal(1))
    await session.handle_line(f"/limit sell BTC 0.002 at {target}")
    await session.handle_line("1")
    assert runtime.services.trading.orders(USER)[0].status == "open"
    return target


async def test_jobs_run_in_the_terminal_chat_on_demand(replayed, tmp_path: Path) -> None:
    runtime, clock = replayed
    out = io.StringIO()
    session = ConsoleSession(runtime.conversation, out, USER, tmp_path)
    scheduler = Scheduler(runtime.conversation, session.notify, started=0.0)
    assert scheduler.names == ("alerts", "watches", "trades", "retention")  # the one job list
    assert await scheduler.run_due(0.5) == ()  # nothing is due before its first delay
    await session.handle_line("/alert BTC above 1")
    target = await buy_then_rest_a_limit_sell(session, runtime)
    before = out.getvalue()
    clock.advance(hours=await hours_until_price(clock, "BTC/USDT", target))
    assert await scheduler.run_due(61.0) == ("alerts", "watches", "trades", "retention")
    told = out.getvalue()[len(before) :]
    assert "Alert #1: BTC/USDT closes above 1" in told
    assert f"Order #2 SELL 0.002 BTC limit {target}: open → filled at " in told
    assert await scheduler.run_due(62.0) == ()  # not due again before its interval
    assert await scheduler.run_due(91.0) == ("trades",)
    assert out.getvalue().count("→ filled") == 1  # told once


class ScriptedInput(io.TextIOBase):
    """Lines for `run_console`; a callable step runs in the reader thread and gives a line."""

    def __init__(self, steps: list[str | Callable[[], str]]) -> None:
        self._steps = iter(steps)

    def readline(self, size: int = -1) -> str:
        step = next(self._steps, "")
        return step() if callable(step) else step

    def isatty(self) -> bool:
        return False


async def test_qnabot_chat_loop_announces_a_fill_by_itself(replayed, tmp_path: Path) -> None:
    runtime, clock = replayed
    probe = io.StringIO()
    target = await buy_then_rest_a_limit_sell(
        ConsoleSession(runtime.conversation, probe, USER, tmp_path), runtime
    )
    hours = await hours_until_price(clock, "BTC/USDT", target)
    out = io.StringIO()

    def later() -> str:
        """Let market time pass, then wait (in the reader thread) for the announcement."""
        clock.advance(hours=hours)
        deadline = time.monotonic() + 30
        while "→ filled" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.02)
        return "/quit\n"

    script = ScriptedInput(["/version\n", later])
    jobs_clock = lambda: clock.now.timestamp()  # noqa: E731 - the jobs see the moved clock
    await asyncio.wait_for(
        run_console(
            runtime.conversation, script, out, user_id=USER, outbox=tmp_path, jobs_clock=jobs_clock
        ),
        timeout=60,
    )
    assert f"Order #2 SELL 0.002 BTC limit {target}: open → filled at " in out.getvalue()
    assert "/orders" not in out.getvalue() and "Recent orders" not in out.getvalue()
    assert runtime.services.trading.orders(USER)[0].status == "filled"


# -- numbered buttons: only the latest message's, only while it is the latest ------------


def chat_lines(tmp_path: Path, *lines: str) -> str:
    """Run the real `qnabot chat` on these lines; return what it printed."""
    from tests.conftest import run_qnabot

    env = {"QNABOT_LLM_BACKEND": "extractive", "QNABOT_CONSOLE_USER_ID": str(USER)}
    proc = run_qnabot(tmp_path, "chat", stdin="".join(f"{line}\n" for line in lines), env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_a_number_after_a_message_without_buttons_is_text(tmp_path: Path) -> None:
    out = chat_lines(
        tmp_path,
        "buy 50 usdt of btc now!! to the moon",  # a FOMO-warned card
        "1",  # Approve -> "Yes, place it" asked
        "/version",  # a message without buttons: the confirmation is no longer the latest
        "1",
        "/buy BTC 0.001",
        "/price BTC",
        "1",
        "/orders",
    )
    assert "[1] Yes, place it" in out
    assert "No orders yet." in out and "filled" not in out


def test_a_number_presses_the_latest_messages_button(tmp_path: Path) -> None:
    out = chat_lines(tmp_path, "/buy BTC 0.001", "1", "/orders")
    assert "[1] ✅ Approve  [2] ❌ Reject" in out
    assert "#1 BUY 0.001 BTC market — filled at" in out.split("Recent orders:")[1]


def test_stale_erase_button_after_two_charts_erases_nothing(tmp_path: Path) -> None:
    out = chat_lines(tmp_path, "/forget", "/chart BTC", "/chart ETH", "1", "/mydata")
    assert "[1] Erase everything" in out and out.count("[file saved:") == 2
    assert "erased" not in out.lower().split("[1] erase everything")[1]


async def test_a_job_message_retires_the_buttons_shown_before_it(replayed, tmp_path) -> None:
    from bot.core.conversation import Reply

    runtime, _ = replayed
    out = io.StringIO()
    session = ConsoleSession(runtime.conversation, out, USER, tmp_path)
    await session.handle_line("/buy BTC 0.001")
    assert await session.notify(USER, Reply(text="Alert #1: …")) is True
    assert await session.notify(USER + 1, Reply(text="not yours")) is False  # kept for later
    await session.handle_line("1")
    assert runtime.services.trading.orders(USER) == ()
    assert "not yours" not in out.getvalue()


async def test_approving_after_a_price_move_shows_a_fresh_card(make_settings, tmp_path) -> None:
    clock = MovableClock()
    settings = make_settings(
        market_ticker_ttl_s=0, console_user_id=USER, proposal_ttl_s=600, price_tolerance_pct=0.001
    )
    runtime = await open_runtime(settings, clock=clock, overrides=Overrides(ReplayMarket(clock)))
    try:
        out = io.StringIO()
        session = ConsoleSession(runtime.conversation, out, USER, tmp_path)
        clock.advance(minutes=59 - clock.now.minute)  # the next hourly close is a minute away
        await session.handle_line("/buy BTC 0.003")
        old = (await ReplayMarket(clock).fetch_ticker("BTC/USDT")).last
        clock.advance(minutes=2)
        new = (await ReplayMarket(clock).fetch_ticker("BTC/USDT")).last
        assert abs(new - old) / old > Decimal("0.00001")
        before = len(out.getvalue())
        await session.handle_line("1")  # Approve the first card
        shown = out.getvalue()[before:]
        assert f"The price moved from {old.normalize():f} to {new.normalize():f}" in shown
        assert f"Price now: {new.normalize():f} USDT" in shown
        assert runtime.services.trading.orders(USER) == ()  # nothing was bought
    finally:
        await runtime.close()


async def test_sell_all_says_what_holds_a_protected_position(replayed, tmp_path: Path) -> None:
    """'/sell BTC all' with the BTC locked by its stop/tp legs: not a bare 'no free BTC'."""
    runtime, _ = replayed
    out = io.StringIO()
    session = ConsoleSession(runtime.conversation, out, USER, tmp_path)
    await session.handle_line("/buy BTC 0.001 stop 50000 tp 70000")
    await session.handle_line("1")  # Approve
    before = out.getvalue()
    await session.handle_line("/sell BTC all")
    said = out.getvalue()[len(before) :]
    assert "0.001 BTC" in said and "/panic flatten" in said and "/cancel" in said, said
    assert runtime.services.trading.orders(USER)[0].status == "open"  # nothing was sold


async def test_cancelling_one_leg_says_its_pair_went_too(replayed, tmp_path: Path) -> None:
    """/cancel of the stop leg also cancels the take-profit (one OCO pair): the reply says so."""
    runtime, _ = replayed
    out = io.StringIO()
    session = ConsoleSession(runtime.conversation, out, USER, tmp_path)
    await session.handle_line("/buy BTC 0.001 stop 50000 tp 70000")
    await session.handle_line("1")  # Approve
    legs = {o.id: o for o in runtime.services.trading.orders(USER) if o.status == "open"}
    assert len(legs) == 2
    stop_id, tp_id = sorted(legs)
    before = out.getvalue()
    await session.handle_line(f"/cancel {stop_id}")
    said = out.getvalue()[len(before) :]
    assert f"Cancelled: #{stop_id}" in said and f"#{tp_id} take-profit" in said, said
    assert all(o.status != "open" for o in runtime.services.trading.orders(USER))


async def test_sell_half_proposes_half_the_free_coins(replayed, tmp_path: Path) -> None:
    runtime, _ = replayed
    out = io.StringIO()
    session = ConsoleSession(runtime.conversation, out, USER, tmp_path)
    await session.handle_line("/buy BTC 0.002")
    await session.handle_line("1")  # Approve
    before = out.getvalue()
    await session.handle_line("BTCを半分売って")
    said = out.getvalue()[len(before) :]
    assert "📝 Proposal (paper): SELL 0.001 BTC (market)" in said, said


@pytest.mark.parametrize("line", ["cancel all my orders", "注文を全部キャンセルして"])
async def test_cancel_all_in_words_proposes_the_panic_card(
    replayed, tmp_path: Path, line: str
) -> None:
    runtime, _ = replayed
    out = io.StringIO()
    session = ConsoleSession(runtime.conversation, out, USER, tmp_path)
    await session.handle_line(line)
    said = out.getvalue()
    assert "🚨 Panic (paper): cancel ALL your open orders." in said and "[1] Approve" in said
    assert "SELL every position" not in said  # positions stay
