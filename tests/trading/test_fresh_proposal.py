"""A price move replaces a proposal with a fresh one valid for a whole time to live; statuses
read back from the database compare equal to the StrEnum members."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.trading.conftest import Harness
from trading.errors import PriceMoved
from trading.models import ProposalStatus
from trading.ports import Side
from trading.service import TradeAsk

BUY_50 = TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal(50))


async def test_fresh_proposal_gets_a_whole_ttl_from_the_move(harness: Harness) -> None:
    svc = harness.service(proposal_ttl_s=60)
    card = await svc.propose(7, 7, BUY_50)
    harness.clock.advance(50)
    harness.fx.set_price("BTCUSDT", "61000")
    with pytest.raises(PriceMoved) as moved:
        await svc.approve(card.id, 7)
    fresh = svc.store.proposal(moved.value.fresh_id)
    assert fresh is not None
    assert fresh.expires_at == harness.clock.now + timedelta(seconds=60)
    assert fresh.created_at == harness.clock.now and fresh.price_ref == Decimal("61000")
    assert fresh.status == ProposalStatus.PENDING and fresh.decided_at is None


async def test_stored_statuses_are_the_enum_members(harness: Harness) -> None:
    svc = harness.service()
    card = await svc.propose(7, 7, BUY_50)
    await svc.reject(card.id, 7)
    assert ProposalStatus(svc.store.status_of(card.id)) is ProposalStatus.REJECTED
    assert f"{ProposalStatus.REJECTED}" == "rejected"
