"""Database access of the trading service. Every state change is a conditional UPDATE."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, column, delete, exists, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from trading.models import (
    PROTECTIVE_LEGS,
    ExchangeKey,
    OrderState,
    PaperBalance,
    PaperOrder,
    ProposalStatus,
    RiskLimit,
    TradeOrder,
    TradeProposal,
    TradingPlan,
)
from trading.ports import OrderAck, OrderStatus
from trading.risk import PlanStance, RiskLimits

OPEN_PROPOSAL = (ProposalStatus.PENDING, ProposalStatus.CONFIRMING)
_FROM = {
    ProposalStatus.CONFIRMING: (ProposalStatus.PENDING,),
    ProposalStatus.REJECTED: OPEN_PROPOSAL,
    ProposalStatus.EXPIRED: OPEN_PROPOSAL,
    ProposalStatus.SUPERSEDED: OPEN_PROPOSAL,
}
ACK_STATE = {
    OrderStatus.OPEN: OrderState.OPEN,
    OrderStatus.FILLED: OrderState.FILLED,
    OrderStatus.CANCELED: OrderState.CANCELED,
    OrderStatus.REJECTED: OrderState.REJECTED,
}
USER_TABLES = (
    TradeProposal,
    TradeOrder,
    PaperBalance,
    PaperOrder,
    ExchangeKey,
    RiskLimit,
    TradingPlan,
)


class TradingStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # -- proposals --------------------------------------------------------------------------

    def add(self, row: TradeProposal) -> None:
        with self._session() as session:
            session.add(row)
            session.commit()

    def proposal(self, proposal_id: str) -> TradeProposal | None:
        with self._session() as session:
            return session.get(TradeProposal, proposal_id[:16])

    def status_of(self, proposal_id: str) -> str:
        row = self.proposal(proposal_id)
        return row.status if row else "gone"

    def transition(self, proposal_id: str, user_id: int, to: ProposalStatus, now: datetime) -> bool:
        """Move an open proposal to `to` if it is still in an allowed state; True if it moved."""
        with self._session() as session:
            result = session.execute(
                update(TradeProposal)
                .where(
                    col(TradeProposal.id) == proposal_id,
                    col(TradeProposal.user_id) == user_id,
                    col(TradeProposal.status).in_(_FROM[to]),
                )
                .values(status=to, decided_at=now)
            )
            session.commit()
            return bool(cast("CursorResult[Any]", result).rowcount == 1)

    def expire_due(self, now: datetime) -> int:
        with self._session() as session:
            result = session.execute(
                update(TradeProposal)
                .where(
                    col(TradeProposal.status).in_(OPEN_PROPOSAL),
                    col(TradeProposal.expires_at) <= now,
                )
                .values(status=ProposalStatus.EXPIRED, decided_at=now)
            )
            session.commit()
            return int(result.rowcount)  # type: ignore[attr-defined]

    def clone_fresh(
        self, row: TradeProposal, new_id: str, price: Decimal, now: datetime, expires_at: datetime
    ) -> TradeProposal:
        """Store a pending copy of `row` at `price`, valid until `expires_at`; return it."""
        fresh = TradeProposal.model_validate(row.model_dump())
        fresh.id, fresh.price_ref, fresh.status = new_id, price, ProposalStatus.PENDING
        fresh.created_at, fresh.decided_at, fresh.expires_at = now, None, expires_at
        self.add(fresh)
        return fresh

    def claim(self, row: TradeProposal, order: TradeOrder | None, now: datetime) -> bool:
        """Approve the proposal and record its first order in ONE transaction; False if lost."""
        allowed = ProposalStatus.CONFIRMING if row.flags else ProposalStatus.PENDING
        with self._session() as session:
            result = session.execute(
                update(TradeProposal)
                .where(
                    col(TradeProposal.id) == row.id,
                    col(TradeProposal.user_id) == row.user_id,
                    col(TradeProposal.status) == allowed,
                    col(TradeProposal.expires_at) > now,
                )
                .values(status=ProposalStatus.APPROVED, decided_at=now)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                session.rollback()
                return False
            if order is not None:
                session.add(order)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
            return True

    # -- orders ---------------------------------------------------------------------------

    def add_leg(self, order: TradeOrder) -> TradeOrder | None:
        """Record one more leg of an approved proposal before sending it; None if present."""
        return order if self.add_legs((order,)) else None

    def add_legs(self, orders: Sequence[TradeOrder]) -> bool:
        """Record several legs in one transaction before sending; False if any was present."""
        with self._session() as session:
            session.add_all(orders)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return False
            return True

    def unprotected_entries(self) -> list[tuple[TradeProposal, TradeOrder]]:
        """Return filled buy entries with a stop or take-profit whose legs are not recorded."""
        leg = TradeOrder.__table__.alias("leg")  # type: ignore[attr-defined]
        recorded = exists().where(
            leg.c.proposal_id == TradeOrder.proposal_id, leg.c.leg.in_(PROTECTIVE_LEGS)
        )
        with self._session() as session:
            query = (
                select(TradeProposal, TradeOrder)
                .join(TradeOrder, col(TradeOrder.proposal_id) == col(TradeProposal.id))
                .where(
                    TradeOrder.leg == 0,
                    TradeOrder.status == OrderState.FILLED,
                    TradeOrder.side == "buy",
                    or_(
                        col(TradeProposal.stop_loss).is_not(None),
                        col(TradeProposal.take_profit).is_not(None),
                    ),
                    ~recorded,
                )
                .order_by(col(TradeOrder.id))
            )
            return [(p, o) for p, o in session.exec(query).all()]

    def lapsed_legs(self) -> list[tuple[TradeProposal, list[TradeOrder]]]:
        """Return proposals whose protective legs are all "not placed", with those legs."""
        with self._session() as session:
            rows = session.exec(
                select(TradeOrder)
                .where(col(TradeOrder.leg).in_(PROTECTIVE_LEGS))
                .where(
                    col(TradeOrder.proposal_id).in_(
                        select(TradeOrder.proposal_id).where(
                            TradeOrder.status == OrderState.NOT_PLACED
                        )
                    )
                )
                .order_by(col(TradeOrder.leg))
            ).all()
            by_proposal: dict[str, list[TradeOrder]] = {}
            for row in rows:
                by_proposal.setdefault(row.proposal_id, []).append(row)
            return [
                (proposal, legs)
                for pid, legs in by_proposal.items()
                if all(leg.status == OrderState.NOT_PLACED for leg in legs)
                and (proposal := session.get(TradeProposal, pid)) is not None
            ]

    def reclaim(self, legs: Sequence[TradeOrder], now: datetime) -> bool:
        """Move "not placed" legs back to sending, all or none; False if another worker did."""
        ids = [leg.id for leg in legs]
        with self._session() as session:
            result = session.execute(
                update(TradeOrder)
                .where(col(TradeOrder.id).in_(ids), col(TradeOrder.status) == OrderState.NOT_PLACED)
                .values(status=OrderState.SENDING, created_at=now, updated_at=now)
            )
            if cast("CursorResult[Any]", result).rowcount != len(ids):
                session.rollback()
                return False
            session.commit()
        for leg in legs:
            leg.status, leg.created_at, leg.updated_at = OrderState.SENDING, now, now
        return True

    def legs(
        self, user_id: int, states: Sequence[str], *, mode: str, symbol: str | None = None
    ) -> list[TradeOrder]:
        """Return the user's protective legs in `states` (of one symbol), oldest first."""
        with self._session() as session:
            query = select(TradeOrder).where(
                TradeOrder.user_id == user_id,
                TradeOrder.mode == mode,
                col(TradeOrder.leg).in_(PROTECTIVE_LEGS),
                col(TradeOrder.status).in_(states),
            )
            if symbol is not None:
                query = query.where(TradeOrder.symbol == symbol)
            return list(session.exec(query.order_by(col(TradeOrder.id))).all())

    def get_order(self, order_id: int | None) -> TradeOrder:
        with self._session() as session:
            row = session.get(TradeOrder, order_id)
            if row is None:
                raise LookupError(order_id)
            return row

    def set_state(
        self, order_id: int | None, state: str, now: datetime, *, only_from: Sequence[str] = ()
    ) -> TradeOrder:
        """Set an order's state (only if it is in `only_from`, when given); return the row.

        `only_from` keeps a settled outcome that a concurrent lookup recorded meanwhile.
        """
        with self._session() as session:
            row = session.get(TradeOrder, order_id, with_for_update=True)
            if row is None:
                raise LookupError(order_id)
            if only_from and row.status not in only_from:
                return row
            row.status, row.updated_at = state, now
            row.checks += 1
            session.add(row)
            session.commit()
            return row

    def record_ack(self, order: TradeOrder, ack: OrderAck, now: datetime) -> TradeOrder:
        """Record what the exchange said about an order (one UPDATE, no read back)."""
        values = {
            "exchange_order_id": ack.exchange_order_id,
            "status": ACK_STATE[ack.status],
            "filled": ack.filled,
            "average": ack.average,
            "fee": ack.fee,
            "fee_currency": ack.fee_currency,
            "updated_at": now,
        }
        with self.engine.begin() as conn:
            conn.execute(update(TradeOrder).where(col(TradeOrder.id) == order.id).values(**values))
        settled = TradeOrder.model_validate({**order.model_dump(), **values})
        settled.id = order.id
        return settled

    def orders_in(
        self, states: Sequence[str], user_id: int | None = None, *, mode: str | None = None
    ) -> list[TradeOrder]:
        with self._session() as session:
            query = select(TradeOrder).where(col(TradeOrder.status).in_(states))
            if user_id is not None:
                query = query.where(TradeOrder.user_id == user_id)
            if mode is not None:
                query = query.where(TradeOrder.mode == mode)
            return list(session.exec(query.order_by(col(TradeOrder.id))).all())

    def recent_orders(self, user_id: int, limit: int = 10) -> list[TradeOrder]:
        with self._session() as session:
            query = (
                select(TradeOrder)
                .where(TradeOrder.user_id == user_id)
                .order_by(col(TradeOrder.id).desc())
                .limit(limit)
            )
            return list(session.exec(query).all())

    # -- risk limits and plans ------------------------------------------------------------

    def limits_for(self, user_id: int, defaults: RiskLimits) -> RiskLimits:
        with self._session() as session:
            row = session.get(RiskLimit, user_id)
        if row is None:
            return defaults
        return defaults.merged(
            max_notional=row.max_notional,
            max_daily_loss=row.max_daily_loss,
            max_open_positions=row.max_open_positions,
            stop_required_above=row.stop_required_above,
            loss_streak=row.loss_streak,
            cooldown_s=row.cooldown_s,
        )

    def set_limit(
        self, user_id: int, name: str, value: Decimal | int | None, now: datetime
    ) -> None:
        with self._session() as session:
            row = session.get(RiskLimit, user_id) or RiskLimit(user_id=user_id, updated_at=now)
            setattr(row, name, value)
            row.updated_at = now
            session.add(row)
            session.commit()

    def plan_for(self, user_id: int, asset: str) -> PlanStance | None:
        with self._session() as session:
            row = session.get(TradingPlan, (user_id, asset))
            return PlanStance(row.stance, row.level) if row else None

    def set_plan(self, user_id: int, asset: str, plan: PlanStance | None, now: datetime) -> None:
        with self._session() as session:
            row = session.get(TradingPlan, (user_id, asset))
            if plan is None:
                if row is not None:
                    session.delete(row)
            else:
                row = row or TradingPlan(user_id=user_id, asset=asset, stance=plan.stance)
                row.stance, row.level, row.updated_at = plan.stance, plan.level, now
                session.add(row)
            session.commit()

    def plans(self, user_id: int) -> dict[str, PlanStance]:
        with self._session() as session:
            rows = session.exec(select(TradingPlan).where(TradingPlan.user_id == user_id)).all()
            return {r.asset: PlanStance(r.stance, r.level) for r in rows}

    # -- user data ------------------------------------------------------------------------

    def count_user_rows(self, user_id: int) -> dict[str, int]:
        with self._session() as session:
            return {
                table.__tablename__: int(
                    session.exec(
                        select(func.count()).select_from(table).where(column("user_id") == user_id)
                    ).one()
                )
                for table in USER_TABLES
            }

    def forget_user(self, user_id: int) -> int:
        with self._session() as session:
            total = 0
            for table in USER_TABLES:
                result = session.execute(delete(table).where(column("user_id") == user_id))
                total += int(cast("CursorResult[Any]", result).rowcount)
            session.commit()
            return total
