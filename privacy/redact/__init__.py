"""Redaction: `redact(text) -> Redacted` with typed placeholders (`<EMAIL>`) and spans.

Small deterministic steps: value shapes with checksums (shapes), context cues (context),
people and places (names). Candidates are resolved by rank; URLs and public names are
protected; placeholders already in the text are never touched, so redaction is idempotent.
"""

from __future__ import annotations

import bisect
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


# Full-width ASCII (０９０－１２３４, ＠, ：) and the ideographic space map one-to-one onto
# ASCII, so detectors see one alphabet while offsets stay those of the original text.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def find_spans(text: str) -> tuple[Span, ...]:
    """Return the sensitive spans of `text`, non-overlapping and in order."""
    if not text:
        return ()
    original = text
    if max(text) >= "\u3000":
        text = text.translate(_FULLWIDTH)
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
        start, end = _strip(original, cand.start, cand.end)
        if end > start:
            spans.append(Span(start, end, cand.label))
    return tuple(spans)


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


MAX_PASSES = 4


def _apply(text: str, spans: list[Span]) -> tuple[str, list[tuple[int, int, int]]]:
    """Return the redacted text and its kept segments: (redacted start, original start, len)."""
    parts: list[str] = []
    segments: list[tuple[int, int, int]] = []
    pos = out_len = 0
    for span in spans:
        keep = text[pos : span.start]
        segments.append((out_len, pos, len(keep)))
        tag = placeholder(span.label)
        parts += [keep, tag]
        out_len += len(keep) + len(tag)
        pos = span.end
    segments.append((out_len, pos, len(text) - pos))
    parts.append(text[pos:])
    return "".join(parts), segments


def _to_original(span: Span, segments: list[tuple[int, int, int]]) -> Span:
    i = bisect.bisect_right([seg[0] for seg in segments], span.start) - 1
    red_start, orig_start, length = segments[max(i, 0)]
    if not (red_start <= span.start and span.end <= red_start + length):
        raise AssertionError("a span crossed a placeholder")  # placeholders are protected
    shift = orig_start - red_start
    return Span(span.start + shift, span.end + shift, span.label)


def redact(text: str) -> Redacted:
    """Replace every sensitive span of `text` with its typed placeholder.

    Runs to a fixpoint: a value that lost an overlap to a stronger one (a name touching an
    e-mail address) is still found once the winner is replaced, so redaction is idempotent.
    """
    spans = list(find_spans(text))
    if not spans:
        return Redacted(text, ())
    out, segments = _apply(text, spans)
    for _ in range(MAX_PASSES):
        extra = find_spans(out)
        if not extra:
            break
        spans = sorted([*spans, *(_to_original(e, segments) for e in extra)], key=lambda s: s.start)
        out, segments = _apply(text, spans)
    return Redacted(out, tuple(spans))
