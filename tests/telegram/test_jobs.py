"""The periodic jobs the transport schedules, run directly on a real runtime."""

from __future__ import annotations

from decimal import Decimal

from bot.app import Overrides, open_runtime
from bot.core.conversation import Reply
from bot.core.jobs import apply_retention, check_alerts, periodic_jobs
from tests.e2e.harness import MovableClock
from tests.fakes.replay_market import ReplayMarket
from trading.alerts import AlertKind, AlertRule


async def test_jobs_alerts_and_retention(make_settings) -> None:
    clock = MovableClock()
    # no candle cache: the test moves the injected clock, not the cache's monotonic time
    settings = make_settings(
        retention_finetune_days=30, alert_check_interval_s=15, market_candle_ttl_s=0
    )
    runtime = await open_runtime(settings, clock=clock, overrides=Overrides(ReplayMarket(clock)))
    try:
        jobs = {job.name: job for job in periodic_jobs(runtime)}
        assert jobs["alerts"].interval_s == 15 and "retention" in jobs
        services = runtime.services
        assert services.privacy is not None and services.alerts is not None
        services.privacy.set_consent(7, True)
        assert services.privacy.record_turn(7, "what is rsi", "RSI is ...") is not None
        before = await services.privacy.describe_user(7)
        rule = AlertRule("BTC/USDT", AlertKind.PRICE_ABOVE, Decimal(1), "5m")
        await services.alerts.add(7, 7, rule)
        sent: list[tuple[int, Reply]] = []

        async def notify(chat_id: int, reply: Reply) -> bool:
            sent.append((chat_id, reply))
            return True

        clock.advance(minutes=10)
        await check_alerts(runtime, notify)
        assert [c for c, _ in sent] == [7] and sent[0][1].text.startswith("Alert #1:")
        clock.advance(days=31)
        await apply_retention(runtime, notify)
        after = await services.privacy.describe_user(7)
        kept = {i.code: i.count for i in before}, {i.code: i.count for i in after}
        turns = {"consent_on": None, "kept_turns": 1}, {"consent_on": None, "kept_turns": 0}
        assert kept == turns
    finally:
        await runtime.close()


async def test_trades_job_announces_each_changed_outcome(make_settings) -> None:
    """A resting paper limit order that fills later is announced without the user asking."""
    from bot.core.jobs import settle_trades

    clock = MovableClock()
    settings = make_settings(market_candle_ttl_s=0, market_ticker_ttl_s=0)
    runtime = await open_runtime(settings, clock=clock, overrides=Overrides(ReplayMarket(clock)))
    conv = runtime.conversation
    try:
        await _approve(runtime, "/buy BTC 0.003")
        price = runtime.services.trading.ledger(7).positions[0].avg_cost
        target = (price * Decimal("1.002")).quantize(Decimal(1))
        await _approve(runtime, f"/limit sell BTC 0.002 at {target}")
        sent: list[tuple[int, Reply]] = []

        async def notify(chat_id: int, reply: Reply) -> bool:
            sent.append((chat_id, reply))
            return True

        hours = 0
        while not sent and hours < 24 * 20:
            clock.advance(hours=1)
            hours += 1
            await settle_trades(runtime, notify)
        # it filled because the price reached the limit: a candle's high since it was placed
        candles = await runtime.services.market.fetch_candles("BTC/USDT", "1h", hours + 1)
        assert Decimal(str(candles.frame["high"].max())) >= target
        [(chat, reply)] = sent
        assert chat == 7
        assert reply.text.startswith("Order #2 SELL 0.002 BTC limit ")
        assert f"limit {target}: open → filled at " in reply.text and "fee" in reply.text
        orders = await conv.handle(_req("/orders"))
        assert "#2 SELL 0.002 BTC limit" in orders[0].text and "— filled at" in orders[0].text
        await settle_trades(runtime, notify)
        assert len(sent) == 1  # told once
    finally:
        await runtime.close()


async def test_trades_job_announces_an_order_settled_as_not_placed(make_settings) -> None:
    from bot.core.jobs import settle_trades
    from trading.service import new_order

    clock = MovableClock()
    runtime = await open_runtime(
        make_settings(), clock=clock, overrides=Overrides(ReplayMarket(clock))
    )
    try:
        trading = runtime.services.trading
        card = (await runtime.conversation.handle(_req("/buy ETH 0.01")))[0]
        proposal = trading.store.proposal(card.buttons[0][0].data.split(":")[1])
        # a crash after recording the order but before sending it
        trading.store.claim(
            proposal, new_order(proposal, 0, "buy", proposal.amount, clock()), clock()
        )
        orders = (await runtime.conversation.handle(_req("/orders")))[0].text
        assert "— checking…" in orders and "not placed" not in orders
        sent: list[tuple[int, Reply]] = []

        async def notify(chat_id: int, reply: Reply) -> bool:
            sent.append((chat_id, reply))
            return True

        clock.advance(seconds=61)  # past the request's recvWindow: it can no longer appear
        await settle_trades(runtime, notify)
        assert [(c, r.text) for c, r in sent] == [
            (7, "Order #1 BUY 0.01 ETH market: checking… → not placed")
        ]
    finally:
        await runtime.close()


def _req(text: str):
    from bot.core.conversation import Request

    return Request(user_id=7, chat_id=7, text=text)


async def _approve(runtime, text: str) -> None:
    from bot.core.conversation import Request

    conv = runtime.conversation
    [card] = await conv.handle(_req(text))
    approve = card.buttons[0][0].data
    [done] = await conv.handle(Request(user_id=7, chat_id=7, callback_data=approve))
    assert "filled" in done.text or "open" in done.text, done.text
