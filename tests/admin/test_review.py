"""Redaction review: same-shape stand-ins, regression cases that never hold the real secret."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacy.redact.checksums import bip39_checksum_ok, bip39_words, iban_valid, luhn_valid
from privacy.review import append_case, read_cases, regression_case, stand_in

AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def shape(text: str) -> str:
    return re.sub(r"[a-z]", "a", re.sub(r"[A-Z]", "A", re.sub(r"\d", "9", text)))


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("alice.smith@example.com", ".com"),
        ("sk-live-4f9a8b7c6d5e4f3a2b1c", "sk-live-"),
        ("0x52908400098527886E0F7030069857D2E4169EE7", "0x"),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1"),
        ("+44 20 7946 0958", "+"),
    ],
)
def test_stand_in_keeps_shape_and_structure_but_not_the_value(value: str, kept: str) -> None:
    out = stand_in(value)
    assert out != value
    assert shape(out) == shape(value)
    assert kept in out


def test_stand_in_recomputes_card_and_iban_checksums() -> None:
    cards = {stand_in("4111 1111 1111 1111") for _ in range(20)}
    assert len(cards) > 15  # random, not a fixed replacement
    assert all(luhn_valid(c.replace(" ", "")) for c in cards)
    ibans = [stand_in("DE89370400440532013000") for _ in range(20)]
    assert all(iban_valid(i) and i.startswith("DE") for i in ibans)
    assert "DE89370400440532013000" not in ibans


def test_hex_and_base58_values_stay_in_their_alphabet() -> None:
    hex_out = stand_in("deadbeefcafe0123456789abcdef")
    assert re.fullmatch(r"[0-9a-f]+", hex_out)
    b58 = stand_in("1BoatSLRHtKNngkdXEeobR76b53LETtpyT")
    assert not set(b58) & set("0OIl")


@given(
    prefix=st.text(alphabet="abc <>.,", max_size=60),
    secret=st.from_regex(r"[A-Za-z0-9]{8,24}", fullmatch=True),
    suffix=st.text(alphabet="xyz <>.,", max_size=60),
)
def test_regression_case_never_contains_the_flagged_secret(
    prefix: str, secret: str, suffix: str
) -> None:
    record = f"{prefix}{secret}{suffix}"
    case = regression_case(record, secret, "API_KEY", AT)
    assert secret not in case.text
    assert case.spans
    for start, end in case.spans:  # widened to the whole token the secret sits in
        assert shape(secret) in shape(case.text[start:end])
    assert len(case.text) <= sum(end - start for start, end in case.spans) + 80


def test_regression_case_replaces_every_occurrence_and_keeps_context() -> None:
    record = "mail me at bob@mail.org or bob@mail.org, thanks <PERSON>"
    case = regression_case(record, "bob@mail.org", "EMAIL", AT)
    assert "bob@mail.org" not in case.text
    assert len(case.spans) == 2
    a, b = (case.text[s:e] for s, e in case.spans)
    assert a == b and a.endswith(".org")
    assert case.text.startswith("mail me at ") and case.text.endswith(", thanks <PERSON>")


def test_regression_case_refuses_text_not_in_the_record() -> None:
    with pytest.raises(ValueError, match="does not appear"):
        regression_case("nothing private here", "secret-value", "OTHER", AT)
    with pytest.raises(ValueError, match="at least 3"):
        regression_case("ab", "ab", "OTHER", AT)


def test_cases_round_trip_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "regressions.jsonl"
    assert read_cases(path) == []
    first = regression_case("key is abcdef123456 ok", "abcdef123456", "API_KEY", AT)
    second = regression_case("card 4111111111111111", "4111111111111111", "CREDIT_CARD", AT)
    append_case(path, first)
    append_case(path, second)
    assert read_cases(path) == [first, second]
    assert path.stat().st_mode & 0o077 == 0
    assert "abcdef123456" not in path.read_text()


SEED = "abandon ability able about above absent absorb abstract absurd abuse access accident"


def test_a_partly_pasted_seed_leaves_none_of_its_words_in_the_file() -> None:
    record = f"backup words {SEED} ok? mail me at bob@mail.org"
    case = regression_case(record, " ".join(SEED.split()[:7]), "SEED_PHRASE", AT)
    assert [w for w in SEED.split() if w in case.text] == []
    ((start, end),) = case.spans
    words = case.text[start:end].split()
    assert len(words) == 12 and all(w in bip39_words("english") for w in words)
    assert bip39_checksum_ok(words)  # a fresh valid mnemonic: trips the same detector
    assert case.text.endswith(" ok? mail me at <EMAIL>")  # context: a fresh redaction


@pytest.mark.parametrize(
    "value",
    ["４１１１ １１１１ １１１１ １１１１", "٤١١١ ١١١١ ١١١١ ١١١١", "४१११ ११११ ११११ ११११"],
)
def test_non_ascii_digits_are_replaced_in_their_own_script(value: str) -> None:
    out = stand_in(value)
    assert len(out) == len(value)
    for before, after in zip(value, out, strict=True):
        assert (
            unicodedata.name(before).rsplit(" ", 1)[0] == unicodedata.name(after).rsplit(" ", 1)[0]
        )
    assert out != value
    ascii_digits = "".join(str(unicodedata.decimal(c)) for c in out if c.isdecimal())
    assert luhn_valid(ascii_digits)


def test_full_width_and_other_script_letters_are_replaced() -> None:
    for value in ("ｂｏｂ＠ｍａｉｌ．ｏｒｇ", "pаsswоrd-Ｔｏｋｅｎ9", "ПарольСекрет1"):
        outs = {stand_in(value) for _ in range(5)}
        assert value not in outs and len(outs) > 1
        for out in outs:
            assert [unicodedata.category(c) for c in out] == [
                unicodedata.category(c) for c in value
            ]


def test_pasting_part_of_a_grouped_number_hides_the_whole_number() -> None:
    record = "ref ４１１１ ２２２２ ３３３３ ４４４４ done"
    case = regression_case(record, "２２２２ ３３３３", "CREDIT_CARD", AT)
    for group in ("４１１１", "２２２２", "３３３３", "４４４４"):
        assert group not in case.text
    assert case.text.startswith("ref ")


def test_context_comes_from_a_fresh_redaction_not_the_stored_text() -> None:
    record = "my card 4111 1111 1111 1111 and my key 0x" + "ab12" * 16 + " please"
    case = regression_case(record, "4111 1111 1111 1111", "CREDIT_CARD", AT)
    assert "ab12" not in case.text and "<PRIVATE_KEY>" in case.text
