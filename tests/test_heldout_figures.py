"""Held-out figures for the deterministic detectors and parsers (cases in tests/data/heldout,
written blind after the code and never used to tune it; see that folder's README).

Each target's accuracy (and precision/recall where there is a positive class) is printed,
recorded with record_property, and held above a floor a little under the value measured on
2026-12-04, so a regression shows without the figures claiming more than was measured.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest

from bot.core.errors import UserError
from bot.features.alerts.watch_parse import parse_watch, parse_watch_text
from bot.features.trading.parse import TradeRequest, parse_command, parse_trade_text
from llm.claims import Evidence, check_claims
from llm.safety import safety_entries
from trading.amounts import parse_amount
from trading.errors import AmountRefused

HELDOUT = Path(__file__).parent / "data" / "heldout"
MARGIN = 0.03
# measured 2026-12-04 (docs/benchmarks.md); the floor is this minus MARGIN
MEASURED = {
    "watch": {"accuracy": 0.639, "precision": 1.0, "recall": 0.389},
    # blind: 0.881 / 0.909 / 0.909. After the "if/when … buy" and stray-number fix (these cases
    # revealed them, so no longer blind for those kinds): 0.915 / 0.967 / 0.879. Then "sell
    # half" became a feature on purpose (a trader's tryout); the blind labels expect a refusal
    # and stay as written, so both half-sells now count as wrong: 0.881 / 0.906 / 0.879
    "trade": {"accuracy": 0.881, "precision": 0.906, "recall": 0.879},
    "amount": {"accuracy": 1.0},
    "safety": {"accuracy": 0.686, "precision": 1.0, "recall": 0.45},
    "claims": {"accuracy": 0.833, "precision": 1.0, "recall": 0.706},
}


@dataclass
class Tally:
    """Outcomes with 'positive' = a rule / an accepted trade / safety / a withdrawal."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    wrong_fields: int = 0  # positive and detected, but a field differs
    failures: list[str] = field(default_factory=list)

    def add(self, expected: bool, got: bool, fields_ok: bool, label: str) -> None:
        if expected and got:
            self.tp += 1
            if not fields_ok:
                self.wrong_fields += 1
        elif got:
            self.fp += 1
        elif expected:
            self.fn += 1
        else:
            self.tn += 1
        if expected != got or not fields_ok:
            self.failures.append(label)

    def figures(self) -> dict[str, float]:
        total = self.tp + self.fp + self.fn + self.tn
        right = self.tp - self.wrong_fields + self.tn
        return {
            "accuracy": right / total,
            "precision": self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0,
            "recall": self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0,
        }


