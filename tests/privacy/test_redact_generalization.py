"""The redactor and the admission gate on cases nobody tuned them for (issue 12, item 5).

Our own format families (tests/redaction_families; most shapes are absent from the kit's
dev set, and half of the families, `Family.held`, are never read by a detector author) and
the transformation suite (line wraps, separators, case, full-width, zero-width, look-alike
letters, JSON, code, URL query, quotes) applied to every label, scored with our own scorer's
strict rule (see tests/redaction_families/scoring.py).

Two kinds of assertion per figure:
- a regression floor (`FLOOR_*`): the value measured when the floor was last tightened plus a
  small margin, so a change that makes things worse fails CI;
- the issue's target (`TARGET_*`): asserted by a strict xfail while it is unmet, so meeting
  it makes the test XPASS and fail until someone turns it into a hard assert and tightens
  the floor.
Figures (tune vs held half, by label) go to the test report via `record_property` and into
every assertion message; the held half is only ever shown in aggregate.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.redaction_families import generate, suite
from tests.redaction_families.measure import (
    SECRET_LABELS,
    Run,
    families,
    gate_figures,
    half_figures,
    our_gate,
    our_redactor,
    run,
)

# the targets
TARGET_LEAK = 0.05
TARGET_ADMITTED_LEAK = 0.01
TARGET_CLEAN_TOUCH = 0.03
TARGET_DECOYS_KEPT = 0.99
TARGET_CLEAN_ADMITTED = 0.95

# regression floors: measured value + a small margin (tighten them when figures improve)
FLOOR_FAMILY_LEAK = 0.078  # measured 0.0762 (2026-12-04)
FLOOR_TUNE_LEAK = 0.002  # measured 0.0
FLOOR_HELD_LEAK = 0.15  # measured 0.1442
FLOOR_UNSEEN_LEAK = 0.092  # measured 0.0895
FLOOR_TX_LEAK = 0.142  # measured 0.1390 (2026-12-04, was 0.2617)
FLOOR_ADMITTED_LEAK = {"fam": 0.065, "tx": 0.104}  # measured 0.0608, 0.1017
# strict leak per label on the families; a label not named here must not leak at all
FLOOR_LABEL_LEAK = {
    "ACCOUNT_ID": 0.16,  # measured 0.1522
    "ADDRESS": 0.25,  # 0.2430
    "BALANCE": 0.15,  # 0.1460
    "NATIONAL_ID": 0.02,  # 0.0148
    "PASSWORD": 0.29,  # 0.2804
    "PERSON": 0.29,  # 0.2872
    "SEED_PHRASE": 0.125,  # 0.1200
}
# the redactor alone on the transformation suite: strict leak of the secret labels
FLOOR_TX_SECRET_LEAK = {
    "SEED_PHRASE": 0.055,
    "PRIVATE_KEY": 0.02,
    "API_KEY": 0.0,
}  # 0.05, 0.0167, 0

Record = Callable[[str, object], None]


@pytest.fixture(scope="module")
def fam() -> tuple[list[dict], Run]:
    records = generate()
    return records, run(records, our_redactor(), our_gate())


@pytest.fixture(scope="module")
def tx() -> tuple[list[dict], Run]:
    records = suite()
    return records, run(records, our_redactor(), our_gate())


@pytest.fixture(scope="module")
def fam_figures(fam: tuple[list[dict], Run]) -> dict[str, object]:
    records, result = fam
    figures = families(records, result)
    return {
        "leak_strict": figures["overall"]["leak_strict"],
        "unseen_leak_strict": figures["seen_vs_unseen"]["unseen"]["leak_strict"],
        "clean_touch": figures["overall"]["clean_touch"],
        "decoys_kept": figures["overall"]["decoys_kept"],
        "by_label": {k: v["leak_strict"] for k, v in figures["by_label"].items() if v["spans"]},
        **half_figures(records, result),
    }


@pytest.fixture(scope="module")
def tx_figures(tx: tuple[list[dict], Run]) -> dict[str, object]:
    records, result = tx
    figures = families(records, result)
    return {
        "leak_strict": figures["overall"]["leak_strict"],
        "by_label": {k: v["leak_strict"] for k, v in figures["by_label"].items() if v["spans"]},
    }


def _gate(data: tuple[list[dict], Run]) -> dict[str, object]:
    records, result = data
    if result.admitted is None:
        pytest.skip("privacy.gate is not there yet: no admission figures")
    return gate_figures(records, result)


def _report(record_property: Record, name: str, figures: dict[str, object]) -> str:
    record_property(name, figures)
    return f"{name}: {figures}"


@pytest.mark.parametrize("which", ["fam", "tx"])
def test_redactor_never_raises(which: str, request: pytest.FixtureRequest) -> None:
    _, result = request.getfixturevalue(which)
    assert list(result.errors) == []


def test_family_leak_floors(fam_figures: dict, record_property: Record) -> None:
    why = _report(record_property, "families", fam_figures)
    assert fam_figures["leak_strict"] <= FLOOR_FAMILY_LEAK, why
    assert fam_figures["tune"]["leak_strict"] <= FLOOR_TUNE_LEAK, why
    assert fam_figures["held"]["leak_strict"] <= FLOOR_HELD_LEAK, why
    assert fam_figures["unseen_leak_strict"] <= FLOOR_UNSEEN_LEAK, why


def test_family_leak_floor_per_label(fam_figures: dict, record_property: Record) -> None:
    why = _report(record_property, "families_by_label", fam_figures["by_label"])
    over = {
        label: leak
        for label, leak in fam_figures["by_label"].items()
        if leak > FLOOR_LABEL_LEAK.get(label, 0.0)
    }
    assert over == {}, why


@pytest.mark.xfail(strict=True, reason="issue 12 open: families leak 0.076 vs target 0.05")
def test_families_leak_target(fam_figures: dict) -> None:
    assert fam_figures["leak_strict"] <= TARGET_LEAK, fam_figures


@pytest.mark.xfail(strict=True, reason="issue 12 open: held half leaks 0.144 vs target 0.05")
def test_held_half_leak_target(fam_figures: dict) -> None:
    assert fam_figures["held"]["leak_strict"] <= TARGET_LEAK, fam_figures["held"]


@pytest.mark.xfail(strict=True, reason="issue 12 open: unseen shapes leak 0.090 vs target 0.05")
def test_unseen_families_leak_target(fam_figures: dict) -> None:
    """The shapes the dev set never shows, reported apart (leave-the-family-out)."""
    assert fam_figures["unseen_leak_strict"] <= TARGET_LEAK, fam_figures


@pytest.mark.xfail(strict=True, reason="issue 12 open: 6 labels over 0.05 (worst 0.29)")
def test_every_label_leak_target(fam_figures: dict) -> None:
    over = {k: v for k, v in fam_figures["by_label"].items() if v > TARGET_LEAK}
    assert over == {}


def test_transformation_suite_floors(tx_figures: dict, record_property: Record) -> None:
    why = _report(record_property, "transformations", tx_figures)
    assert tx_figures["leak_strict"] <= FLOOR_TX_LEAK, why
    secrets = {k: tx_figures["by_label"].get(k, 0.0) for k in SECRET_LABELS}
    assert {k: v for k, v in secrets.items() if v > FLOOR_TX_SECRET_LEAK[k]} == {}, why


@pytest.mark.xfail(strict=True, reason="issue 12 open: transformations leak 0.139 vs 0.05")
def test_transformation_suite_leak_target(tx_figures: dict) -> None:
    assert tx_figures["leak_strict"] <= TARGET_LEAK, tx_figures


@pytest.mark.xfail(
    strict=True,
    reason="issue 12 open: redactor leaks seeds 0.050, keys 0.017 under transformations",
)
def test_redactor_alone_never_leaks_secrets_under_transformations(tx_figures: dict) -> None:
    leaks = {k: tx_figures["by_label"].get(k) for k in SECRET_LABELS}
    assert leaks == dict.fromkeys(SECRET_LABELS, 0.0)


def test_clean_messages_untouched_and_decoys_kept(fam_figures: dict) -> None:
    assert fam_figures["clean_touch"] <= TARGET_CLEAN_TOUCH, fam_figures
    assert fam_figures["decoys_kept"] >= TARGET_DECOYS_KEPT, fam_figures


@pytest.mark.parametrize("which", ["fam", "tx"])
def test_no_secret_leaks_among_admitted_lines(
    which: str, request: pytest.FixtureRequest, record_property: Record
) -> None:
    """The fail-closed gate admits no line in which a seed, private key or API key leaks."""
    figures = _gate(request.getfixturevalue(which))
    why = _report(record_property, f"gate_secrets_{which}", figures)
    assert figures["admitted_secret_leaks"] == dict.fromkeys(SECRET_LABELS, 0), why


@pytest.mark.parametrize("which", ["fam", "tx"])
def test_admitted_leak_floor(
    which: str, request: pytest.FixtureRequest, record_property: Record
) -> None:
    figures = _gate(request.getfixturevalue(which))
    why = _report(record_property, f"gate_{which}", figures)
    assert figures["admitted_leak_strict"] <= FLOOR_ADMITTED_LEAK[which], why


@pytest.mark.xfail(strict=True, reason="issue 12 open: admitted lines leak 0.061 (fam), 0.102 (tx)")
@pytest.mark.parametrize("which", ["fam", "tx"])
def test_admitted_leak_target(which: str, request: pytest.FixtureRequest) -> None:
    figures = _gate(request.getfixturevalue(which))
    assert figures["admitted_leak_strict"] <= TARGET_ADMITTED_LEAK, figures


def test_gate_admits_95_percent_of_clean_lines(fam: tuple[list[dict], Run]) -> None:
    figures = _gate(fam)
    assert figures["clean_admitted"] >= TARGET_CLEAN_ADMITTED, figures
