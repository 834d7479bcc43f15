"""Watches and the /pnl chart: one scheduler tick over many watch rules, and the result curve.

The tick is WatchService.check() on a SQLite file with the real migrations, over the replayed
candles (BTC 5m, ETH 1h, SOL 1h), with rules that do not trigger (the steady state: every
tick evaluates every rule on fresh candles); a triggering tick is dominated by
TradingService.propose, measured in benchmarks/trading.py. The chart is the pure curve from
fills plus the 720x480 PNG /pnl sends.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.report import print_table, summary_ms, timed, write_json
from bot.core.storage import make_engine, migrate
from tests.e2e.harness import MovableClock
from tests.fakes.replay_market import ReplayMarket
from trading.conditions import AlertKind, AlertRule
from trading.portfolio import Fill, curve_png, equity_curve
from trading.ports import Side
from trading.views import ProposalView, TradeAsk
from trading.watches import WatchService, WatchSpec

TARGET_TICK_MS = 200  # 500 rules per tick, well inside the 60 s check interval
TARGET_CHART_MS = 400  # like /chart
MARKETS = (("BTC/USDT", "5m"), ("ETH/USDT", "1h"), ("SOL/USDT", "1h"))
KINDS = (AlertKind.PRICE_ABOVE, AlertKind.RSI_BELOW, AlertKind.MACD_CROSS_UP)


class NoProposals:
    async def propose(self, user_id: int, chat_id: int, ask: TradeAsk) -> ProposalView:
        raise AssertionError("no rule in this benchmark triggers")


async def tick_samples(rules: int, runs: int) -> list[float]:
    """Return the wall times of `runs` ticks over `rules` rules (candles move 5 min each)."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate(engine)
        clock = MovableClock()
        service = WatchService(engine, ReplayMarket(clock), NoProposals(), clock, max_per_user=10)
        for i in range(rules):
            symbol, timeframe = MARKETS[i % len(MARKETS)]
            kind = KINDS[i % len(KINDS)]
            level = Decimal(10) ** 9 if kind is AlertKind.PRICE_ABOVE else Decimal(1)
            if kind is AlertKind.MACD_CROSS_UP:  # a cross happens now and then: keep it quiet
                kind, level = AlertKind.RSI_ABOVE, Decimal("99.9")
            rule = AlertRule(symbol, kind, level, timeframe)
            await service.add(i // 10, i // 10, WatchSpec(rule, Side.BUY, Decimal("0.001")))
        samples = []
        await service.check()  # warm: frames read, indicators' first use
        for _ in range(runs):
            clock.advance(minutes=5)
            start = time.perf_counter()
            assert await service.check() == []
            samples.append(time.perf_counter() - start)
        engine.dispose()
        return samples


def fills(n: int) -> list[Fill]:
    start = datetime(2024, 8, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        side = Side.BUY if i % 2 == 0 else Side.SELL
        price = Decimal(60000 + (i * 37) % 900)
        out.append(
            Fill(
                "BTC/USDT", side, Decimal("0.01"), price, Decimal("0.6"), start + timedelta(hours=i)
            )
        )
    return out


def main() -> int:
    rows = []
    for rules in (10, 100, 500):
        samples = asyncio.run(tick_samples(rules, 20))
        rows.append(
            {
                "path": f"watch tick, {rules} rules",
                **summary_ms(samples),
                "target_ms": TARGET_TICK_MS,
            }
        )
    now = datetime(2024, 9, 1, tzinfo=UTC)
    for n in (10, 1000):
        data = fills(n)
        curve = summary_ms(timed(lambda data=data: equity_curve(data, now, Decimal(0)), 50))
        rows.append({"path": f"result curve from {n} fills", **curve, "target_ms": ""})
        points = equity_curve(data, now, Decimal(0))
        chart = summary_ms(timed(lambda points=points: curve_png(points), 10))
        rows.append(
            {"path": f"/pnl PNG, {len(points)} points", **chart, "target_ms": TARGET_CHART_MS}
        )
    print_table("Watches and the /pnl chart", rows)
    verdict = {
        "tick_500_ok": float(rows[2]["p95_ms"]) <= TARGET_TICK_MS,  # type: ignore[arg-type]
        "chart_ok": float(rows[-1]["p95_ms"]) <= TARGET_CHART_MS,  # type: ignore[arg-type]
    }
    print(f"\ntargets: {verdict}")
    write_json("watches", {"paths": rows, "verdict": verdict})
    return 0


if __name__ == "__main__":
    sys.exit(main())
