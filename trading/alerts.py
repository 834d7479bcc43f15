"""Price and RSI alerts: rules, persistence, evaluation on CLOSED candles, paced delivery.

An alert fires on the first candle that closed after the alert was created and meets the
rule (close above/below a price, or RSI(14) of closes below/above a level). Each closed
candle is evaluated once (`checked_until_ms`), so a restart neither skips nor repeats one.
Delivery is claimed with a conditional UPDATE (fired -> delivered), so two workers on one
PostgreSQL deliver an alert at most once; a failed send releases the claim for the next run.
At most `notify_per_hour` alert messages per user per hour; the rest wait for the next hour.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from trading.errors import MarketDataError, TradingError, UnknownSymbol
from trading.models import UtcDateTime
from trading.ports import TIMEFRAME_MS, MarketData

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

RSI_PERIOD = 14
CANDLE_LIMIT = 200
DELIVERED_KEPT = timedelta(days=1)


class AlertKind(StrEnum):
    PRICE_ABOVE = "price_above"
    PRICE_BELOW = "price_below"
    RSI_ABOVE = "rsi_above"
    RSI_BELOW = "rsi_below"


class AlertStatus(StrEnum):
    ACTIVE = "active"
    FIRED = "fired"  # condition met, message not yet sent
    DELIVERED = "delivered"


class AlertLimitReached(TradingError):
    """The user already has the maximum number of active alerts."""


@dataclass(frozen=True, slots=True)
class AlertRule:
    """What to watch: `symbol` ("BTC/USDT"), kind, threshold, candle timeframe."""

    symbol: str
    kind: AlertKind
    threshold: Decimal
    timeframe: str

    def __post_init__(self) -> None:
        if self.timeframe not in TIMEFRAME_MS:
            raise ValueError(f"unsupported timeframe {self.timeframe}")

    @property
    def is_rsi(self) -> bool:
        return self.kind in (AlertKind.RSI_ABOVE, AlertKind.RSI_BELOW)


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


class AlertRow(SQLModel, table=True):
    __tablename__ = "alerts"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_type=sa.BigInteger, index=True)
    chat_id: int = Field(sa_type=sa.BigInteger)
    symbol: str = Field(max_length=32)
    kind: str = Field(max_length=16)
    threshold: str = Field(max_length=48)
    timeframe: str = Field(max_length=4)
    status: str = Field(max_length=12, index=True)
    created_at: datetime = Field(sa_type=UtcDateTime)
    checked_until_ms: int | None = Field(default=None, sa_type=sa.BigInteger)
    fired_value: str | None = Field(default=None, max_length=48)
    fired_candle_ms: int | None = Field(default=None, sa_type=sa.BigInteger)
    delivered_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    def to_alert(self) -> Alert:
        rule = AlertRule(self.symbol, AlertKind(self.kind), Decimal(self.threshold), self.timeframe)
        assert self.id is not None
        return Alert(
            self.id, self.user_id, self.chat_id, rule, AlertStatus(self.status), self.created_at
        )


def rsi(frame: pd.DataFrame, period: int = RSI_PERIOD) -> list[float]:
    """Return Wilder's RSI of the closes, as TA-Lib computes it (NaN during warm-up)."""
    from analysis.indicators import rsi as wilder_rsi

    return wilder_rsi(frame["close"].to_numpy(dtype="float64"), period).tolist()


