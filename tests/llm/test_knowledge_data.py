"""The bundled knowledge base as data: both languages on every entry, Japanese written in
Japanese, unique ids, enough entries (issue 16 item 2)."""

from __future__ import annotations

import re

import pytest

from llm.knowledge import Entry, KnowledgeBase

ENTRIES = KnowledgeBase.bundled().entries()
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
_LATIN = re.compile(r"[A-Za-z]")
MIN_JAPANESE_SHARE = 0.5  # of the letters: tickers, RSI and /commands stay Latin


def japanese_share(text: str) -> float:
    japanese = len(_JAPANESE.findall(text))
    return japanese / max(1, japanese + len(_LATIN.findall(text)))


def test_the_base_has_at_least_250_entries_with_unique_ids() -> None:
    assert len(ENTRIES) >= 250
    assert len({e.id for e in ENTRIES}) == len(ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_every_entry_is_written_in_both_languages(entry: Entry) -> None:
    assert entry.title.strip() and entry.ja_title.strip()
    assert len(entry.text) > 40 and len(entry.ja_text) > 20
    assert entry.ja_keywords, "Japanese questions are matched by these keywords"
    assert japanese_share(entry.ja_text) >= MIN_JAPANESE_SHARE, entry.ja_text
    assert japanese_share(entry.ja_title) >= 0.3, entry.ja_title
    assert not _JAPANESE.search(entry.text), "the English text has Japanese in it"


def test_japanese_share_tells_languages_apart() -> None:
    assert japanese_share("RSIは買われすぎを示します") > MIN_JAPANESE_SHARE
    assert japanese_share("RSI measures momentum") == 0.0


@pytest.mark.parametrize(
    ("entry_id", "english", "japanese"),
    [
        # the facts the issue saw inverted: the texts must say them the right way round
        ("maker-fee", "charge them less than takers", "テイカーより安い"),
        ("taker-fee", "the higher of the two", "メイカーより高い"),
        ("macd-histogram", "turns positive, MACD has crossed above", "プラスに転じたら"),
        ("funding-payments", "positive, longs pay shorts", "プラスならロングがショートに払い"),
        ("death-cross", "crosses below", "上から下に抜ける"),
    ],
)
def test_direction_facts_read_the_right_way_round(
    entry_id: str, english: str, japanese: str
) -> None:
    entry = next(e for e in ENTRIES if e.id == entry_id)
    assert english in entry.text
    assert japanese in entry.ja_text
