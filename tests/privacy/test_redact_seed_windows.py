"""The seed detector's window search (packed 11-bit groups) agrees with the plain BIP-39
checksum on every window, so the speed-up changes no span."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from privacy.redact import seeds

INDEX = seeds.word_index()
ENGLISH = Mnemonic("english")
WORDS = sorted(INDEX)


def _reference(words: list[str], misses: list[int]) -> tuple[int, int]:
    """The window search as the docstring states it, one checksum per window."""

    def valid(window: list[str]) -> bool:
        if any(w not in INDEX for w in window):
            return False
        langs = set.intersection(*({lang for lang, _ in INDEX[w]} for w in window))
        return any(
            seeds.checksum_ok([next(i for la, i in INDEX[w] if la == lang) for w in window])
            for lang in langs
        )

    for size in (24, 21, 18, 15, 12):
        firsts = [f for f in range(len(words) - size + 1) if valid(words[f : f + size])]
        if firsts:
            last = firsts[-1] + size
            return firsts[0], min(e for e in (len(words), *misses) if e >= last) - 1
    return 0, len(words) - 1


pieces = st.one_of(
    st.sampled_from([128, 160, 192, 224, 256]).map(
        lambda bits: ENGLISH.to_mnemonic(bytes(range(bits // 8))).split()
    ),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=30),
    st.just(["zzqx"]),
)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(pieces, min_size=1, max_size=4).map(lambda ps: [w for p in ps for w in p]),
    st.lists(st.integers(0, 120), max_size=3),
)
def test_window_search_matches_the_checksum(words: list[str], misses: list[int]) -> None:
    misses = sorted({m for m in misses if m < len(words)})
    assert seeds._checksummed_window(words, misses, INDEX) == _reference(words, misses)


def test_a_valid_mnemonic_after_cue_words_is_found_alone() -> None:
    phrase = ENGLISH.to_mnemonic(bytes(range(16))).split()
    words = ["zoo", "zoo", *phrase]
    assert seeds._checksummed_window(words, [], INDEX) == (2, len(words) - 1)
