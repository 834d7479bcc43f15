"""Score redacted outputs against labelled records: leak, clean-touch and decoys kept.

`leak` follows the kit's definition (shared/redaction/README.md): a span leaks when one of its
alphanumeric runs of length >= 4 (>= 2 if it holds Japanese/Chinese characters), or the whole
span when it has none, occurs in the output (placeholders blanked, case-insensitive) more often
than in the original text outside all gold spans. `strict` also counts what that rule misses
on obfuscated values: both sides are first folded (NFKC, invisible format characters dropped,
Cyrillic/Greek look-alikes mapped to Latin), and a span with >= 8 alphanumerics also leaks when
any 8 of them in a row survive once separators are ignored. Decoys are kept when none of their
characters were removed (character alignment, as in the kit).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from tests.redaction_families.transforms import HOMOGLYPHS

_RUN = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_TAG = re.compile(r"<[A-Z][A-Z0-9_ -]*>|\[[A-Z][A-Z0-9_ -]*\]|\{\{?[A-Z][A-Z0-9_ -]*\}?\}")
_UNFOLD = str.maketrans({v: k for k, v in HOMOGLYPHS.items()})
BLANK = "\u2588"
WINDOW = 8


def unfold(text: str) -> str:
    """Return text with NFKC applied, invisible format characters dropped, look-alikes folded."""
    nfkc = unicodedata.normalize("NFKC", text)
    return "".join(c for c in nfkc if unicodedata.category(c) != "Cf").translate(_UNFOLD)


def fold(text: str) -> str:
    """Return the canonical form the strict rule compares: unfold(text), casefolded."""
    return unfold(text).casefold()


def blank_tags(original: str, output: str) -> str:
    """Blank placeholder tags the redactor inserted (tags already in the original stay)."""
    return _TAG.sub(lambda m: m.group(0) if m.group(0) in original else BLANK, output)


def outside_spans(text: str, spans: Iterable[dict]) -> str:
    """Return text with every gold span's characters replaced by NUL."""
    chars = list(text)
    for s in spans:
        chars[s["start"] : s["end"]] = "\0" * (s["end"] - s["start"])
    return "".join(chars)


def runs(span_text: str) -> list[str]:
    """Return the runs that must not survive (the whole span when none is long enough)."""
    found = [t for t in _RUN.findall(span_text) if len(t) >= (2 if _CJK.search(t) else 4)]
    return found or [span_text.strip()]


def _skeleton(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def span_leaks(text: str, output: str, spans: list[dict], span: dict, *, strict: bool) -> bool:
    """Return whether span is recoverable from output (output already tag-blanked)."""
    value = text[span["start"] : span["end"]]
    outside, out = outside_spans(text, spans), output
    if strict:
        value, outside, out = fold(value), fold(outside), fold(out)
    else:
        outside, out = outside.casefold(), out.casefold()
    if any(out.count(t.casefold()) > outside.count(t.casefold()) for t in runs(value)):
        return True
    if not strict:
        return False
    bones, out_bones, out_side = _skeleton(value), _skeleton(out), _skeleton(outside)
    windows = {bones[i : i + WINDOW] for i in range(len(bones) - WINDOW + 1)}
    return any(out_bones.count(w) > out_side.count(w) for w in windows)


def removed_mask(text: str, output: str) -> list[bool]:
    """Return which characters of text did not survive into output (difflib alignment)."""
    if text == output:
        return [False] * len(text)
    gone = [True] * len(text)
    ops = difflib.SequenceMatcher(None, text, output, autojunk=False).get_opcodes()
    for k, (tag, i1, i2, _, _) in enumerate(ops):
        piece = text[i1:i2]
        # a letter of a placeholder that lines up with the original between two edits
        stray = 0 < k < len(ops) - 1 and len(piece) <= 2 and not any(c.isspace() for c in piece)
        if tag == "equal" and not stray:
            gone[i1:i2] = [False] * (i2 - i1)
    return gone


@dataclass(slots=True)
class Tally:
    """Counts of one group: spans and leaks (both rules), clean messages and decoys."""

    spans: int = 0
    leaked: int = 0
    strict: int = 0
    clean: int = 0
    touched: int = 0
    decoys: int = 0
    kept: int = 0

    def __add__(self, other: Tally) -> Tally:
        """Return the sum of two tallies."""
        return Tally(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Tally)))

    def row(self) -> dict[str, object]:
        """Return the rates of this group."""
        r = lambda a, b: round(a / b, 4) if b else None  # noqa: E731
        return {
            "spans": self.spans,
            "leak": r(self.leaked, self.spans),
            "leak_strict": r(self.strict, self.spans),
            "clean": self.clean,
            "clean_touch": r(self.touched, self.clean),
            "decoys": self.decoys,
            "decoys_kept": r(self.kept, self.decoys),
        }


GroupKey = Callable[[dict, dict | None], str]


def tally(records: list[dict], outputs: dict[str, str], key: GroupKey) -> dict[str, Tally]:
    """Return a Tally per group; key(record, span) names a span's group (span None: record's)."""
    groups: dict[str, Tally] = defaultdict(Tally)
    for rec in records:
        text = rec["text"]
        out = outputs.get(rec["id"], text)
        if rec["clean"]:
            t = groups[key(rec, None)]
            t.clean += 1
            t.touched += out != text
        blanked = blank_tags(text, out)
        for span in rec["spans"]:
            t = groups[key(rec, span)]
            t.spans += 1
            t.leaked += span_leaks(text, blanked, rec["spans"], span, strict=False)
            t.strict += span_leaks(text, blanked, rec["spans"], span, strict=True)
        if rec["decoys"]:
            gone = removed_mask(text, out)
            t = groups[key(rec, None)]
            for d in rec["decoys"]:
                t.decoys += 1
                t.kept += not any(gone[d["start"] : d["end"]])
    return dict(groups)


def overall(records: list[dict], outputs: dict[str, str]) -> dict[str, object]:
    """Return the corpus-wide rates plus the share of sensitive messages with any leak."""
    total = tally(records, outputs, lambda rec, span: "all").get("all", Tally()).row()
    per_msg = tally(
        [r for r in records if not r["clean"]], outputs, lambda rec, span: rec["id"]
    ).values()
    sensitive = [t for t in per_msg if t.spans]
    total["message_leak_strict"] = (
        round(sum(t.strict > 0 for t in sensitive) / len(sensitive), 4) if sensitive else None
    )
    return total


def by_label(rec: dict, span: dict | None) -> str:
    """Group spans by label (records without a span under CLEAN or their family's label)."""
    if span:
        return span["label"]
    return "CLEAN" if rec["clean"] else rec.get("family", "OTHER").split(":")[0]


def by_family(rec: dict, span: dict | None) -> str:
    """Group by family (`LABEL:name`, or CLEAN)."""
    return rec.get("family", "?")