class AlertSeries:
    """The values alerts look at, computed once per candle frame (RSI only when asked)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.timestamps: list[int] = frame["timestamp"].tolist()
        self.closes: list[float] = frame["close"].tolist()

    @cached_property
    def rsi(self) -> list[float]:
        return rsi(self.frame)


def first_hit(rule: AlertRule, frame: pd.DataFrame, after_ms: int) -> tuple[int, Decimal] | None:
    """Return (candle open ms, value) of the first candle opening after `after_ms` that meets
    the rule, or None. `frame` holds closed candles only."""
    return first_hit_in(rule, AlertSeries(frame), after_ms)


def first_hit_in(rule: AlertRule, series: AlertSeries, after_ms: int) -> tuple[int, Decimal] | None:
    """Like first_hit, on values already computed for the frame."""
    values = series.rsi if rule.is_rsi else series.closes
    level = float(rule.threshold)
    for ts, value in zip(series.timestamps, values, strict=True):
        if ts <= after_ms or value != value:  # value != value: NaN during RSI warm-up
            continue
        above = rule.kind in (AlertKind.PRICE_ABOVE, AlertKind.RSI_ABOVE)
        if (above and value >= level) or (not above and value <= level):
            return int(ts), Decimal(str(round(value, 8)))
    return None


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


Notify = Callable[[Firing], Awaitable[bool]]
"""Send one alert message; return False when sending failed and should be retried later."""


class AlertService:
    """Create, list, delete, evaluate and deliver alerts (also a UserDataOwner)."""

    name = "alerts"

    def __init__(
        self,
        engine: Engine,
        market: MarketData | None,
        clock: Callable[[], datetime],
        *,
        max_per_user: int = 20,
        notify_per_hour: int = 10,
    ) -> None:
        self.engine = engine
        self.market = market
        self.clock = clock
        self.max_per_user = max_per_user
        self.notify_per_hour = notify_per_hour

    async def add(self, user_id: int, chat_id: int, rule: AlertRule) -> Alert:
        """Store a new alert; raise UnknownSymbol or AlertLimitReached."""
        if self.market is not None and rule.symbol not in await self.market.symbols():
            raise UnknownSymbol(rule.symbol)
        start_ms = await self._newest_closed(rule)
        with Session(self.engine, expire_on_commit=False) as session:
            active = session.exec(
                select(sa.func.count())
                .select_from(AlertRow)
                .where(AlertRow.user_id == user_id, AlertRow.status == AlertStatus.ACTIVE)
            ).one()
            if active >= self.max_per_user:
                raise AlertLimitReached(f"at most {self.max_per_user} active alerts")
            row = AlertRow(
                user_id=user_id,
                chat_id=chat_id,
                symbol=rule.symbol,
                kind=rule.kind.value,
                threshold=format(rule.threshold, "f"),
                timeframe=rule.timeframe,
                status=AlertStatus.ACTIVE.value,
                created_at=self.clock(),
                checked_until_ms=start_ms,
            )
            session.add(row)
            session.commit()
            log.info("alert created id=%s kind=%s", row.id, row.kind)
            return row.to_alert()

    async def _newest_closed(self, rule: AlertRule) -> int | None:
        """Return the open time of the newest closed candle: the alert watches later ones.

        Candle time is the market's (a replay runs in the past), so it is read from the
        market rather than derived from the clock; None (use the clock) when it is down."""
        if self.market is None:
            return None
        try:
            candles = await self.market.fetch_candles(rule.symbol, rule.timeframe, 1)
        except MarketDataError:
            return None
        frame = candles.frame
        return int(frame["timestamp"].iloc[-1]) if len(frame) else None

    async def list_for(self, user_id: int) -> list[Alert]:
        """Return the user's alerts that have not been delivered yet, oldest first."""
        with Session(self.engine) as session:
            rows = session.exec(
                select(AlertRow)
                .where(AlertRow.user_id == user_id, AlertRow.status != AlertStatus.DELIVERED)
                .order_by(col(AlertRow.id))
            ).all()
            return [r.to_alert() for r in rows]

    async def remove(self, user_id: int, alert_id: int) -> bool:
        """Delete one of the user's own alerts; return False when there is no such alert."""
        with Session(self.engine) as session:
            result = session.execute(
                sa.delete(AlertRow).where(
                    col(AlertRow.id) == alert_id,
                    col(AlertRow.user_id) == user_id,
                    col(AlertRow.status) != AlertStatus.DELIVERED,
                )
            )
            session.commit()
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def check(self) -> int:
        """Evaluate active alerts on candles closed since the last check; return how many fired."""
        if self.market is None:
            return 0
        with Session(self.engine) as session:
            rows = session.exec(select(AlertRow).where(AlertRow.status == AlertStatus.ACTIVE)).all()
        groups: dict[tuple[str, str], list[AlertRow]] = defaultdict(list)
        for row in rows:
            groups[(row.symbol, row.timeframe)].append(row)
        fired = 0
        for (symbol, timeframe), members in groups.items():
            try:
                candles = await self.market.fetch_candles(symbol, timeframe, CANDLE_LIMIT)
            except MarketDataError as err:
                log.warning(
                    "alert check skipped error=%s alerts=%d", type(err).__name__, len(members)
                )
                continue
            fired += self._evaluate(members, candles.frame)
        return fired

    def _evaluate(self, rows: Sequence[AlertRow], frame: pd.DataFrame) -> int:
        if frame.empty:
            return 0
        newest = int(frame["timestamp"].iloc[-1])
        series = AlertSeries(frame)
        fired = 0
        with Session(self.engine) as session:
            for row in rows:
                tf_ms = TIMEFRAME_MS[row.timeframe]
                # only candles that closed after the alert was created, each evaluated once
                after = row.checked_until_ms
                if after is None:
                    after = _ms(row.created_at) - tf_ms
                hit = first_hit_in(row.to_alert().rule, series, after)
                values: dict[str, Any] = {"checked_until_ms": newest}
                if hit is not None:
                    values |= {
                        "status": AlertStatus.FIRED.value,
                        "fired_candle_ms": hit[0],
                        "fired_value": format(hit[1], "f"),
                    }
                result = session.execute(
                    sa.update(AlertRow)
                    .where(col(AlertRow.id) == row.id, col(AlertRow.status) == AlertStatus.ACTIVE)
                    .values(**values)
                )
                fired += int(hit is not None and result.rowcount == 1)  # type: ignore[attr-defined]
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
            return result.rowcount == 1  # type: ignore[attr-defined]

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

    async def describe_user(self, user_id: int) -> list[str]:
        """Describe the user's stored alerts (for /mydata)."""
        with Session(self.engine) as session:
            count = session.exec(
                select(sa.func.count()).select_from(AlertRow).where(AlertRow.user_id == user_id)
            ).one()
        return [f"{count} price/indicator alert(s) (symbol, condition, status)"] if count else []

    async def forget_user(self, user_id: int) -> int:
        """Delete every alert of the user (for /forget)."""
        with Session(self.engine) as session:
            result = session.execute(sa.delete(AlertRow).where(col(AlertRow.user_id) == user_id))
            session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]
