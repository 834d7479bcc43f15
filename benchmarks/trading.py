"""Trading: approval -> order acknowledged latency, and a fault run counting duplicates/losses.

Runs the real ccxt client against the local Binance server (tests/fakes/binance_server.py)
on a SQLite database with real migrations.

1. Latency (target p95 ≤ 50 ms): `TradingService.approve` on a fresh market-order proposal,
   from the button press to the exchange's acknowledgement recorded in the database.
2. Fault run (target 0 duplicates / 0 lost): 1,000 trials; each is approved by two workers at
   once (two services on their own engines, as after a double click or two bot processes),
   while the exchange injects a random fault: HTTP 500, 429, hang (executes after the client
   gave up), dropped response, or failing lookups. Afterwards one reconcile pass runs (as on
   restart). A duplicate is a proposal with more than one order on the exchange; a lost order
   is one whose database state disagrees with the exchange (exists there but recorded as not
   placed/unknown, or recorded as placed but absent).
"""

from __future__ import annotations

import asyncio
import logging
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.report import print_table, summary_ms, write_json
from bot.storage import make_engine, migrate
from privacy.crypto import SecretBox
from tests.fakes.binance_server import FakeBinance
from trading.ccxt_adapter import CcxtExchange
from trading.errors import ExchangeUnavailable, TradingError
from trading.models import OrderState
from trading.paper import PaperConfig
from trading.ports import Side
from trading.service import ProposalView, TradeAsk, TradingConfig, TradingService, client_order_id
from trading.venues import Venues

LATENCY_RUNS = 200
FAULT_TRIALS = 1000
TARGET_P95_MS = 50.0
FAULTS = ("none", "none", "500", "429", "hang", "drop", "lookup500")
KEY, SECRET = "bench-key", "bench-secret"
ASK = TradeAsk(Side.BUY, "BTC/USDT", quote_amount=Decimal("10"))


def utc_now() -> datetime:
    return datetime.now(UTC)


def make_service(
    url: str, db_url: str, *, rate_limit: bool, timeout_s: float, **config: object
) -> TradingService:
    engine = make_engine(db_url)

    def live(api_key: str, secret: str) -> CcxtExchange:
        return CcxtExchange(
            "binance",
            api_key=api_key,
            secret=secret,
            api_url=url,
            timeout_s=timeout_s,
            rate_limit=rate_limit,
        )

    venues = Venues(
        engine,
        mode="live",
        market=live("", ""),
        paper=PaperConfig(),
        clock=utc_now,
        box=SecretBox(b"b" * 32),
        exchange_id="binance",
        live_factory=live,
    )
    settings = {"mode": "live", "proposal_ttl_s": 600, **config}
    return TradingService(engine, venues, TradingConfig(**settings), clock=utc_now)  # type: ignore[arg-type]


async def measure_latency(fx: FakeBinance, db_url: str, rate_limit: bool) -> dict[str, object]:
    svc = make_service(fx.url, db_url, rate_limit=rate_limit, timeout_s=10)
    await svc.connect(1, KEY, SECRET)
    samples: list[float] = []
    try:
        for _ in range(LATENCY_RUNS):
            card = await svc.propose(1, 1, ASK)
            start = time.perf_counter()
            result = await svc.approve(card.id, 1)
            samples.append(time.perf_counter() - start)
            assert result.orders[0].status == OrderState.FILLED
    finally:
        await svc.close()
        svc.engine.dispose()
    return {
        "path": f"approve -> ack (ccxt rate limiter {'on' if rate_limit else 'off'})",
        **summary_ms(samples),
        "target_p95_ms": TARGET_P95_MS,
    }


async def propose_retrying(svc: TradingService) -> ProposalView:
    """Propose (harmless to repeat: nothing is sent) until the loaded machine answers in time."""
    for _ in range(20):
        try:
            return await svc.propose(1, 1, ASK)
        except ExchangeUnavailable:
            await asyncio.sleep(0.05)
    raise RuntimeError("the local exchange did not answer 20 proposals in a row")


async def one_trial(fx: FakeBinance, a: TradingService, b: TradingService, rng) -> str:
    fault = rng.choice(FAULTS)
    card = await propose_retrying(a)
    if fault == "lookup500":
        fx.inject("POST", "/api/v3/order", "drop")
        fx.inject("GET", "/api/v3/order", "500", times=rng.randint(1, 6))
    elif fault != "none":
        fx.inject("POST", "/api/v3/order", fault)
    results = await asyncio.gather(
        a.approve(card.id, 1), b.approve(card.id, 1), return_exceptions=True
    )
    for r in results:
        if isinstance(r, BaseException) and not isinstance(r, TradingError):
            raise r
    fx.faults.clear()
    return card.id


def audit(fx: FakeBinance, svc: TradingService, ids: list[str]) -> tuple[int, int]:
    """Return (duplicates, lost) comparing the exchange's book with our database."""
    duplicates = lost = 0
    recorded = {o.client_order_id: o for o in svc.store.recent_orders(1, 10 * FAULT_TRIALS)}
    for pid in ids:
        cid = client_order_id(pid, 0)
        on_exchange = len(fx.orders_with_client_id(cid))
        duplicates += on_exchange > 1
        row = recorded.get(cid)
        placed_here = row is not None and row.status in (OrderState.FILLED, OrderState.OPEN)
        lost += bool(on_exchange) != placed_here
    return duplicates, lost


async def fault_run(fx: FakeBinance, db_url: str) -> dict[str, object]:
    rng = random.Random(5)
    config = {"order_timeout_s": 0.5, "reconcile_checks": 6, "reconcile_delay_s": 0.05}
    a = make_service(fx.url, db_url, rate_limit=False, timeout_s=0.2, **config)
    b = make_service(fx.url, db_url, rate_limit=False, timeout_s=0.2, **config)
    await a.connect(1, KEY, SECRET)
    counts: dict[str, int] = {}
    ids: list[str] = []
    start = time.perf_counter()
    try:
        for _ in range(FAULT_TRIALS):
            ids.append(await one_trial(fx, a, b, rng))
        await asyncio.sleep(fx.hang_s)
        await a.reconcile()
        for row in a.orders(1, limit=10 * FAULT_TRIALS):
            counts[row.status] = counts.get(row.status, 0) + 1
        duplicates, lost = audit(fx, a, ids)
    finally:
        for svc in (a, b):
            await svc.close()
            svc.engine.dispose()
    return {
        "trials": FAULT_TRIALS,
        "duplicates": duplicates,
        "lost": lost,
        "exchange_orders": len(fx.orders),
        "seconds": round(time.perf_counter() - start, 1),
        "target": "0/0",
        **{f"db_{k}": v for k, v in sorted(counts.items())},
    }


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows: list[dict[str, object]] = []
        for rate_limit in (True, False):
            db_url = f"sqlite:///{tmp}/latency_{rate_limit}.db"
            migrate(make_engine(db_url))
            async with FakeBinance() as fx:
                fx.add_account(KEY, SECRET, USDT="10000000")
                rows.append(await measure_latency(fx, db_url, rate_limit))
        print_table("Approval -> order acknowledged (local Binance server, SQLite)", rows)
        if "--latency-only" in sys.argv:
            return
        db_url = f"sqlite:///{tmp}/faults.db"
        migrate(make_engine(db_url))
        async with FakeBinance(hang_s=0.4) as fx:
            fx.add_account(KEY, SECRET, USDT="10000000")
            faults = await fault_run(fx, db_url)
        print_table("Fault run: two workers per approval, random faults", [faults])
    write_json("trading", {"latency": rows, "fault_run": faults})


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main())
