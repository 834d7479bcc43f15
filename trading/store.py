"""Database access of the trading service. Every state change is a conditional UPDATE."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Engine, delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from trading.models import (
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

if TYPE_CHECKING:
    from trading.service import TradingConfig

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

    def transition(self, proposal_id: str, user_id: int, to: str, now: datetime) -> bool:
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
            return result.rowcount == 1  # type: ignore[attr-defined]

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
        self, row: TradeProposal, new_id: str, price: Decimal, now: datetime, config: TradingConfig
    ) -> TradeProposal:
        fresh = TradeProposal.model_validate(row.model_dump())
        fresh.id, fresh.price_ref, fresh.status = new_id, price, ProposalStatus.PENDING
        fresh.created_at, fresh.decided_at = now, None
        fresh.expires_at = now + timedelta(seconds=config.proposal_ttl_s)
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
        with self._session() as session:
            session.add(order)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                return None
            return order

    def get_order(self, order_id: int | None) -> TradeOrder:
        with self._session() as session:
            row = session.get(TradeOrder, order_id)
            if row is None:
                raise LookupError(order_id)
            return row

    def set_state(self, order_id: int | None, state: str, now: datetime) -> TradeOrder:
        with self._session() as session:
            row = session.get(TradeOrder, order_id)
            if row is None:
                raise LookupError(order_id)
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
                table.__tablename__: int(  # type: ignore[attr-defined]
                    session.exec(
                        select(func.count()).select_from(table).where(table.user_id == user_id)  # type: ignore[attr-defined]
                    ).one()
                )
                for table in USER_TABLES
            }

    def forget_user(self, user_id: int) -> int:
        with self._session() as session:
            total = 0
            for table in USER_TABLES:
                result = session.execute(delete(table).where(table.user_id == user_id))  # type: ignore[attr-defined]
                total += int(result.rowcount)  # type: ignore[attr-defined]
            session.commit()
            return total
