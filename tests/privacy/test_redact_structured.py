"""Structured labels by mechanism (issue 12, round 2): each test builds its values from the
label's definition (a checksum, a registered structure, a key length), not from any record
of the measuring kit."""

from __future__ import annotations

import pytest

from privacy import Label, redact

L = Label


def _iban(country: str, bban: str) -> str:
    """Return a compact IBAN with correct ISO 13616 mod-97 digits for `bban`."""
    moved = bban + country + "00"
    number = int("".join(str(int(ch, 36)) for ch in moved))
    return f"{country}{98 - number % 97:02d}{bban}"


def _grouped(value: str, sep: str = " ") -> str:
    return sep.join(value[i : i + 4] for i in range(0, len(value), 4))


# BBANs whose national check digits are deliberately wrong: the IBAN's own mod-97 holds.
_BE = _iban("BE", "123456789011")  # Belgian BBAN check would be 02
_ES = _iban("ES", "21000418401234567890")  # Spanish DC digits not computed
_NO = _iban("NO", "12345678901")  # shortest registered length (15)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (f"wire it to {_BE} thanks", _BE),
        (f"wire it to {_BE.lower()} thanks", _BE.lower()),
        (f"refund: {_grouped(_ES)} (savings)", _grouped(_ES)),
        (f"refund: {_grouped(_ES, '-')}", _grouped(_ES, "-")),
        (f"口座は{_NO.lower()}です", _NO.lower()),
        (f"konto {_grouped(_NO)} ok", _grouped(_NO)),
    ],
)
def test_iban_needs_mod97_and_structure_not_national_check_digits(text: str, value: str) -> None:
    out = redact(text)
    assert value not in out.text
    assert [s.label for s in out.spans] == [L.IBAN]


def test_iban_shape_with_wrong_mod97_is_kept() -> None:
    bad = _BE[:2] + f"{(int(_BE[2:4]) + 1) % 100:02d}" + _BE[4:]
    assert redact(f"ref {bad} ok").text == f"ref {bad} ok"


def _mnemonic(seed: int) -> list[str]:
    from mnemonic import Mnemonic

    return Mnemonic("english").to_mnemonic(bytes((seed * 37 + i) % 256 for i in range(16))).split()


def _valid_window(words: list[str]) -> bool:
    from mnemonic import Mnemonic

    return bool(Mnemonic("english").check(" ".join(words)))


def test_seed_never_trims_words_after_a_window_that_passed_by_chance() -> None:
    """A phrase whose own checksum fails keeps every word, even when an earlier window of 12
    list words happens to pass (one in 16 does)."""
    for seed in range(64):
        words = _mnemonic(seed)
        tail = ["zoo", "wrist"]
        if _valid_window(words[2:] + tail):
            continue
        text = " ".join(words + tail)
        out = redact(text)
        assert out.text == "<SEED_PHRASE>", (seed, out.text)
        return
    pytest.fail("no phrase built")


def test_seed_window_may_stop_before_a_misspelt_word() -> None:
    words = _mnemonic(5)
    out = redact("my words: " + " ".join(words) + " plz zoo")
    assert out.text.endswith("<SEED_PHRASE> plz zoo")


def _bsn(prefix: str) -> str:
    """Return a Dutch BSN (9 digits, eleven-test) starting with 8 given digits."""
    total = sum(int(d) * w for d, w in zip(prefix, range(9, 1, -1), strict=True))
    for last in range(10):
        if (total - last) % 11 == 0:
            return prefix + str(last)
    return _bsn(str(int(prefix) + 1))


def _nir(body: str) -> str:
    """Return a French NIR: 13 digits and their mod-97 key."""
    return body + f"{97 - int(body) % 97:02d}"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (f"mijn BSN: {_bsn('12345678')}", _bsn("12345678")),
        (f"bsn is {_bsn('31415926')}, ok?", _bsn("31415926")),
        ("PAN card no. ABCPE1234F attached", "ABCPE1234F"),
        ("my pan is abcpe1234f", "abcpe1234f"),
        ("PESEL 44051401458 w formularzu", "44051401458"),
        ("n° de sécu : 2 84 05 75 123 456 " + _nir("2840575123456")[-2:],
         "2 84 05 75 123 456 " + _nir("2840575123456")[-2:]),
        (f"numero {_nir('1850769381123')} pour la mutuelle", _nir("1850769381123")),
    ],
)  # fmt: skip
def test_national_id_named_by_its_own_name_and_validated(text: str, value: str) -> None:
    out = redact(text)
    assert value not in out.text
    assert L.NATIONAL_ID in [s.label for s in out.spans]


@pytest.mark.parametrize(
    "text",
    [
        "BSN 123456789 is not a valid one",  # eleven-test fails
        "the PAN of the chart moved 1234 pips",
        "run 20 backtests on the 4h",
        "PESEL 44051401459 typo",  # check digit wrong
    ],
)
def test_a_named_id_that_fails_its_validator_is_kept(text: str) -> None:
    assert redact(text).text == text
