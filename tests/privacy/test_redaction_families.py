"""Our redaction case generator is sound: spans point at the value, values are checksum-valid,
output is deterministic, and our scorer agrees with the kit's official scorer."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.redaction_families import FAMILIES, LABELS, TRANSFORMS, generate, suite
from tests.redaction_families.scoring import tally, unfold
from tests.redaction_families.validity import valid

ROOT = Path(__file__).resolve().parents[2]
RECORDS = generate(seed=3, n=1200)
SUITE = suite(seed=5, per_cell=4)
# a value-level transformation can be a no-op for a label (case on digits): no cell then
NO_OP = {("case", "CREDIT_CARD"), ("case", "PHONE")}


def _overlaps(items: list[dict]) -> bool:
    ordered = sorted((i["start"], i["end"]) for i in items)
    return any(b[0] < a[1] for a, b in itertools.pairwise(ordered))


def _record_problems(rec: dict) -> list[str]:
    text, problems = rec["text"], []
    if not set(rec) >= {"id", "text", "spans", "clean", "lang", "decoys"}:
        problems.append("missing keys")
    if rec["clean"] != (not rec["spans"]) or rec["lang"] not in ("en", "ja"):
        problems.append("clean/lang")
    for span in rec["spans"]:
        value = text[span["start"] : span["end"]]
        if not value or value != value.strip() or span["label"] not in LABELS or not span["fmt"]:
            problems.append(f"span {value!r}")
    if any(not (0 <= d["start"] < d["end"] <= len(text) and d["type"]) for d in rec["decoys"]):
        problems.append("decoy offsets")
    if _overlaps(rec["spans"]) or _overlaps(rec["spans"] + rec["decoys"]):
        problems.append("overlap")
    return problems


def test_spans_cover_the_value_exactly() -> None:
    bad = {r["id"]: p for r in RECORDS + SUITE if (p := _record_problems(r))}
    assert bad == {}
    sample = next(r for r in RECORDS if r["spans"] and r["spans"][0]["label"] == "CREDIT_CARD")
    span = sample["spans"][0]
    assert valid("CREDIT_CARD", span["fmt"], sample["text"][span["start"] : span["end"]])


def test_values_are_valid_for_their_label_and_family() -> None:
    bad = [
        (s["label"], s["fmt"], r["text"][s["start"] : s["end"]])
        for r in RECORDS
        for s in r["spans"]
        if not valid(s["label"], s["fmt"], r["text"][s["start"] : s["end"]])
    ]
    assert bad == []
    checked = {s["label"] for r in RECORDS for s in r["spans"]}
    assert checked == set(LABELS)


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.key)
def test_every_family_maker_yields_valid_values(family) -> None:
    rng = random.Random(family.key)
    values = [family.make(rng) for _ in range(25)]
    assert [v for v in values if not valid(family.label, family.name, v)] == []
    assert len(set(values)) > 1  # random, not a constant


def test_obfuscated_values_fold_back_to_valid_values() -> None:
    """Full-width, zero-width and look-alike forms are the same value underneath."""
    folded = [
        (r["transform"], s["label"], s["fmt"], unfold(r["text"][s["start"] : s["end"]]))
        for r in SUITE
        if r["transform"] in ("fullwidth", "zero_width", "homoglyph")
        for s in r["spans"]
    ]
    assert len(folded) > 100
    bad = [f for f in folded if not valid(f[1], f[2], f[3])]
    assert bad == []


def test_checksums_reject_a_changed_digit() -> None:
    """The checks the validity tests rely on really can fail."""
    assert not valid("CREDIT_CARD", "visa_spaced", "4111 1111 1111 1112")
    assert not valid("IBAN", "lower_spaced", "de89 3704 0044 0532 0130 01")
    assert not valid("SEED_PHRASE", "bip39_12", " ".join(["abandon"] * 12))
    assert not valid("NATIONAL_ID", "br_cpf", "123.456.789-00")
    assert valid("SEED_PHRASE", "slash_sep", "/".join(["abandon"] * 11 + ["about"]))


def test_mix_of_labels_languages_and_clean_messages() -> None:
    big = generate()
    labels = Counter(s["label"] for r in big for s in r["spans"])
    assert set(labels) == set(LABELS) and len(LABELS) == 17
    clean = [r for r in big if r["clean"]]
    assert 0.35 <= len(clean) / len(big) <= 0.45
    assert 0.12 <= sum(r["lang"] == "ja" for r in big) / len(big) <= 0.20
    assert all(r["decoys"] for r in clean)
    cells = {(r["transform"], s["label"]) for r in SUITE for s in r["spans"]}
    assert cells == {(t, lab) for t in TRANSFORMS for lab in LABELS} - NO_OP


def test_zero_width_and_line_wrap_land_inside_the_value() -> None:
    for rec in SUITE:
        value = rec["text"][rec["spans"][0]["start"] : rec["spans"][0]["end"]]
        if rec["transform"] == "zero_width":
            assert re.search("[\u200b-\u200f\u2060\ufeff]", value), value
        if rec["transform"] == "line_wrap":
            assert "\n" in value, value


def _digest(seed: int, hash_seed: str) -> str:
    code = (
        "import hashlib, json; from tests.redaction_families import generate, suite; "
        f"print(hashlib.sha256(json.dumps([generate(seed={seed}, n=400), suite()]).encode())"
        ".hexdigest())"
    )
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_generation_is_deterministic_across_processes() -> None:
    here = hashlib.sha256(json.dumps([generate(seed=9, n=400), suite()]).encode()).hexdigest()
    assert _digest(9, "1") == _digest(9, "2") == here
    assert _digest(10, "1") != here


def _toy_redactor(text: str) -> str:
    """Remove digit runs and long tokens only: leaves partial leaks for the scorers to find."""
    text = re.sub(r"\d{4,}", "<NUM>", text)
    return re.sub(r"\b[A-Za-z0-9]{20,}\b", "[SECRET]", text)


@pytest.mark.parametrize("which", ["toy", "ours"])
def test_our_scorer_agrees_with_the_official_one(
    which: str, shared_dir: Path, tmp_path: Path
) -> None:
    from privacy import redact

    fn = _toy_redactor if which == "toy" else (lambda t: redact(t).text)
    outputs = {r["id"]: fn(r["text"]) for r in RECORDS}
    gold, preds = tmp_path / "gold.jsonl", tmp_path / "preds.jsonl"
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS))
    preds.write_text(
        "".join(json.dumps({"id": k, "redacted_text": v}) + "\n" for k, v in outputs.items())
    )
    cmd = [sys.executable, str(shared_dir / "redaction" / "score.py"), str(gold), str(preds)]
    official = json.loads(subprocess.run([*cmd, "--json"], capture_output=True, check=True).stdout)
    ours = tally(RECORDS, outputs, lambda rec, span: span["label"] if span else "msg")
    for label, row in official["per_label"].items():
        assert ours[label].leaked == row["leaked"], label
        assert ours[label].strict >= ours[label].leaked
    assert ours["msg"].touched == official["clean_touch"]["touched"]
    kept = sum(t.kept for t in ours.values())
    n = sum(t.decoys for t in ours.values())
    assert n == official["decoys"]["n"]
    assert round(kept / n, 4) == official["decoys"]["preserved_rate"]
    if which == "toy":
        assert official["leak"]["leaked_spans"] > 100  # the comparison is not vacuous
