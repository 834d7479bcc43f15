"""Redaction: `redact(text) -> Redacted` with typed placeholders (`<EMAIL>`) and spans.

Small deterministic steps: value shapes with checksums (shapes), context cues (context),
people and places (names). Candidates are resolved by rank; URLs and public names are
protected; placeholders already in the text are never touched, so redaction is idempotent.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from privacy.redact import context, ids, keys, names, normalize, seeds, shapes, views
from privacy.redact.candidates import Candidate, resolve
from privacy.redact.labels import PLACEHOLDER_RE, Label, placeholder

__all__ = ["Label", "Redacted", "Span", "redact"]

_DETECTORS = (
    *shapes.DETECTORS,
    seeds.seed_phrases,
    *context.DETECTORS,
    keys.int_arrays,
    keys.secret_fields,
    ids.telegram_handles,
    ids.national_ids,
    *names.DETECTORS,
)


# What reads words and cues rather than one token's shape: the detectors the spaced and
# unquoted views feed (token shapes already see through quotes, and split tokens are the
# joined view's).
_WORD_DETECTORS = (
    shapes.emails,
    shapes.phones,
    *context.DETECTORS,
    ids.telegram_handles,
    ids.national_ids,
    *names.DETECTORS,
)


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


_JOINED_DETECTORS = (
    shapes.hex_strings,
    shapes.base58_strings,
    shapes.bech32_strings,
    shapes.api_keys,
    shapes.secret_tokens,
    shapes.ibans,
    shapes.digit_runs,
    shapes.national_ids,
)


def find_spans(text: str) -> tuple[Span, ...]:
    """Return the sensitive spans of `text`, non-overlapping and in order.

    Detectors read the canonical form (normalize.py), and also the joined view (keys.py)
    when a value is split by separators, and the views of views.py (a line break, quotes,
    separators for spaces, bars inside a value, flipped case); spans are mapped back to the
    original text.
    """
    return _find(text)[0]


def _find(text: str) -> tuple[tuple[Span, ...], bool]:
    """Return the spans and whether replacing them may reveal more (another pass is due)."""
    if not text:
        return (), False
    canon = normalize.canonicalize(text)
    ctext = canon.text
    fixed = [m.span() for m in PLACEHOLDER_RE.finditer(ctext)] if "<" in ctext else []
    if fixed:  # a placeholder's name is no cue word (`<PHONE>: 0000…` names no phone)
        ctext = PLACEHOLDER_RE.sub(_blank_name, ctext)
    cands: list[Candidate] = []
    for detect in _DETECTORS:
        cands.extend(detect(ctext))
    cands.extend(_across_breaks(ctext))
    cands.extend(_widened(cands, [*_inside_quotes(ctext), *_between_separators(ctext)]))
    joined = keys.joined_view(ctext)
    if joined is not None:
        for detect in _JOINED_DETECTORS:
            for c in detect(joined.text):
                start, end = joined.to_original(c.start, c.end)
                cands.append(Candidate(start, end, c.label, c.rank, c.strong))
    if not cands:
        return (), False
    if fixed:
        cands = [c for c in cands if not any(s < c.end and c.start < e for s, e in fixed)]
    protected = shapes.find_urls(ctext) + names.protected_names(ctext)
    chosen, again = resolve(cands, protected)
    spans = []
    for cand in chosen:
        start, end = _strip(text, *canon.to_original(cand.start, cand.end))
        if end > start:
            spans.append(Span(start, end, cand.label))
            # an owning cue reaches past the amount it named (`I hold 0.5 BTC, 2 ETH`)
            again = again or cand.label is Label.BALANCE or _glued(text, start, end)
    return tuple(spans), again


# labels whose value is found by a cue word rather than by its shape
_CUED = frozenset({Label.PASSWORD, Label.PERSON, Label.BALANCE, Label.ACCOUNT_ID, Label.ADDRESS,
                   Label.TELEGRAM_HANDLE})  # fmt: skip


def _across_breaks(ctext: str) -> list[Candidate]:
    """Return what the detectors find only once a line break cutting a token is removed.

    Only candidates that cross a removed break count, one rank below the same finding on
    the text as written, so a value that ends at a line break keeps its own span. A break
    between a digit and a letter (`2,864\nhow`) more often ends a line than cuts a token:
    only shapes (not values named by a cue word) may cross it.
    """
    view = views.unwrapped_view(ctext)
    if view is None:
        return []
    out = []
    for detect in _DETECTORS:
        for c in detect(view.text):
            start, end = view.to_original(c.start, c.end)
            if end - start > c.end - c.start and (
                c.label not in _CUED or _same_kind(ctext, start, end)
            ):
                rank = c.rank if _pieces_glued(ctext, start, end) else c.rank - 1
                out.append(Candidate(start, end, c.label, rank, c.strong))
    return out


_VALUE_MARK = re.compile(r"[0-9@_.+-]")


def _pieces_glued(text: str, start: int, end: int) -> bool:
    """Return True when both pieces at every line break in text[start:end] hold a digit or a
    value sign (`mara.k` + `ov@fastmail.com`), so neither is a word on a line of its own."""
    pos = start
    for piece_end in [*(i for i in range(start, end) if text[i] == "\n"), end]:
        if not _VALUE_MARK.search(text, pos, piece_end):
            return False
        pos = piece_end + 1
    return True


def _inside_quotes(ctext: str) -> list[Candidate]:
    """Return what the detectors find once quote marks and backticks around values are
    removed (a cue word then reaches its value: ``my tg is `mara_fx` ``), one rank below the
    same finding on the text as written."""
    view = views.unquoted_view(ctext)
    if view is None:
        return []
    out = []
    for detect in _WORD_DETECTORS:
        for c in detect(view.text):
            start, end = view.to_original(c.start, c.end)
            out.append(Candidate(start, end, c.label, c.rank - 1, c.strong))
    return out


def _between_separators(ctext: str) -> list[Candidate]:
    """Return what the detectors find once separators between words read as spaces
    (`sign as Aoife•Petrov`) or words of flipped case as capitalised (`LUKAs OkaFOR`),
    keeping only findings that hold such a change, one rank below the text as written."""
    out = _across_bars(ctext)
    for view in (views.spaced_view(ctext), views.recased_view(ctext)):
        if view is None:
            continue
        for detect in _WORD_DETECTORS:
            for c in detect(view):
                if view[c.start : c.end] != ctext[c.start : c.end]:
                    out.append(Candidate(c.start, c.end, c.label, c.rank - 1, c.strong))
    return out


def _across_bars(ctext: str) -> list[Candidate]:
    """Return the word detectors' findings across bars and bullets removed from inside a value
    (`my UID is 528|391|04`), one rank below the text as written."""
    compact = views.compact_view(ctext)
    if compact is None:
        return []
    out = []
    for detect in _WORD_DETECTORS:
        for c in detect(compact.text):
            start, end = compact.to_original(c.start, c.end)
            if end - start > c.end - c.start:  # it reads across a removed bar
                out.append(Candidate(start, end, c.label, c.rank - 1, c.strong))
    return out


def _widened(found: list[Candidate], views: list[Candidate]) -> list[Candidate]:
    """Return the views' candidates, each back at its detector's rank when it holds a finding
    of the same label on the text as written (`Aoife` of `Aoife•Petrov`): the view saw more
    of the same value."""
    out = []
    for v in views:
        wider = any(
            c.label is v.label
            and v.start <= c.start
            and c.end <= v.end
            and c.end - c.start < v.end - v.start
            for c in found
        )
        out.append(Candidate(v.start, v.end, v.label, v.rank + 1, v.strong) if wider else v)
    return out


def _same_kind(text: str, start: int, end: int) -> bool:
    """Return True when no line break in text[start:end] sits between a digit and a letter."""
    at = text.find("\n", start, end)
    while at != -1:
        kinds = {text[at - 1].isdigit(), text[at + 1].isdigit()}
        if len(kinds) == 2 and text[at - 1].isalpha() != text[at + 1].isalpha():
            return False
        at = text.find("\n", at + 1, end)
    return True


def _blank_name(match: re.Match[str]) -> str:
    return "<" + "\x00" * (len(match.group()) - 2) + ">"


_LOOSE = frozenset(" \t\n\r\u3000.,;:!?()[]{}\"'“”「」『』（）、。")


def _tight(ch: str) -> bool:
    """Return True when ch would read as part of a value written next to it: not a space or
    a sign, nor kana/kanji (Japanese writes `佐藤さん` with no space, and a name is no value)."""
    return ch not in _LOOSE and not "\u3040" <= ch <= "\u9fff"


def _glued(text: str, start: int, end: int) -> bool:
    """Return True when the text beside a span may read differently once it is replaced.

    The span touches a word or a sign (`Aa@A000`: `<PERSON>@A000` is a handle), or the word
    before or after it holds a digit (a number group that read as one value with the span).
    """
    if (start > 0 and _tight(text[start - 1])) or (end < len(text) and _tight(text[end])):
        return True
    beside = text[max(0, start - 40) : start].split()[-1:] + text[end : end + 40].split(None, 1)[:1]
    return any(ch.isdigit() for word in beside for ch in word)


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
    Another pass runs only when one can find more: a loser reached outside the winners, a
    span cut a word whose rest may now read as a value, or an amount was held (its cue may
    own the next amount too).
    """
    found, again = _find(text)
    if not found:
        return Redacted(text, ())
    spans = list(found)
    out, segments = _apply(text, spans)
    for _ in range(MAX_PASSES):
        if not again:
            break
        extra, again = _find(out)
        if not extra:
            break
        spans = sorted([*spans, *(_to_original(e, segments) for e in extra)], key=lambda s: s.start)
        out, segments = _apply(text, spans)
    return Redacted(out, tuple(spans))
