"""Generalization figures for benchmarks/redaction.py: our own format families (seen vs unseen
shapes, per label over unseen families), the transformation suite per transformation x label,
what the admission gate admits, throughput with and without the gate, and cold start."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from benchmarks.report import print_table
from tests.redaction_families import LABELS, generate, suite
from tests.redaction_families.measure import (
    HELD,
    Gate,
    Redactor,
    families,
    gate_figures,
    run,
    tolerant,
    transform_matrix,
)

ROOT = Path(__file__).resolve().parents[1]
WARMUP = 300  # messages of another seed through redactor and gate before timing
SHORT = {
    "CRYPTO_ADDRESS": "CRYPTO",
    "TELEGRAM_HANDLE": "TG",
    "NATIONAL_ID": "NAT_ID",
    "CREDIT_CARD": "CARD",
    "IP_ADDRESS": "IP",
    "SEED_PHRASE": "SEED",
    "PRIVATE_KEY": "PKEY",
    "ACCOUNT_ID": "ACCT",
}


def family_section(redactor: Redactor, gate: Gate | None) -> dict[str, object]:
    """Print and return the family figures (and the gate's, when there is a gate)."""
    records = generate()
    result = run(records, redactor, gate)
    figures = families(records, result)
    split = figures["seen_vs_unseen"]
    rows = [{"families": k, **v} for k, v in sorted(split.items())]
    print_table(f"Our format families ({len(records)} messages; unseen = shapes not in dev)", rows)
    if result.errors:
        print(f"redactor raised on {len(result.errors)} messages (counted as unchanged)")
    unseen = [{"label": k, **v} for k, v in figures["unseen_by_label"].items()]
    print_table("Unseen families per label (macro leak over families, strict rule)", unseen)
    tune = {k: v for k, v in figures["by_family"].items() if k not in HELD}
    worst = sorted(tune.items(), key=lambda kv: -(kv[1]["leak_strict"] or 0))
    print_table(
        "Worst tune-half families (strict leak; the held-out half is only shown in aggregate)",
        [
            {"family": k, "spans": v["spans"], "leak_strict": v["leak_strict"]}
            for k, v in worst[:15]
        ],
    )
    figures["by_family"] = tune  # the JSON written after the run names no held-out family
    if gate is not None:
        figures["gate"] = gate_figures(records, result)
    return figures


def transform_section(redactor: Redactor, gate: Gate | None) -> dict[str, object]:
    """Print and return strict leak per transformation x label (and the gate's figures)."""
    records = suite()
    result = run(records, redactor, gate)
    matrix = transform_matrix(records, result)
    rows = []
    for name, cells in matrix.items():
        row: dict[str, object] = {"transform": name}
        for label in LABELS:
            value = cells.get(label)
            row[SHORT.get(label, label)] = "n/a" if value is None else f"{value:.2f}"
        rows.append(row)
    overall = families(records, result)["overall"]
    print_table(f"Transformation suite: strict leak ({len(records)} messages)", rows)
    print(f"transformation suite overall: leak {overall['leak']}, strict {overall['leak_strict']}")
    out: dict[str, object] = {"overall": overall, "matrix": matrix}
    if gate is not None:
        out["gate"] = gate_figures(records, result)
    return out


def throughput(redactor: Redactor, gate: Gate | None) -> dict[str, object]:
    """Messages per CPU-second of this process, warm: redaction alone, then plus the gate."""
    texts = [r["text"] for r in generate(seed=21, n=3000)]
    redactor = tolerant(redactor)
    # steady state: word lists and tables load on first use (cold start is measured apart)
    for text in (r["text"] for r in generate(seed=7, n=WARMUP)):
        out = redactor(text)
        if gate is not None:
            gate(out)
    began = time.process_time()
    outs = [redactor(t) for t in texts]
    alone = time.process_time() - began
    figures: dict[str, object] = {"messages": len(texts), "redact_msg_s": round(len(texts) / alone)}
    if gate is not None:
        began = time.process_time()
        for out in outs:
            gate(out)
        both = alone + time.process_time() - began
        figures["redact_gate_msg_s"] = round(len(texts) / both)
    return figures


COLD = """
import time
t = time.perf_counter()
from privacy.redact import redact
out = redact("my seed is abandon abandon abandon on BTC/USDT").text
{gate}
print(time.perf_counter() - t)
"""
GATE_LINE = "from privacy.gate import admit; admit(out)"


def cold_start(with_gate: bool) -> float:
    """Return the best of three fresh-interpreter import + first-call times in seconds."""
    code = COLD.format(gate=GATE_LINE if with_gate else "")
    times = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
        )
        times.append(float(done.stdout.strip()))
    return round(min(times), 3)


def gate_rows(sections: dict[str, dict[str, object]]) -> list[dict[str, object]]:
    """Return one table row of gate figures per corpus that has them."""
    rows = []
    for name, figures in sections.items():
        gate = figures.get("gate")
        if isinstance(gate, dict):
            secrets = gate["admitted_secret_leaks"]
            plain = {k: v for k, v in gate.items() if k != "admitted_secret_leaks"}
            rows.append({"corpus": name, **plain, "secret_leaks": sum(secrets.values())})
    return rows
