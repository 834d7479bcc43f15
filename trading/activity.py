"""Counts of trading activity for the admin console: a read-only query over trading's tables."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from trading.models import ProposalStatus, TradeOrder, TradeProposal


@dataclass(frozen=True, slots=True)
class TradeCounts:
    """Proposals made, approved, orders recorded, and the users who proposed (ids, not names)."""

    proposals: int
    approvals: int
    orders: int
    user_ids: frozenset[int]


class TradeActivity:
    """Count what the trading service stored; works whether or not trading runs here."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def counts(self) -> TradeCounts:
        """Return the proposal, approval and order counts and the proposing users."""
        approved = col(TradeProposal.status) == ProposalStatus.APPROVED
        with Session(self._engine) as session:
            proposals = session.exec(select(func.count()).select_from(TradeProposal)).one()
            approvals = session.exec(select(func.count()).where(approved)).one()
            orders = session.exec(select(func.count()).select_from(TradeOrder)).one()
            users = session.exec(select(TradeProposal.user_id).distinct()).all()
        return TradeCounts(int(proposals), int(approvals), int(orders), frozenset(users))
