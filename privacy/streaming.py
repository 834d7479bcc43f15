"""Redact text that arrives piece by piece (a streamed model answer) before any of it is shown.

A secret can be recognised only once enough of it, or of the words around it, has arrived: a
seed phrase needs ten words, a password the cue beside it, an e-mail address its domain.
`StreamRedactor` therefore shows only a settled prefix: the redacted text up to a cut that
keeps a tail of words and characters back, never inside a redacted span. A stretch redacted
once stays redacted (spans only grow), and when a later piece would change what was already
shown the stream stops showing anything more: the caller's final reply replaces it anyway.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import AsyncIterator, Callable, Iterable

from privacy.redact import Redacted, Span, redact
from privacy.redact.labels import placeholder

HOLD_WORDS = 12  # a seed phrase is recognised from its tenth word (context.MIN_SEED_WORDS)
HOLD_CHARS = 80  # cues (password, phone, balance) look about 40-60 characters around them

Redact = Callable[[str], Redacted]
WORD_RE = re.compile(r"\S+")


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Return the spans sorted, overlapping ones joined (the wider label wins)."""
    out: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and span.start < out[-1].end:
            last = out[-1]
            wider = last if last.end - last.start >= span.end - span.start else span
            out[-1] = Span(last.start, max(last.end, span.end), wider.label)
        else:
            out.append(span)
    return out


def _held_cut(text: str, hold_words: int, hold_chars: int) -> int:
    """Return where the held-back tail starts: the last word start that leaves at least
    `hold_words` words and `hold_chars` characters after it."""
    limit = len(text) - hold_chars
    starts = [m.start() for m in WORD_RE.finditer(text)]
    if hold_words:
        if len(starts) <= hold_words:
            return 0
        limit = min(limit, starts[-hold_words])
    if limit >= len(text):
        return len(text)
    before = bisect.bisect_right(starts, limit) - 1
    return starts[before] if before >= 0 else 0


class StreamRedactor:
    """Turn raw pieces into pieces that are safe to show: `feed` each, then `close`."""

    def __init__(
        self,
        redactor: Redact = redact,
        *,
        hold_words: int = HOLD_WORDS,
        hold_chars: int = HOLD_CHARS,
    ) -> None:
        self._redact = redactor
        self._hold_words = hold_words
        self._hold_chars = hold_chars
        self._raw = ""
        self._spans: list[Span] = []
        self._shown = ""
        self._stopped = False

    @property
    def shown(self) -> str:
        """Return everything shown so far."""
        return self._shown

    def feed(self, piece: str) -> str:
        """Add a raw piece; return the newly settled redacted text ('' when none)."""
        self._raw += piece
        if self._stopped:
            return ""
        return self._advance(_held_cut(self._raw, self._hold_words, self._hold_chars))

    def close(self) -> str:
        """The stream ended: return the rest of the redacted text ('' if it was stopped)."""
        if self._stopped:
            return ""
        return self._advance(len(self._raw))

    def _advance(self, cut: int) -> str:
        self._spans = _merge([*self._spans, *self._redact(self._raw).spans])
        parts: list[str] = []
        pos = 0
        for span in self._spans:
            if span.end > cut:
                cut = min(cut, span.start)  # never show part of a span, nor what follows it
                break
            parts += [self._raw[pos : span.start], placeholder(span.label)]
            pos = span.end
        parts.append(self._raw[pos:cut] if cut > pos else "")
        settled = "".join(parts)
        if not settled.startswith(self._shown):
            self._stopped = True  # later text changed what was shown: show nothing more
            return ""
        delta = settled[len(self._shown) :]
        self._shown = settled
        return delta


async def redacted_stream(
    pieces: AsyncIterator[str], redactor: Redact = redact
) -> AsyncIterator[str]:
    """Yield only redacted, settled text of a raw stream (see StreamRedactor)."""
    stream = StreamRedactor(redactor)
    try:
        async for piece in pieces:
            delta = stream.feed(piece)
            if delta:
                yield delta
    finally:
        # When our consumer stops early, close the model's stream now (its worker thread
        # stops), not whenever the garbage collector gets to it.
        close = getattr(pieces, "aclose", None)
        if close is not None:
            await close()
    rest = stream.close()
    if rest:
        yield rest


MIN_ECHO_CHARS = 4  # shorter redacted values (a 3-digit CVV) would mask ordinary words


class EchoMask:
    """Mask, in a stream, every value the redactor removed from the question, wherever it
    appears (any case): a model may repeat a password without the words that marked it."""

    def __init__(self, question: str, redactor: Redact = redact) -> None:
        found = redactor(question)
        values = {
            question[s.start : s.end].strip().casefold(): placeholder(s.label) for s in found.spans
        }
        self._values = {v: p for v, p in values.items() if len(v) >= MIN_ECHO_CHARS}
        longest = sorted(self._values, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(re.escape(v) for v in longest), re.IGNORECASE) if longest else None
        )
        self._reach = max(map(len, self._values), default=1) - 1  # a held tail's longest
        self._firsts = "".join({v[0] for v in self._values})
        self._fallback = next(iter(self._values.values()), "")
        self._held = ""

    def mask(self, text: str) -> str:
        """Return the text with every echoed value replaced by its placeholder."""
        if self._pattern is None:
            return text
        return self._pattern.sub(
            lambda m: self._values.get(m.group(0).casefold(), self._fallback), text
        )

    def feed(self, piece: str) -> str:
        """Add a piece; return what is safe to pass on (a possible value's start is held)."""
        text = self.mask(self._held + piece)
        hold = self._partial_tail(text)
        self._held = text[len(text) - hold :] if hold else ""
        return text[: len(text) - hold]

    def close(self) -> str:
        """Return what is still held (the stream ended, so it is no value's beginning)."""
        rest, self._held = self.mask(self._held), ""
        return rest

    def _partial_tail(self, text: str) -> int:
        """Return the length of the longest tail of text that begins some value."""
        folded = text[-self._reach :].casefold() if self._reach > 0 else ""
        for pos, ch in enumerate(folded):  # earliest start first: the longest tail
            if ch in self._firsts and any(v.startswith(folded[pos:]) for v in self._values):
                return len(folded) - pos
        return 0
