"""The curated knowledge base and its retrieval (SQLite FTS5, in memory, built at start).

English questions are matched with FTS5 (porter stemming, BM25 weighted towards titles and
keywords). Japanese questions are matched by the Japanese keywords each entry lists (FTS5's
tokenizer does not segment Japanese), plus FTS5 for any Latin words such as "RSI".
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from llm.safety import safety_entries

BUNDLED = Path(__file__).with_name("data") / "knowledge.jsonl"
_WORD = re.compile(r"[a-z0-9]+(?:[%/][a-z0-9]+)?")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
SAFETY_SCORE = 1000.0  # a routed security entry outranks any keyword match
KEYWORD_BONUS = 6.0  # an entry keyword quoted whole in the question beats partial matches
_STOPWORD_TEXT = (
    "a an and are as at be but by can could do does did for from how i if in into is it its "
    "me my of on or please should so tell that the their them then there these this to was "
    "we what when where which who why will with would you your about explain mean means "
    "meaning define definition work works good bad much many some any know ok okay hi hello"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True, slots=True)
class Entry:
    """One curated explanation."""

    id: str
    title: str
    text: str
    keywords: tuple[str, ...]
    ja_keywords: tuple[str, ...]
    ja_title: str = ""
    ja_text: str = ""

    def text_in(self, language: str) -> str:
        """Return the text in the language (English while the entry has no Japanese text)."""
        return self.ja_text if language == "ja" and self.ja_text else self.text

    def title_in(self, language: str) -> str:
        """Return the title in the language (English while the entry has no Japanese title)."""
        return self.ja_title if language == "ja" and self.ja_title else self.title


@dataclass(frozen=True, slots=True)
class Hit:
    """A retrieved entry and its relevance (higher is better)."""

    entry: Entry
    score: float


def load_entries(path: Path = BUNDLED) -> list[Entry]:
    """Read entries from a JSON-lines file (one object per line)."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            doc = json.loads(line)
            entries.append(
                Entry(
                    id=doc["id"],
                    title=doc["title"],
                    text=doc["text"],
                    keywords=tuple(doc.get("keywords", ())),
                    ja_keywords=tuple(doc.get("ja", ())),
                    ja_title=doc.get("ja_title", ""),
                    ja_text=doc.get("ja_text", ""),
                )
            )
    return entries


def has_japanese(text: str) -> bool:
    """Return True when the text contains kana or kanji."""
    return _CJK.search(text) is not None


def query_terms(text: str) -> list[str]:
    """Return the content words of a question (lower case, stopwords dropped)."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOPWORDS]


class KnowledgeBase:
    """Entries indexed in an in-memory SQLite FTS5 table; `search` takes well under 1 ms."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self._entries = {e.id: e for e in entries}
        self._phrases = {
            e.id: tuple(" ".join(_WORD.findall(k.lower())) for k in e.keywords)
            for e in self._entries.values()
        }
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE kb USING fts5("
            "id UNINDEXED, title, keywords, text, tokenize='porter unicode61')"
        )
        self._db.executemany(
            "INSERT INTO kb(id, title, keywords, text) VALUES (?, ?, ?, ?)",
            [(e.id, e.title, " ; ".join(e.keywords), e.text) for e in self._entries.values()],
        )
        self._db.commit()

    @classmethod
    def bundled(cls) -> KnowledgeBase:
        """Return the knowledge base shipped in llm/data/knowledge.jsonl."""
        return cls(load_entries())

    def __len__(self) -> int:
        return len(self._entries)

    def entries(self) -> list[Entry]:
        """Return every entry."""
        return list(self._entries.values())

    def get(self, entry_id: str) -> Entry | None:
        """Return one entry by id."""
        return self._entries.get(entry_id)

    def search(self, question: str, limit: int = 3) -> list[Hit]:
        """Return the best entries for a question (empty when nothing relevant matches).

        Safety questions (keys to "support", recovery offers, giveaways) get the security
        entries first, whatever their words match (llm.safety).
        """
        hits: dict[str, float] = {}
        routed = [i for i in safety_entries(question) if i in self._entries]
        if routed:
            return [Hit(self._entries[i], SAFETY_SCORE - n) for n, i in enumerate(routed)][:limit]
        if has_japanese(question):
            for entry in self._entries.values():
                found = sum(len(k) for k in entry.ja_keywords if k in question)
                if found:
                    hits[entry.id] = 10.0 + found
        terms = query_terms(question)
        if terms:
            spaced = f" {' '.join(_WORD.findall(question.lower()))} "
            for entry_id, score in self._fts(terms, limit * 3):
                bonus = KEYWORD_BONUS * sum(
                    1 for k in self._phrases[entry_id] if f" {k} " in spaced
                )
                hits[entry_id] = max(hits.get(entry_id, 0.0), score + bonus)
        ranked = sorted(hits.items(), key=lambda kv: kv[1], reverse=True)[:limit]
        return [Hit(self._entries[i], s) for i, s in ranked]

    def _fts(self, terms: Sequence[str], limit: int) -> list[tuple[str, float]]:
        # Only titles and keywords decide *whether* an entry matches (the body text mentions
        # too many things); BM25 over all columns decides the order.
        match = "{title keywords} : (" + " OR ".join(f'"{t}"' for t in terms) + ")"
        rows = self._db.execute(
            "SELECT id, -bm25(kb, 0.0, 8.0, 4.0, 1.0) FROM kb WHERE kb MATCH ? "
            "ORDER BY bm25(kb, 0.0, 8.0, 4.0, 1.0) LIMIT ?",
            (match, limit),
        ).fetchall()
        return [(str(r[0]), float(r[1])) for r in rows]
