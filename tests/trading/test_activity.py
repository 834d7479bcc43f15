"""TradeActivity: the admin console's counts, from real proposals and orders on both stores."""

from __future__ import annotations

from decimal import Decimal

from tests.trading.conftest import Harness, limit_ask, place
from trading import TradeActivity, TradeCounts
from trading.ports import Side
from trading.service import TradeAsk

BUY_50 = TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal(50))


async def test_counts_proposals_approvals_orders_and_proposing_users(harness: Harness) -> None:
    svc = harness.service()
    activity = TradeActivity(harness.engine)
    assert activity.counts() == TradeCounts(0, 0, 0, frozenset())
    await place(svc, BUY_50, user=7)
    await place(svc, limit_ask(Side.BUY, "ETH/USDT", "0.01", "1000"), user=8)
    rejected = await svc.propose(9, 9, BUY_50)
    await svc.reject(rejected.id, 9)
    await svc.propose(7, 7, BUY_50)  # still pending
    assert activity.counts() == TradeCounts(4, 2, 2, frozenset({7, 8, 9}))
