"""The periodic jobs the transport schedules, run directly on a real runtime."""

from __future__ import annotations

from decimal import Decimal

from bot.app import Overrides, open_runtime
from bot.conversation import Reply
from bot.jobs import apply_retention, check_alerts, periodic_jobs
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
        assert "Redacted conversation turns kept for fine-tuning: 1." in before
        assert "Redacted conversation turns kept for fine-tuning: 1." not in after  # deleted
    finally:
        await runtime.close()
