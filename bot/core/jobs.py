"""The periodic jobs (alerts, watches, trades, retention) and the one scheduler that runs them.

`periodic_jobs` is the one job list. The Telegram transport runs it on PTB's JobQueue; the
terminal chat (and any other transport) runs it with `Scheduler`, whose `run_due(now)` is
also the seam tests use to run due jobs on demand instead of sleeping. A job is a plain
coroutine over the runtime plus a `Notify` that sends a Reply to a chat and says whether it
was delivered; it never sees a transport. Jobs persist their progress in the database, so a
restart neither loses nor repeats work.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.conversation import Reply
from bot.core.formats import DEFAULT_ZONE
from bot.core.i18n import ENGLISH
from bot.core.incidents import incident_reply
from bot.core.services import Services
from bot.core.wording import Worded
from bot.features.alerts.render import firing_text, trigger_refused, trigger_text
from bot.features.trading.handlers import proposal_card
from bot.features.trading.render import outcome_text
from trading.alerts import Firing

log = logging.getLogger(__name__)

RETENTION_EVERY_S = 6 * 3600


class Runtime(Protocol):
    """What a job runs on: the running bot's services (bot.app.Runtime)."""

    @property
    def services(self) -> Services: ...


# Send `reply` to chat `chat_id`; return False when it should be retried later.
Notify = Callable[[int, Reply], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads a message nobody asked for: the language and time zone to write it in."""

    language: str = ENGLISH
    zone: str = DEFAULT_ZONE


def reader(services: Services, user_id: int) -> Reader:
    """Return the language and zone to write to the user in, from their stored preferences
    (a job has no request, so no Telegram language_code: bot.core.prefs decides)."""
    prefs = services.prefs.get(user_id)
    return Reader(prefs.language_for(None), prefs.zone_name)


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    interval_s: float
    first_s: float
    run: Callable[[Runtime, Notify], Awaitable[None]]


async def check_alerts(runtime: Runtime, notify: Notify) -> None:
    """Evaluate alerts on newly closed candles, then send what fired (paced per user)."""
    services = runtime.services
    service = services.alerts
    fired = await service.check()

    async def send(firing: Firing) -> bool:
        who = reader(services, firing.alert.user_id)
        text = firing_text(firing, who.language, who.zone)
        return await notify(firing.alert.chat_id, Reply(text=text))

    sent = await service.deliver_due(send)
    if fired or sent:
        log.info("alerts fired=%d sent=%d", fired, sent)


async def propose_from_watches(runtime: Runtime, notify: Notify) -> None:
    """Evaluate watches on newly closed candles; send each trigger's card (or why none)."""
    services = runtime.services
    for item in await services.watches.check():
        watch = item.trigger.watch
        who = reader(services, watch.user_id)
        if item.proposal is None:
            reason = Worded(item.refusal) if item.refusal else ""
            text = trigger_refused(item.trigger, reason, who.language, who.zone)
            reply = Reply(text=text)
        else:
            card = item.proposal
            shown = await proposal_card(services, watch.user_id, card, who.language, who.zone)
            facts = trigger_text(item.trigger, who.language, who.zone)
            reply = Reply(text=f"{facts}\n\n{shown.text}", buttons=shown.buttons)
        if not await notify(watch.chat_id, reply):  # the next run proposes afresh
            log.warning("watch card not delivered watch=%s", watch.id)
            await services.watches.release(item.trigger)


async def settle_trades(runtime: Runtime, notify: Notify) -> None:
    """Expire stale proposals, settle unsettled and open orders, and tell users what changed."""
    from trading.errors import TradingError
    from trading.precision import Steps

    service = runtime.services.trading
    expired = service.expire_due()
    try:
        changes = await service.settle_orders()
    except TradingError as err:  # exchange down: the next run tries again
        log.warning("trade reconcile postponed kind=%s", type(err).__name__)
        return
    for change in changes:
        symbol = change.order.symbol
        steps = await service.display_steps(change.user_id, (symbol,))
        who = reader(runtime.services, change.user_id)
        text = outcome_text(change, steps.get(symbol, Steps()), who.language)
        if not await notify(change.chat_id, Reply(text=text)):
            log.warning("order outcome not delivered order=%s", change.order.id)
    if expired or changes:
        log.info("trades expired=%d settled=%d", expired, len(changes))


async def apply_retention(runtime: Runtime, _notify: Notify) -> None:
    """Delete kept turns and audit records older than the retention settings."""
    privacy = runtime.services.privacy
    report = await asyncio.to_thread(privacy.run_retention, runtime.services.clock())
    log.info("retention deleted=%d", report.total)


def periodic_jobs(runtime: Runtime) -> list[PeriodicJob]:
    """Return the jobs to schedule for this runtime."""
    settings = runtime.services.settings
    return [
        PeriodicJob("alerts", settings.alert_check_interval_s, 2.0, check_alerts),
        PeriodicJob("watches", settings.alert_check_interval_s, 3.0, propose_from_watches),
        PeriodicJob("trades", 30.0, 1.0, settle_trades),
        PeriodicJob("retention", RETENTION_EVERY_S, 60.0, apply_retention),
    ]


MonotonicClock = Callable[[], float]
POLL_S = 1.0  # the loop looks at least this often, so a clock that jumps is noticed soon


class Scheduler:
    """Run periodic jobs: each first `first_s` after `started`, then every `interval_s`.

    One job failing is logged as an incident; it neither stops the others nor the loop.
    """

    def __init__(
        self,
        runtime: Runtime,
        notify: Notify,
        *,
        started: float,
        jobs: Sequence[PeriodicJob] | None = None,
    ) -> None:
        self._runtime = runtime
        self._notify = notify
        self._jobs = list(periodic_jobs(runtime) if jobs is None else jobs)
        self._next = {job.name: started + job.first_s for job in self._jobs}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(job.name for job in self._jobs)

    def next_due(self) -> float:
        """Return when the next job is due (on the scheduler's clock)."""
        return min(self._next.values(), default=float("inf"))

    async def run_due(self, now: float) -> tuple[str, ...]:
        """Run every job due at `now` (in list order); return the names of those run."""
        ran = []
        for job in self._jobs:
            if self._next[job.name] > now:
                continue
            self._next[job.name] = now + job.interval_s
            ran.append(job.name)
            try:
                await job.run(self._runtime, self._notify)
            except Exception as exc:  # the scheduler's incident boundary: the loop goes on
                incident_reply(exc)
        return tuple(ran)

    async def run_forever(self, clock: MonotonicClock = time.monotonic) -> None:
        """Run due jobs until cancelled."""
        while True:
            await self.run_due(clock())
            await asyncio.sleep(min(POLL_S, max(0.0, self.next_due() - clock())))
