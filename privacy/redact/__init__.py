"""Redaction: `redact(text) -> Redacted` with typed placeholders (`<EMAIL>`) and spans.

Small deterministic steps: value shapes with checksums (shapes), context cues (context),
people and places (names). Candidates are resolved by rank; URLs and public names are
protected; placeholders already in the text are never touched, so redaction is idempotent.
"""

from __future__ import annotations

from dataclasses import dataclass

from privacy.redact import context, names, shapes
from privacy.redact.candidates import Candidate, resolve
from privacy.redact.labels import PLACEHOLDER_RE, Label, placeholder

__all__ = ["Label", "Redacted", "Span", "redact"]

_DETECTORS = (*shapes.DETECTORS, *context.DETECTORS, *names.DETECTORS)


@dataclass(frozen=True, slots=True)
class Span:
    """A removed stretch of the ORIGINAL text: [start, end) in code points, and its label."""

    start: int
    end: int
    label: Label


@dataclass(frozen=True, slots=True)
class Redacted:
    """Redacted text (placeholders in place of spans) and the spans of the original."""

    text: str
    spans: tuple[Span, ...]

    @property
    def changed(self) -> bool:
        return bool(self.spans)


def find_spans(text: str) -> tuple[Span, ...]:
    """Return the sensitive spans of `text`, non-overlapping and in order."""
    if not text:
        return ()
    cands: list[Candidate] = []
    for detect in _DETECTORS:
        cands.extend(detect(text))
    if not cands:
        return ()
    fixed = [m.span() for m in PLACEHOLDER_RE.finditer(text)] if "<" in text else []
    if fixed:
        cands = [c for c in cands if not any(s < c.end and c.start < e for s, e in fixed)]
    protected = shapes.find_urls(text) + names.protected_names(text)
    spans = []
    for cand in resolve(cands, protected):
        start, end = _strip(text, cand.start, cand.end)
        if end > start:
            spans.append(Span(start, end, cand.label))
    return tuple(spans)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def redact(text: str) -> Redacted:
    """Replace every sensitive span of `text` with its typed placeholder."""
    spans = find_spans(text)
    if not spans:
        return Redacted(text, ())
    parts: list[str] = []
    pos = 0
    for span in spans:
        parts.append(text[pos : span.start])
        parts.append(placeholder(span.label))
        pos = span.end
    parts.append(text[pos:])
    return Redacted("".join(parts), spans)
