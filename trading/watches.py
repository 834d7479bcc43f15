"""Watches: the user's own rules that PROPOSE a trade when a condition is met on closed candles.

A watch is a condition in the alert language (trading.conditions: close above/below, RSI
below/above, MACD crossing) plus the trade to propose. When it triggers, the service calls
`propose` (TradingService.propose: amount, risk rules, funds, plan and emotion guard apply as
for any card) and hands back the proposal or the refusal with the facts that triggered it;
nothing is ever executed here. Percent stops and take-profits (`stop 3%`) become prices from
the trigger price. Each closed candle is evaluated once (`checked_until_ms`); the claim is a
conditional UPDATE, so two workers on one database propose at most once per trigger. A watch
is `once` (done after its first trigger) or repeats, quiet for `cooldown_s` after each.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Field, Session, col

from trading.conditions import AlertRule, AlertSeries, first_hit_in
from trading.errors import TradingError
from trading.models import DecimalText, UtcDateTime
from trading.ports import TIMEFRAME_MS, MarketData, Side
from trading.stored_rules import RuleBook, RuleRow, condition_columns
from trading.views import ProposalView, TradeAsk

log = logging.getLogger(__name__)

ACTIVE, DONE = "active", "done"
DONE_KEPT = timedelta(days=1)


class WatchLimitReached(TradingError):
    """The user already has the maximum number of active watches: remove one first."""


@dataclass(frozen=True, slots=True)
class Level:
    """A stop or take-profit: a price, or a percentage of the trigger price (`percent`)."""

    value: Decimal
    percent: bool = False

    def price_from(self, ref: Decimal, side: Side, *, stop: bool) -> Decimal:
        """Return the price; a percentage counts below `ref` for a buy's stop, above for its
        take-profit (the other way round for a sell)."""
        if not self.percent:
            return self.value
        below = stop == (side is Side.BUY)
        factor = 1 - self.value / 100 if below else 1 + self.value / 100
        return ref * factor

    def text(self) -> str:
        return format(self.value.normalize(), "f") + ("%" if self.percent else "")

    @classmethod
    def of(cls, text: str | None) -> Level | None:
        if not text:
            return None
        return cls(Decimal(text.rstrip("%")), text.endswith("%"))


@dataclass(frozen=True, slots=True)
class WatchSpec:
    """A condition and the trade to propose when it is met (`cooldown_s` None: once)."""

    condition: AlertRule
    side: Side
    amount: Decimal | None = None  # base units
    quote_amount: Decimal | None = None  # budget in quote units
    stop: Level | None = None
    take_profit: Level | None = None
    cooldown_s: int | None = None

    def ask(self, price: Decimal) -> TradeAsk:
        """Return the trade to propose when triggered at `price`."""
        return TradeAsk(
            side=self.side,
            symbol=self.condition.symbol,
            amount=self.amount,
            quote_amount=self.quote_amount,
            stop_loss=self.stop.price_from(price, self.side, stop=True) if self.stop else None,
            take_profit=(
                self.take_profit.price_from(price, self.side, stop=False)
                if self.take_profit
                else None
            ),
        )


@dataclass(frozen=True, slots=True)
class Watch:
    id: int
    user_id: int
    chat_id: int
    spec: WatchSpec
    active: bool
    created_at: datetime
    fired_count: int


@dataclass(frozen=True, slots=True)
class Trigger:
    """A watch whose condition was met: the value seen, the candle's close and close time."""

    watch: Watch
    value: Decimal
    price: Decimal
    candle_close_at: datetime
    candle_open_ms: int = 0


@dataclass(frozen=True, slots=True)
class Triggered:
    """What a trigger produced: a proposal card to show, or the reason none was made."""

    trigger: Trigger
    proposal: ProposalView | None = None
    refusal: TradingError | None = None


class Proposer(Protocol):
    async def propose(self, user_id: int, chat_id: int, ask: TradeAsk) -> ProposalView: ...


class WatchRow(RuleRow, table=True):
    __tablename__ = "trade_watches"

    side: str = Field(max_length=4)
    amount: Decimal | None = Field(default=None, sa_type=DecimalText)
    quote_amount: Decimal | None = Field(default=None, sa_type=DecimalText)
    stop: str | None = Field(default=None, max_length=48)
    take_profit: str | None = Field(default=None, max_length=48)
    cooldown_s: int | None = Field(default=None)
    status: str = Field(max_length=8, index=True)
    quiet_until_ms: int | None = Field(default=None, sa_type=sa.BigInteger)
    fired_count: int = Field(default=0)
    last_fired_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

    def to_watch(self) -> Watch:
        spec = WatchSpec(
            self.rule(),
            Side(self.side),
            self.amount,
            self.quote_amount,
            Level.of(self.stop),
            Level.of(self.take_profit),
            self.cooldown_s,
        )
        assert self.id is not None
        active = self.status == ACTIVE
        return Watch(
            self.id, self.user_id, self.chat_id, spec, active, self.created_at, self.fired_count
        )


