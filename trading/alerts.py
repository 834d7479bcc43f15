"""Price and RSI alerts: persistence, evaluation on CLOSED candles, paced delivery.

The rules and their evaluation are trading.conditions, the table's shared columns and steps
trading.stored_rules (both shared with watches).

An alert fires on the first candle that closed after the alert was created and meets the
rule (close above/below a price, or RSI(14) of closes below/above a level). Each closed
candle is evaluated once (`checked_until_ms`), so a restart neither skips nor repeats one.
Delivery is claimed with a conditional UPDATE (fired -> delivered), so two workers on one
PostgreSQL deliver an alert at most once; a failed send releases the claim for the next run.
At most `notify_per_hour` alert messages per user per hour; the rest wait for the next hour.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Field, Session, col, select

from trading.conditions import (
    AlertKind,
    AlertRule,
    AlertSeries,
    first_hit,
    first_hit_in,
    rsi,
)
from trading.errors import TradingError
from trading.models import UtcDateTime
from trading.ports import TIMEFRAME_MS, MarketData
from trading.stored_rules import RuleBook, RuleRow, condition_columns

log = logging.getLogger(__name__)

__all__ = ["Alert", "AlertKind", "AlertLimitReached", "AlertRule", "AlertService", "AlertStatus"]
__all__ += ["Firing", "first_hit", "rsi"]

DELIVERED_KEPT = timedelta(days=1)


class AlertStatus(StrEnum):
    ACTIVE = "active"
    FIRED = "fired"  # condition met, message not yet sent
    DELIVERED = "delivered"


class AlertLimitReached(TradingError):
    """The user already has the maximum number of active alerts."""


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    user_id: int
    chat_id: int
    rule: AlertRule
    status: AlertStatus
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Firing:
    """An alert whose condition was met: the value seen and the candle it closed on."""

    alert: Alert
    value: Decimal
    candle_close_at: datetime


class AlertRow(RuleRow, table=True):
    __tablename__ = "alerts"

    status: str = Field(max_length=12, index=True)
    fired_value: str | None = Field(default=None, max_length=48)
    fired_candle_ms: int | None = Field(default=None, sa_type=sa.BigInteger)
    delivered_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    def to_alert(self) -> Alert:
        assert self.id is not None
        status = AlertStatus(self.status)
        return Alert(self.id, self.user_id, self.chat_id, self.rule(), status, self.created_at)


Notify = Callable[[Firing], Awaitable[bool]]
"""Send one alert message; return False when sending failed and should be retried later."""


class AlertService(RuleBook[AlertRow]):
    """Create, list, delete, evaluate and deliver alerts (also a UserDataOwner)."""

    name = "alerts"
    row = AlertRow
    described = "{count} price/indicator alert(s) (symbol, condition, status)"

    def __init__(
        self,
        engine: Engine,
        market: MarketData | None,
        clock: Callable[[], datetime],
        *,
        max_per_user: int = 20,
        notify_per_hour: int = 10,
    ) -> None:
        super().__init__(engine, market)
        self.clock = clock
        self.max_per_user = max_per_user
        self.notify_per_hour = notify_per_hour

    async def add(self, user_id: int, chat_id: int, rule: AlertRule) -> Alert:
        """Store a new alert; raise UnknownSymbol or AlertLimitReached."""
        start_ms = await self.first_candle(rule)
        mine = (AlertRow.user_id == user_id, AlertRow.status == AlertStatus.ACTIVE)
        if self.count(*mine) >= self.max_per_user:
            raise AlertLimitReached(f"at most {self.max_per_user} active alerts")
        row = self.insert(
            AlertRow(
                user_id=user_id,
                chat_id=chat_id,
                **condition_columns(rule),
                status=AlertStatus.ACTIVE.value,
                created_at=self.clock(),
                checked_until_ms=start_ms,
            )
        )
        return row.to_alert()

    async def list_for(self, user_id: int) -> list[Alert]:
        """Return the user's alerts that have not been delivered yet, oldest first."""
        rows = self.rows(AlertRow.user_id == user_id, AlertRow.status != AlertStatus.DELIVERED)
        return [r.to_alert() for r in rows]

    async def remove(self, user_id: int, alert_id: int) -> bool:
        """Delete one of the user's own alerts; return False when there is no such alert."""
        return bool(
            self.delete(
                col(AlertRow.id) == alert_id,
                col(AlertRow.user_id) == user_id,
                col(AlertRow.status) != AlertStatus.DELIVERED,
            )
        )

    async def check(self) -> int:
        """Evaluate active alerts on candles closed since the last check; return how many fired."""
        if self.market is None:
            return 0
        fired = 0
        async for members, series, newest in self.due(
            self.rows(AlertRow.status == AlertStatus.ACTIVE)
        ):
            fired += self._evaluate(members, series, newest)
        return fired

    def _evaluate(self, rows: Sequence[AlertRow], series: AlertSeries, newest: int) -> int:
        fired, seen = 0, []
        with Session(self.engine) as session:
            for row in rows:
                # only candles that closed after the alert was created, each evaluated once
                hit = first_hit_in(row.rule(), series, row.after_ms())
                if hit is None:
                    seen.append(row.id)
                    continue
                result = session.execute(
                    sa.update(AlertRow)
                    .where(col(AlertRow.id) == row.id, col(AlertRow.status) == AlertStatus.ACTIVE)
                    .values(
                        checked_until_ms=newest,
                        status=AlertStatus.FIRED.value,
                        fired_candle_ms=hit[0],
                        fired_value=format(hit[1], "f"),
                    )
                )
                fired += int(result.rowcount == 1)  # type: ignore[attr-defined]
            self.move_on(session, seen, newest, col(AlertRow.status) == AlertStatus.ACTIVE)
            session.commit()
        return fired

    async def deliver_due(self, notify: Notify) -> int:
        """Send fired alerts (paced per user); return how many were sent."""
        now = self.clock()
        with Session(self.engine) as session:
            rows = session.exec(
                select(AlertRow)
                .where(AlertRow.status == AlertStatus.FIRED)
                .order_by(col(AlertRow.id))
            ).all()
        self._purge_delivered(now - DELIVERED_KEPT)
        sent = 0
        budget: dict[int, int] = {}
        for row in rows:
            if row.user_id not in budget:
                budget[row.user_id] = self.notify_per_hour - self._sent_last_hour(row.user_id, now)
            if budget[row.user_id] <= 0 or not self._claim(row, now):
                continue
            budget[row.user_id] -= 1
            firing = self._firing(row)
            if await notify(firing):
                sent += 1
            else:
                self._release(row)
        return sent

    def _purge_delivered(self, before: datetime) -> None:
        """Delete delivered alerts once they no longer count towards the hourly pacing."""
        with Session(self.engine) as session:
            session.execute(
                sa.delete(AlertRow).where(
                    col(AlertRow.status) == AlertStatus.DELIVERED,
                    col(AlertRow.delivered_at) < before,
                )
            )
            session.commit()

    def _sent_last_hour(self, user_id: int, now: datetime) -> int:
        with Session(self.engine) as session:
            return int(
                session.exec(
                    select(sa.func.count())
                    .select_from(AlertRow)
                    .where(
                        AlertRow.user_id == user_id,
                        AlertRow.status == AlertStatus.DELIVERED,
                        col(AlertRow.delivered_at) > now - timedelta(hours=1),
                    )
                ).one()
            )

    def _claim(self, row: AlertRow, now: datetime) -> bool:
        with Session(self.engine) as session:
            result = session.execute(
                sa.update(AlertRow)
                .where(col(AlertRow.id) == row.id, col(AlertRow.status) == AlertStatus.FIRED)
                .values(status=AlertStatus.DELIVERED.value, delivered_at=now)
            )
            session.commit()
            return bool(cast("sa.CursorResult[Any]", result).rowcount == 1)

    def _release(self, row: AlertRow) -> None:
        with Session(self.engine) as session:
            session.execute(
                sa.update(AlertRow)
                .where(col(AlertRow.id) == row.id)
                .values(status=AlertStatus.FIRED.value, delivered_at=None)
            )
            session.commit()

    def _firing(self, row: AlertRow) -> Firing:
        tf_ms = TIMEFRAME_MS[row.timeframe]
        close_ms = (row.fired_candle_ms or 0) + tf_ms
        return Firing(
            alert=row.to_alert(),
            value=Decimal(row.fired_value or "0"),
            candle_close_at=datetime.fromtimestamp(close_ms / 1000, tz=UTC),
        )
