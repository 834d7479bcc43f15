"""The fast path of the named-id cues (lower-cased text, starting only at a cue's first
letter) finds exactly what the case-insensitive pattern finds."""

from __future__ import annotations

import pytest

from privacy.redact import ids

TEXTS = [
    "my BSN 111222333 and my PAN card ABCPE1234F",
    "Pesel: 44051401359, Henkilötunnus 131052-308T",
    "ЕГН 7523169263 or egn 7523169263",
    "Steuer-ID 12345679998; NHS number 943 476 5919",
    "T.C. kimlik no 10000000146, CURP HEGG560427MVZRRL04",
    "Sécurité sociale 1 84 12 76 451 089 46, cartão de cidadão 00000000 0 ZZ4",
    "Rodné číslo 7103192745, asmens kodas 33309240064, kennitala 1201743399",
    "teudat zehut 231740705, IC no. 770311-06-5111, AHV 756.1234.5678.97",
]


def test_every_cue_opens_with_a_letter() -> None:
    alternatives = [alt for cue in ids._NAMED_IDS for alt in cue.split("|")]
    assert all(alt[0].isalpha() for alt in alternatives)


@pytest.mark.parametrize("text", TEXTS)
def test_the_fast_cue_pattern_finds_what_the_full_one_finds(text: str) -> None:
    full = [(m.span(), m.lastgroup) for m in ids.NAMED_ID_RE.finditer(text)]
    fast = [(m.span(), m.lastgroup) for m in ids._NAMED_ID_LOWER_RE.finditer(text.lower())]
    assert full and fast == full
