"""Views of the canonical text in which a value split or disguised reads whole.

Each view is read by the detectors beside the text as written (privacy/redact/__init__.py);
a finding of a view maps back over the characters the view removed or changed.

* `unwrapped_view`: a line break that cuts a token (`lindqvist_ngozi\\n＠docomo.ne.jp`).
* `unquoted_view`: quote marks or backticks around a value, so a cue reaches it.
* `spaced_view`: separators typed instead of spaces between words (`Mara•Kovacs`).
* `compact_view`: bars or bullets typed inside a value (`528|391|04`).
* `recased_view`: words whose letters' case was flipped (`LUKAs OkaFOR`).
"""

from __future__ import annotations

import re

from privacy.redact.keys import cut
from privacy.redact.normalize import Canonical

# A line break inside a token (`lindqvist_ngozi\n＠docomo.ne.jp`, `216.56.2\n15.237`): the
# pieces beside it, when each holds a digit or a sign values are made of (a word on a line
# of its own, `someone` or `Issue:`, is no piece of a value).
_BARE_BREAK_RE = re.compile(r"(\S+)\n(\S+)")
_SENTENCE_END = frozenset(".,;:!?)]」。、")
_VALUE_SIGN_RE = re.compile(r"[0-9@_.+#$%&*!?/=-]")


def _value_piece(piece: str) -> bool:
    """Return True for a piece with a digit or a value sign, or a long run not cased as prose
    (`AKIAIOSFODNN`, `qeZyd4dZ…`)."""
    if _VALUE_SIGN_RE.search(piece):
        return True
    return len(piece) >= 8 and not piece.islower() and not piece.istitle()


def unwrapped_view(text: str) -> Canonical | None:
    """Return `text` with the line breaks that cut a value-like token removed, or None."""
    if "\n" not in text:
        return None
    cuts = []
    for m in _BARE_BREAK_RE.finditer(text):
        left, right = m.group(1), m.group(2).rstrip(".,;:!?)]」。、")
        signs = _value_piece(left), _value_piece(right)
        # `alphaa\noife430`: a lower-case word that goes on with no space into digits
        lower_run = left.isalpha() and left.islower() and right[:1].islower() and signs[1]
        if left[-1] in _SENTENCE_END or not (all(signs) or lower_run):
            continue
        cuts.append((m.end(1), m.end(1) + 1))
    return cut(text, cuts) if cuts else None


# Quote marks and backticks around a value (`sign as \`Mara Kovacs\``, `my tg is "mara_fx"`,
# `「…」`): at a token's edge, not an apostrophe inside a word (`don't`).
_QUOTES = "`\"“”„«»「」『』'‘’"
_EDGE_QUOTE_RE = re.compile(
    rf"`|(?:(?<=^)|(?<=[\s(\[=:,\u3040-\u9fff]))[{_QUOTES}]+"  # Japanese quotes with no space
    rf"|[{_QUOTES}]+(?=$|[\s,.;:!?)\]\u3040-\u9fff])"
)


_QUOTED_RE = re.compile(r"[`\"“„«「『'‘]([^`\"”»」』'’\n]{1,60})[`\"”»」』'’]")
_TITLE_WORDS_RE = re.compile(r"[A-Z][^\W\d_]+(?: [A-Z][^\W\d_]+){1,3}")


def unquoted_view(text: str) -> Canonical | None:
    """Return `text` with the quote marks around values removed, or None when no quoted
    stretch may be a value: one token (`mara_fx9`, `25枚`), or a few capitalised words (a
    name). Quoted prose (`'IP not allowed'`) is left alone."""
    if not any(q in text for q in _QUOTES) or not any(
        _maybe_value(m.group(1)) for m in _QUOTED_RE.finditer(text)
    ):
        return None
    cuts = [m.span() for m in _EDGE_QUOTE_RE.finditer(text)]
    return cut(text, cuts) if cuts else None