def _cases(name: str) -> list[dict[str, Any]]:
    lines = (HELDOUT / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _same(got: object, want: object) -> bool:
    if isinstance(want, str) and not isinstance(got, str) and got is not None:
        try:
            return Decimal(str(got)) == Decimal(want)
        except InvalidOperation:
            return False
    return got == want


def _level(level: Any) -> str | None:
    if level is None:
        return None
    return format(level.value.normalize(), "f") + ("%" if level.percent else "")


def _watch(case: dict[str, Any]) -> dict[str, object] | None:
    text = case["text"]
    try:
        args = parse_watch_text(text) if case["mode"] == "natural" else text
        if args is None:
            return None
        spec = parse_watch(args)
    except (UserError, ValueError):  # a refusal (any other error fails the test)
        return None
    cond = spec.condition
    return {
        "symbol": cond.symbol,
        "kind": str(cond.kind),
        "threshold": cond.threshold,
        "timeframe": cond.timeframe,
        "side": str(spec.side),
        "amount": spec.amount,
        "quote_amount": spec.quote_amount,
        "stop": _level(spec.stop),
        "tp": _level(spec.take_profit),
        "cooldown_s": spec.cooldown_s,
    }


def _trade(case: dict[str, Any]) -> dict[str, object] | None:
    if case["mode"] == "command":
        parsed = parse_command(case["name"], case["text"])
    else:
        parsed = parse_trade_text(case["text"])
    if not isinstance(parsed, TradeRequest):
        return None
    return {
        "side": parsed.side,
        "symbol": parsed.symbol,
        "kind": parsed.kind,
        "amount": parsed.amount,
        "quote_amount": parsed.quote_amount,
        "price": parsed.price,
        "trigger": parsed.trigger,
        "stop_loss": parsed.stop_loss,
        "take_profit": parsed.take_profit,
        "everything": parsed.everything,
    }


def _structured(
    cases: list[dict[str, Any]], run: Callable[[dict[str, Any]], dict[str, object] | None]
) -> Tally:
    tally = Tally()
    for case in cases:
        want = case["expect"]
        expected = isinstance(want, dict)
        got = run(case)
        fields_ok = not (expected and got) or all(_same(got[k], v) for k, v in want.items())
        tally.add(expected, got is not None, fields_ok, f"{case['text']!r} -> {got}")
    return tally


def _amounts() -> Tally:
    tally = Tally()
    for case in _cases("trade.jsonl"):
        if case["mode"] != "amount":
            continue
        try:
            got: str = str(parse_amount(case["text"]))
        except AmountRefused:
            got = "refused"
        want = case["expect"]
        right = got == want if "refused" in (got, want) else Decimal(got) == Decimal(want)
        tally.add(True, True, right, f"{case['text']!r} -> {got}")
    return tally


def _safety() -> Tally:
    tally = Tally()
    for case in _cases("safety.jsonl"):
        got = bool(safety_entries(case["question"]))
        tally.add(case["safety"], got, True, f"{case['question']!r} -> {got}")
    return tally


def _claims() -> Tally:
    tally = Tally()
    for case in _cases("claims.jsonl"):
        evidence = Evidence(tuple(case["notes"]), tuple(case["facts"]), case["question"])
        verdict = check_claims(case["answer"], evidence, japanese=case["japanese"])
        label = f"{case['answer']!r} -> {verdict}"
        tally.add(not case["keep"], not verdict.ok, True, label)
    return tally


def _tally(target: str) -> Tally:
    if target == "watch":
        return _structured(_cases("watch.jsonl"), _watch)
    if target == "trade":
        trades = [c for c in _cases("trade.jsonl") if c["mode"] != "amount"]
        return _structured(trades, _trade)
    if target == "amount":
        return _amounts()
    return _safety() if target == "safety" else _claims()


@pytest.mark.parametrize("target", sorted(MEASURED))
def test_heldout_figures(target: str, record_property: Callable[[str, object], None]) -> None:
    tally = _tally(target)
    figures = tally.figures()
    shown = ", ".join(f"{k} {figures[k]:.3f}" for k in MEASURED[target])
    print(f"\n{target}: {shown} (tp {tally.tp} fp {tally.fp} fn {tally.fn} tn {tally.tn})")
    for failure in tally.failures:
        print(f"  miss: {failure}")
    for name, floor in MEASURED[target].items():
        record_property(f"{target}_{name}", round(figures[name], 4))
        assert figures[name] >= floor - MARGIN, f"{target} {name} fell below its measured floor"


# measured 2026-12-04: 9 of the 22 natural rule phrasings were read as an immediate trade;
# 0 since the trade parser answers "if/when … buy" with a pointer to /watch (not blind now)
CONDITIONALS_AS_TRADES = 0


def test_conditional_rules_taken_as_trades(record_property: Callable[[str, object], None]) -> None:
    """A natural rule ("if X drops below P buy N") read by the trade parser as a trade now."""
    rules = [c for c in _cases("watch.jsonl") if c["mode"] == "natural" and c["expect"]]
    taken = [c["text"] for c in rules if isinstance(parse_trade_text(c["text"]), TradeRequest)]
    print(f"\nconditional rules read as immediate trades: {len(taken)} of {len(rules)}")
    for text in taken:
        print(f"  taken: {text!r} -> {parse_trade_text(text)}")
    record_property("conditionals_as_trades", len(taken))
    assert len(taken) <= CONDITIONALS_AS_TRADES, "more conditional rules now read as trades"