class WatchService(RuleBook[WatchRow]):
    """Add, list, remove and evaluate watches; a trigger proposes, never executes (also a
    UserDataOwner)."""

    name = "watches"
    row = WatchRow
    described = "{count} watch rule(s) (symbol, condition, trade to propose)"

    def __init__(
        self,
        engine: Engine,
        market: MarketData | None,
        proposer: Proposer,
        clock: Callable[[], datetime],
        *,
        max_per_user: int = 10,
    ) -> None:
        super().__init__(engine, market)
        self.proposer = proposer
        self.clock = clock
        self.max_per_user = max_per_user

    async def add(self, user_id: int, chat_id: int, spec: WatchSpec) -> Watch:
        """Store a new watch; raise UnknownSymbol or WatchLimitReached."""
        start_ms = await self.first_candle(spec.condition)
        if self.count(WatchRow.user_id == user_id, WatchRow.status == ACTIVE) >= self.max_per_user:
            raise WatchLimitReached(f"at most {self.max_per_user} active watches")
        row = self.insert(
            WatchRow(
                user_id=user_id,
                chat_id=chat_id,
                **condition_columns(spec.condition),
                side=spec.side.value,
                amount=spec.amount,
                quote_amount=spec.quote_amount,
                stop=spec.stop.text() if spec.stop else None,
                take_profit=spec.take_profit.text() if spec.take_profit else None,
                cooldown_s=spec.cooldown_s,
                status=ACTIVE,
                created_at=self.clock(),
                checked_until_ms=start_ms,
            )
        )
        return row.to_watch()

    async def list_for(self, user_id: int) -> list[Watch]:
        """Return the user's active watches, oldest first."""
        return [
            r.to_watch() for r in self.rows(WatchRow.user_id == user_id, WatchRow.status == ACTIVE)
        ]

    async def remove(self, user_id: int, watch_id: int) -> bool:
        """Delete one of the user's own active watches; False when there is no such watch."""
        return bool(
            self.delete(
                col(WatchRow.id) == watch_id,
                col(WatchRow.user_id) == user_id,
                col(WatchRow.status) == ACTIVE,
            )
        )

    async def check(self) -> list[Triggered]:
        """Evaluate active watches on newly closed candles; propose a trade for each trigger."""
        if self.market is None:
            return []
        rows = self.rows(WatchRow.status == ACTIVE)
        # a finished `once` rule is kept a day (for /mydata), then dropped
        self.delete(
            col(WatchRow.status) == DONE, col(WatchRow.last_fired_at) < self.clock() - DONE_KEPT
        )
        triggers: list[Trigger] = []
        async for members, series, newest in self.due(rows):
            triggers += self._evaluate(members, series, newest)
        return [await self._propose(trigger) for trigger in triggers]

    async def _propose(self, trigger: Trigger) -> Triggered:
        watch = trigger.watch
        try:
            view = await self.proposer.propose(
                watch.user_id, watch.chat_id, watch.spec.ask(trigger.price)
            )
        except TradingError as err:
            log.info("watch triggered id=%s refused=%s", watch.id, type(err).__name__)
            return Triggered(trigger, refusal=err)
        log.info("watch triggered id=%s proposal=%s", watch.id, view.id)
        return Triggered(trigger, proposal=view)

    def _evaluate(
        self, rows: Sequence[WatchRow], series: AlertSeries, newest: int
    ) -> list[Trigger]:
        now = self.clock()
        triggers, seen = [], []
        with Session(self.engine) as session:
            for row in rows:
                tf_ms = TIMEFRAME_MS[row.timeframe]
                # after the quiet time, closes from then on
                after = max(row.after_ms(), (row.quiet_until_ms or 0) - tf_ms - 1)
                watch = row.to_watch()
                hit = first_hit_in(watch.spec.condition, series, after)
                if hit is None:
                    seen.append(row.id)
                elif self._claim(session, row, newest, hit, now):
                    close_at = datetime.fromtimestamp((hit[0] + tf_ms) / 1000, tz=UTC)
                    price = series.close_at(hit[0])
                    triggers.append(Trigger(watch, hit[1], price, close_at, hit[0]))
            self.move_on(session, seen, newest, col(WatchRow.status) == ACTIVE)
            session.commit()
        return triggers

    @staticmethod
    def _claim(
        session: Session, row: WatchRow, newest: int, hit: tuple[int, Decimal], now: datetime
    ) -> bool:
        """Record a trigger and move past the candles seen, unless another worker did."""
        values: dict[str, Any] = {"checked_until_ms": newest, "last_fired_at": now}
        values |= {"fired_count": row.fired_count + 1, "status": ACTIVE}
        if row.cooldown_s is None:
            values["status"] = DONE
        else:
            close_ms = hit[0] + TIMEFRAME_MS[row.timeframe]
            values["quiet_until_ms"] = close_ms + row.cooldown_s * 1000
        seen = col(WatchRow.checked_until_ms)
        same = seen.is_(None) if row.checked_until_ms is None else seen == row.checked_until_ms
        result = session.execute(
            sa.update(WatchRow)
            .where(col(WatchRow.id) == row.id, col(WatchRow.status) == ACTIVE, same)
            .values(**values)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    async def release(self, trigger: Trigger) -> None:
        """Undo a trigger whose card could not be sent: the next check triggers it again."""
        watch = trigger.watch
        with Session(self.engine) as session:
            session.execute(
                sa.update(WatchRow)
                .where(col(WatchRow.id) == watch.id)
                .values(
                    status=ACTIVE,
                    checked_until_ms=trigger.candle_open_ms - 1,
                    quiet_until_ms=None,
                    fired_count=watch.fired_count,
                )
            )
            session.commit()
        log.info("watch trigger released id=%s", watch.id)
