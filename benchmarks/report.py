"""Shared output of the benchmark scripts: a printed table and a JSON file per run."""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).with_name("results")


def percentile(values: Sequence[float], pct: float) -> float:
    """Return the pct-th percentile (nearest-rank) of values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def timed(fn: Callable[[], object], runs: int, *, warmup: bool = True) -> list[float]:
    """Return the wall times in seconds of `runs` calls of fn (after one untimed call)."""
    if warmup:
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def summary_ms(samples_s: Sequence[float]) -> dict[str, float]:
    """Return p50/p95/p99/mean in milliseconds of samples given in seconds."""
    ms = [s * 1000 for s in samples_s]
    return {
        "p50_ms": round(percentile(ms, 50), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "p99_ms": round(percentile(ms, 99), 3),
        "mean_ms": round(statistics.fmean(ms), 3) if ms else float("nan"),
        "n": len(ms),
    }


def print_table(title: str, rows: Sequence[dict[str, object]]) -> None:
    """Print rows (dicts with the same keys) as an aligned text table."""
    print(f"\n{title}")
    if not rows:
        print("(no rows)")
        return
    cols = list(rows[0].keys())
    cells = [[str(r.get(c, "")) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)))


def write_json(name: str, payload: dict[str, object]) -> Path:
    """Write payload (plus machine facts and time) to benchmarks/results/<name>.json."""
    RESULTS.mkdir(exist_ok=True)
    doc = {
        "benchmark": name,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
        },
        **payload,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    print(f"\nresults written to {path}")
    return path
