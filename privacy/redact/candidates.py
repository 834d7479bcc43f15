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


def resolve(
    cands: list[Candidate], protected: list[tuple[int, int]]
) -> tuple[list[Candidate], bool]:
    """Return non-overlapping candidates (preferring rank, then length, then position) and
    whether a loser reaches outside the winners.

    Such a loser may be found again once the winners are replaced (a name touching an
    e-mail address), so the caller runs another pass; otherwise one pass is the fixpoint.
    """
    ordered = sorted(cands, key=lambda c: (-c.rank, -(c.end - c.start), c.start))
    guarded = sorted(protected)
    starts: list[int] = []  # chosen spans, kept sorted by start (they never overlap)
    chosen: list[Candidate] = []
    losers: list[Candidate] = []
    for cand in ordered:
        if cand.end <= cand.start:
            continue
        if not cand.strong and _overlaps_any(guarded, cand.start, cand.end):
            continue
        i = bisect.bisect_left(starts, cand.start)
        if (i < len(chosen) and chosen[i].start < cand.end) or (
            i > 0 and chosen[i - 1].end > cand.start
        ):
            losers.append(cand)
            continue
        starts.insert(i, cand.start)
        chosen.insert(i, cand)
    return chosen, any(not _covered(chosen, starts, c) for c in losers)


def _covered(chosen: list[Candidate], starts: list[int], cand: Candidate) -> bool:
    """Return True when cand lies inside the chosen spans (touching ones joined)."""
    i = bisect.bisect_right(starts, cand.start) - 1
    if i < 0:
        return False
    pos = cand.start
    while i < len(chosen) and chosen[i].start <= pos:
        pos = max(pos, chosen[i].end)
        if pos >= cand.end:
            return True
        i += 1
    return False


def _overlaps_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)
