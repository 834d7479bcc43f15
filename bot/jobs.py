"""Periodic jobs the transport schedules (PTB JobQueue in bot.telegram).

A job is a plain coroutine over the runtime plus a `Notify` that sends a Reply to a chat and
says whether it was delivered; it never sees Telegram. Jobs persist their progress in the
database, so a restart neither loses nor repeats work.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.conversation import Reply

if TYPE_CHECKING:
    from bot.app import Runtime
    from trading.alerts import Firing

log = logging.getLogger(__name__)

RETENTION_EVERY_S = 6 * 3600
Notify = Callable[[int, Reply], Awaitable[bool]]
"""Send `reply` to chat `chat_id`; return False when it should be retried later."""


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    interval_s: float
    first_s: float
    run: Callable[[Runtime, Notify], Awaitable[None]]


async def check_alerts(runtime: Runtime, notify: Notify) -> None:
    """Evaluate alerts on newly closed candles, then send what fired (paced per user)."""
    from bot.handlers.alerts import firing_text

    service = runtime.services.alerts
    if service is None:
        return
    fired = await service.check()

    async def send(firing: Firing) -> bool:
        return await notify(firing.alert.chat_id, Reply(text=firing_text(firing)))

    sent = await service.deliver_due(send)
    if fired or sent:
        log.info("alerts fired=%d sent=%d", fired, sent)


async def settle_trades(runtime: Runtime, notify: Notify) -> None:
    """Expire stale proposals and reconcile unsettled orders (also right after a restart)."""
    from trading.errors import TradingError

    service = runtime.services.trading
    if service is None:
        return
    expired = service.expire_due()
    try:
        settled = await service.reconcile()
    except TradingError as err:  # exchange down: the next run tries again
        log.warning("trade reconcile postponed kind=%s", type(err).__name__)
        return
    if expired or settled:
        log.info("trades expired=%d settled=%d", expired, settled)


async def apply_retention(runtime: Runtime, _notify: Notify) -> None:
    """Delete kept turns and audit records older than the retention settings."""
    privacy = runtime.services.privacy
    if privacy is None:
        return
    report = await asyncio.to_thread(privacy.run_retention, runtime.services.clock())
    log.info("retention deleted=%d", report.total)


def periodic_jobs(runtime: Runtime) -> list[PeriodicJob]:
    """Return the jobs to schedule for this runtime."""
    settings = runtime.services.settings
    return [
        PeriodicJob("alerts", settings.alert_check_interval_s, 2.0, check_alerts),
        PeriodicJob("trades", 30.0, 1.0, settle_trades),
        PeriodicJob("retention", RETENTION_EVERY_S, 60.0, apply_retention),
    ]
