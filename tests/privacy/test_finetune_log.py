"""The fine-tune store read API on both stores: filters, label counts, export, deletion."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from privacy import FinetuneFilter, FinetuneLog, redact


class SetClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def _fill(engine: Engine) -> tuple[FinetuneLog, SetClock]:
    clock = SetClock()
    store = FinetuneLog(engine, clock)
    store.append("u_a", redact("mail me at jo.doe@gmail.com"), redact("ok"))
    clock.now += timedelta(days=2)
    store.append("u_b", redact("call +1 (415) 555-0132 or jo.doe@gmail.com"), redact("sure"))
    clock.now += timedelta(days=2)
    store.append("u_a", redact("BTC/USDT 4h RSI 14?"), redact("RSI is 55"))
    return store, clock


def test_records_filter_by_label_pseudonym_and_dates(engine: Engine) -> None:
    store, _ = _fill(engine)
    assert store.count() == 3
    assert [r.pseudonym for r in store.records()] == ["u_a", "u_b", "u_a"]
    assert len(store.records(FinetuneFilter(label="EMAIL"))) == 2
    assert len(store.records(FinetuneFilter(label="PHONE"))) == 1
    assert len(store.records(FinetuneFilter(pseudonym="u_a"))) == 2
    start = datetime(2026, 3, 2, tzinfo=UTC)
    dated = store.records(FinetuneFilter(since=start, until=start + timedelta(days=2)))
    assert [r.pseudonym for r in dated] == ["u_b"]
    assert store.counts_by_label() == {"EMAIL": 2, "PHONE": 1}
    assert store.records(FinetuneFilter(label="%")) == []  # a filter is a value, not a pattern


def test_record_holds_redacted_chat_messages(engine: Engine) -> None:
    store, _ = _fill(engine)
    newest = store.records(limit=1)[0]
    assert newest.messages[0].role == "user"
    assert newest.messages[0].content == "BTC/USDT 4h RSI 14?"
    assert newest.labels == ()
    second = store.get(newest.id - 1)
    assert second is not None and "<PHONE>" in second.messages[0].content


def test_export_writes_chat_jsonl_without_ids(engine: Engine) -> None:
    store, _ = _fill(engine)
    out = io.StringIO()
    assert store.export(out) == 3
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert set(lines[0]) == {"messages"}
    assert [m["role"] for m in lines[0]["messages"]] == ["user", "assistant"]
    assert "jo.doe" not in out.getvalue()


def test_delete_one_per_user_and_before_cutoff(engine: Engine) -> None:
    store, clock = _fill(engine)
    first = store.records()[-1]
    assert store.delete(first.id) and not store.delete(first.id)
    assert store.delete_for("u_b") == 1
    assert store.delete_before(clock.now) == 0
    assert store.delete_before(clock.now + timedelta(seconds=1)) == 1
    assert store.count() == 0
