"""What alerts and watches share as stored rules: the columns, and the steps on them.

Both are a user's condition (trading.conditions) kept in a table and evaluated on closed
candles: creating one checks the symbol and starts after the newest closed candle; a check
fetches candles once per (symbol, timeframe); /mydata counts the user's rows and /forget
deletes them. Each service keeps only what differs (statuses, what a trigger does).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Field, Session, SQLModel, col, select

from privacy.stored import StoredItem
from trading.conditions import AlertKind, AlertRule, AlertSeries, newest_closed
from trading.errors import MarketDataError, UnknownSymbol
from trading.models import UtcDateTime
from trading.ports import TIMEFRAME_MS, MarketData

log = logging.getLogger(__name__)

CANDLE_LIMIT = 200  # MACD(12,26,9) and RSI(14) are warmed up well within this


class RuleRow(SQLModel):
    """The columns every stored rule has: owner, condition, creation and candles seen."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(sa_type=sa.BigInteger, index=True)
    chat_id: int = Field(sa_type=sa.BigInteger)
    symbol: str = Field(max_length=32)
    kind: str = Field(max_length=16)
    threshold: str = Field(max_length=48)
    timeframe: str = Field(max_length=4)
    created_at: datetime = Field(sa_type=UtcDateTime)
    checked_until_ms: int | None = Field(default=None, sa_type=sa.BigInteger)

    def rule(self) -> AlertRule:
        """Return the stored condition."""
        return AlertRule(self.symbol, AlertKind(self.kind), Decimal(self.threshold), self.timeframe)

    def after_ms(self) -> int:
        """Return the open time after which candles are still to be evaluated (each once)."""
        if self.checked_until_ms is not None:
            return self.checked_until_ms
        return int(self.created_at.timestamp() * 1000) - TIMEFRAME_MS[self.timeframe]


def condition_columns(rule: AlertRule) -> dict[str, Any]:
    """Return the column values that store `rule`."""
    return {
        "symbol": rule.symbol,
        "kind": rule.kind.value,
        "threshold": format(rule.threshold, "f"),
        "timeframe": rule.timeframe,
    }


R = TypeVar("R", bound=RuleRow)


class RuleBook(Generic[R]):
    """A table of user rules: store, count, list and delete rows, find the ones a closed
    candle is due for, and answer /mydata and /forget (a UserDataOwner)."""

    name: str  # the owner's name on /mydata, and its records' code
    row: ClassVar[type[Any]]  # the table class (a RuleRow)
    described: ClassVar[str]  # /mydata's line, with {count}

    def __init__(self, engine: Engine, market: MarketData | None) -> None:
        self.engine = engine
        self.market = market

    async def first_candle(self, rule: AlertRule) -> int | None:
        """Check the symbol is listed (raise UnknownSymbol); return where evaluation starts."""
        if self.market is not None and rule.symbol not in await self.market.symbols():
            raise UnknownSymbol(rule.symbol)
        return await newest_closed(self.market, rule)

    def insert(self, row: R) -> R:
        """Store a new rule; return it with its id."""
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(row)
            session.commit()
        log.info("%s created id=%s kind=%s", self.row.__tablename__, row.id, row.kind)
        return row

    def count(self, *where: Any) -> int:
        with Session(self.engine) as session:
            query = select(sa.func.count()).select_from(self.row).where(*where)
            return int(session.exec(query).one())

    def rows(self, *where: Any) -> list[R]:
        """Return the rows matching `where`, oldest first."""
        with Session(self.engine) as session:
            return list(session.exec(select(self.row).where(*where).order_by(self.row.id)).all())

    def delete(self, *where: Any) -> int:
        with Session(self.engine) as session:
            result = session.execute(sa.delete(self.row).where(*where))
            session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def due(self, rows: Sequence[R]) -> AsyncIterator[tuple[list[R], AlertSeries, int]]:
        """Yield, per (symbol, timeframe), the rows a candle has closed for since their last
        look, the candles' values (fetched once) and the newest candle's open time."""
        if self.market is None:
            return
        groups: dict[tuple[str, str], list[R]] = defaultdict(list)
        for row in rows:
            groups[(row.symbol, row.timeframe)].append(row)
        for (symbol, timeframe), members in groups.items():
            try:
                candles = await self.market.fetch_candles(symbol, timeframe, CANDLE_LIMIT)
            except MarketDataError as err:
                log.warning(
                    "%s check skipped error=%s rules=%d",
                    self.row.__tablename__,
                    type(err).__name__,
                    len(members),
                )
                continue
            if candles.frame.empty:
                continue
            newest = int(candles.frame["timestamp"].iloc[-1])
            due = [r for r in members if r.after_ms() < newest]  # a candle closed since
            if due:
                yield due, AlertSeries(candles.frame), newest

    def move_on(
        self, session: Session, ids: Sequence[int | None], newest: int, *where: Any
    ) -> None:
        """Record that these rows saw the candles up to `newest` (in one UPDATE).

        Never backwards: another worker may be ahead; a claim racing this only delays its
        trigger to the next look."""
        if not ids:
            return
        seen = col(self.row.checked_until_ms)
        session.execute(
            sa.update(self.row)
            .where(col(self.row.id).in_(ids), seen.is_(None) | (seen < newest), *where)
            .values(checked_until_ms=newest)
        )

    async def describe_user(self, user_id: int) -> list[StoredItem]:
        """Describe the user's stored rules (for /mydata)."""
        count = self.count(col(self.row.user_id) == user_id)
        if not count:
            return []
        return [StoredItem(self.name, count, self.described.format(count=count))]

    async def forget_user(self, user_id: int) -> int:
        """Delete every rule of the user (for /forget)."""
        return self.delete(col(self.row.user_id) == user_id)