def _maybe_value(quoted: str) -> bool:
    return " " not in quoted or _TITLE_WORDS_RE.fullmatch(quoted) is not None


# Words joined by a separator instead of a space (`Aoife•Petrov`, `Via/Roma/54,/00184/Roma`,
# `2.17.btc`): a bar or bullet between two characters, or `_ . / -` after a word or
# before one. Digits on both sides (decimals, dates) stay.
_BAR_RE = re.compile(r"(?<=\S)[|•·](?=\S)")
_WORD_SEP_RE = re.compile(
    r"(?<=\S)[|•·](?=\S)"
    r"|(?<=[^\W\d_]|,)[_./-]+(?=\w)|(?<=\d)[_./-]+(?=[^\W\d_])|(?<=\d)[_./-]{2,}(?=\d)"
)
# worth a look: a bar or bullet inside a token, a capitalised word (a name, a street) or a
# number (an amount) glued to the next word by a separator
_TRIGGER_RE = re.compile(
    r"\S[|•·]\S|[A-Z][a-z]+,?(?:[_./-][A-Z]|([_/-])[a-z]+\1)|(?<![@.\w])\d+(?:[.,]\d+)?[_./-][A-Za-z]{2,}(?![\w.-])"
)


# a cheaper regex that matches wherever _TRIGGER_RE does (and more): tried first
_HINT_RE = re.compile(r"[|•·]|[A-Z][a-z]+,?(?:[_./-][A-Z]|([_/-])[a-z]+\1)|\d[_./-][A-Za-z]")


def spaced_view(text: str) -> str | None:
    """Return `text` with separators between words read as spaces (same length), or None."""
    if not _HINT_RE.search(text) or not _TRIGGER_RE.search(text):
        return None
    if _BAR_RE.search(text):  # bars or bullets part the words: `_ . -` are the value's own
        return _BAR_RE.sub(" ", text)
    return _WORD_SEP_RE.sub(lambda m: " " * len(m.group()), text)


_EXTRA_SPACE_RE = re.compile(r"(?<=\S) ( +)(?=\S)")


def compact_view(text: str) -> Canonical | None:
    """Return `text` with bars and bullets inside tokens removed (`600|597|79` as typed to
    slip past a filter is `60059779`) and runs of spaces between groups made one (`233  389
    519`), or None when there are none."""
    bars = "|" in text or "•" in text or "·" in text
    if not bars and "  " not in text:
        return None
    cuts = [m.span() for m in _BAR_RE.finditer(text)] if bars else []
    if "  " in text:
        cuts = sorted([*cuts, *(m.span(1) for m in _EXTRA_SPACE_RE.finditer(text))])
    return cut(text, cuts) if cuts else None


# A word typed with its letters' case flipped at random (`LUKAs OkaFOR`, `GRANvilLE`): read
# as capitalised. Brand names in camel case (`TradingView`, `setWebhook`, `MakerDAO`,
# `stETH`) and short words (`dYdX`, `PnL`) stay.
_CASE_FLIP_RE = re.compile(r"(?<![\w-])[^\W\d_]*(?:[a-z][A-Z]|[A-Z]{2}[a-z])[^\W\d_]*(?![\w-])")
_CAMEL_RE = re.compile(r"[a-z]*(?:[A-Z][a-z]+)+(?:[A-Z]{2,})?|[a-z]{1,2}[A-Z]+")


_FLIP_HINT_RE = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")


def recased_view(text: str) -> str | None:
    """Return `text` with words of flipped case capitalised (same length), or None."""
    if _FLIP_HINT_RE.search(text) is None:  # cheap: most text has no flip at all
        return None
    changed = False

    def fix(m: re.Match[str]) -> str:
        nonlocal changed
        word = m.group()
        new = word.capitalize()
        if len(word) < 5 or word.isupper() or _CAMEL_RE.fullmatch(word) or len(new) != len(word):
            return word
        changed = True
        return new

    view = _CASE_FLIP_RE.sub(fix, text)
    return view if changed else None
