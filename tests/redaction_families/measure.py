"""Run a redactor (and optionally the admission gate) over records and aggregate the figures
the tests assert and the benchmark prints: per family (seen vs unseen shapes), per
transformation x label, and what the gate admits."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass

from tests.redaction_families.compose import FAMILIES
from tests.redaction_families.scoring import Tally, by_family, by_label, overall, tally

SECRET_LABELS = ("SEED_PHRASE", "PRIVATE_KEY", "API_KEY")
SEEN = frozenset(f.key for f in FAMILIES if f.seen)
HELD = frozenset(f.key for f in FAMILIES if f.held)
Redactor = Callable[[str], str]
Gate = Callable[[str], bool]
# what a buggy detector raises; anything else (KeyboardInterrupt, MemoryError) stops the run
CRASHES = (ArithmeticError, LookupError, ValueError, TypeError, AttributeError, RecursionError)


@dataclass(frozen=True, slots=True)
class Run:
    """Outputs of one redactor over records, and the gate's verdicts when a gate was given."""

    outputs: dict[str, str]
    admitted: dict[str, bool] | None
    errors: tuple[str, ...] = ()


def our_redactor() -> Redactor:
    """Return privacy.redact's redact as a text -> text function."""
    from privacy.redact import redact

    return lambda text: redact(text).text


def our_gate() -> Gate | None:
    """Return privacy.gate's admit as a redacted text -> bool function, None without a gate."""
    if importlib.util.find_spec("privacy.gate") is None:
        return None
    admit = importlib.import_module("privacy.gate").admit
    return lambda redacted: bool(admit(redacted).admitted)


def tolerant(redactor: Redactor) -> Redactor:
    """Return redactor returning the text unchanged where it raises (for throughput runs)."""

    def call(text: str) -> str:
        try:
            return redactor(text)
        except CRASHES:
            return text

    return call


def run(records: list[dict], redactor: Redactor, gate: Gate | None = None) -> Run:
    """Redact every record (and ask the gate about each redacted text).

    A call that raises counts as returning the text unchanged (as the kit's bench.py does) and
    its record id is kept in `errors`, so one crash does not hide every other figure.
    """
    outputs, errors = {}, []
    for rec in records:
        try:
            outputs[rec["id"]] = redactor(rec["text"])
        except CRASHES as exc:
            errors.append(f"{rec['id']}: {type(exc).__name__}")
            outputs[rec["id"]] = rec["text"]
    admitted = None if gate is None else {k: gate(v) for k, v in outputs.items()}
    return Run(outputs, admitted, tuple(errors))


def halves(records: list[dict]) -> tuple[list[dict], list[dict]]:
    """Split records into (tune, held) by family; clean records go to tune."""
    tune = [r for r in records if r["clean"] or r.get("family") not in HELD]
    held = [r for r in records if not r["clean"] and r.get("family") in HELD]
    return tune, held


def half_figures(records: list[dict], result: Run) -> dict[str, dict[str, object]]:
    """Return strict leak overall and per label for the tune and the held half (no family names).

    Safe to print: the held half is reported only in aggregate, so nobody reads its shapes.
    """
    out: dict[str, dict[str, object]] = {}
    for name, part in zip(("tune", "held"), halves(records), strict=True):
        labels = tally(part, result.outputs, by_label)
        out[name] = {
            "leak_strict": overall(part, result.outputs)["leak_strict"],
            "by_label": {k: t.row()["leak_strict"] for k, t in sorted(labels.items()) if t.spans},
        }
        if result.admitted is not None:
            kept = gate_figures(part, result)
            out[name]["admitted_leak_strict"] = kept["admitted_leak_strict"]
    return out


def families(records: list[dict], result: Run) -> dict[str, object]:
    """Return leak per family, seen vs unseen shapes, and per label over unseen families (the
    worst one named only from the tune half; `by_family` is for tests, not for printing)."""
    rows = {k: t.row() for k, t in sorted(tally(records, result.outputs, by_family).items())}
    seen_key = lambda rec, span: (  # noqa: E731
        "CLEAN" if rec["clean"] else "seen" if rec["family"] in SEEN else "unseen"
    )
    split = {k: t.row() for k, t in tally(records, result.outputs, seen_key).items()}
    per_label: dict[str, dict[str, object]] = {}
    for key, row in rows.items():
        if key == "CLEAN" or key in SEEN:
            continue
        entry = per_label.setdefault(key.split(":")[0], {"families": 0, "worst": None, "rates": []})
        entry["families"] += 1
        entry["rates"].append(row["leak_strict"])
        if key in HELD:
            continue  # a held-out family is never named, not even as the worst one
        if entry["worst"] is None or row["leak_strict"] > rows[entry["worst"]]["leak_strict"]:
            entry["worst"] = key
    for entry in per_label.values():
        rates = entry.pop("rates")
        entry["macro_leak"] = round(sum(rates) / len(rates), 4)
    return {
        "overall": overall(records, result.outputs),
        "errors": list(result.errors),
        "seen_vs_unseen": split,
        "unseen_by_label": dict(sorted(per_label.items())),
        "by_family": rows,
        "by_label": {
            k: t.row() for k, t in sorted(tally(records, result.outputs, by_label).items())
        },
    }


def transform_matrix(records: list[dict], result: Run) -> dict[str, dict[str, float | None]]:
    """Return strict leak per transformation and label."""
    cells = tally(
        records, result.outputs, lambda rec, span: f"{rec['transform']}|{by_label(rec, span)}"
    )
    matrix: dict[str, dict[str, float | None]] = {}
    for key, t in sorted(cells.items()):
        name, label = key.split("|")
        matrix.setdefault(name, {})[label] = t.row()["leak_strict"]
    return matrix


def gate_figures(records: list[dict], result: Run) -> dict[str, object]:
    """Return what the gate admits: clean share, and the leaks that remain among admitted lines."""
    assert result.admitted is not None
    kept = [r for r in records if result.admitted[r["id"]]]
    labels = tally(kept, result.outputs, by_label)
    total = sum((labels[k] for k in labels if k != "CLEAN"), Tally())
    clean = [r for r in records if r["clean"]]
    sensitive = [r for r in records if not r["clean"]]
    return {
        "clean_admitted": (
            round(sum(result.admitted[r["id"]] for r in clean) / len(clean), 4) if clean else None
        ),
        "sensitive_admitted": round(
            sum(result.admitted[r["id"]] for r in sensitive) / max(1, len(sensitive)), 4
        ),
        "admitted_spans": total.spans,
        "admitted_leak": round(total.leaked / total.spans, 4) if total.spans else 0.0,
        "admitted_leak_strict": round(total.strict / total.spans, 4) if total.spans else 0.0,
        "admitted_secret_leaks": {k: labels.get(k, Tally()).strict for k in SECRET_LABELS},
    }
