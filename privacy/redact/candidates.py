"""A candidate span found by one detector, and how overlapping candidates are resolved."""

from __future__ import annotations

import bisect
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
    guarded = sorted(protected)
    starts: list[int] = []  # chosen spans, kept sorted by start (they never overlap)
    chosen: list[Candidate] = []
    for cand in ordered:
        if cand.end <= cand.start:
            continue
        if not cand.strong and _overlaps_any(guarded, cand.start, cand.end):
            continue
        i = bisect.bisect_left(starts, cand.start)
        if i < len(chosen) and chosen[i].start < cand.end:
            continue
        if i > 0 and chosen[i - 1].end > cand.start:
            continue
        starts.insert(i, cand.start)
        chosen.insert(i, cand)
    return chosen


def _overlaps_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
