"""A candidate span found by one detector, and how overlapping candidates are resolved."""

from __future__ import annotations

from dataclasses import dataclass

from privacy.redact.labels import Label


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stretch of text a detector wants removed. Higher `rank` wins an overlap;
    `strong` candidates (validated or unmistakable shapes) are kept even inside a URL."""

    start: int
    end: int
    label: Label
    rank: int
    strong: bool = False


def resolve(cands: list[Candidate], protected: list[tuple[int, int]]) -> list[Candidate]:
    """Return non-overlapping candidates, preferring rank, then length, then position."""
    ordered = sorted(cands, key=lambda c: (-c.rank, -(c.end - c.start), c.start))
    chosen: list[Candidate] = []
    for cand in ordered:
        if cand.end <= cand.start:
            continue
        if not cand.strong and any(s < cand.end and cand.start < e for s, e in protected):
            continue
        if any(c.start < cand.end and cand.start < c.end for c in chosen):
            continue
        chosen.append(cand)
    return sorted(chosen, key=lambda c: c.start)
