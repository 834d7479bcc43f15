"""Splitting and escaping of outgoing text; the stream throttle; the per-user limiter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.core.auth import UserRateLimiter
from bot.core.outgoing import StreamThrottle, escape_html, split_message
from tests.fakes.telegram_html import parse_html


@given(st.text(max_size=300))
def test_escaped_text_parses_back_to_itself(text: str) -> None:
    assert parse_html(escape_html(text)) == text


def test_user_symbols_survive_html() -> None:
    text = "BTC_USDT *bold* <b>not a tag</b> & R&D 5 < 6 > 4"
    assert parse_html(escape_html(text)) == text


@given(st.lists(st.text(alphabet="ab \n", max_size=120), max_size=80), st.integers(20, 200))
def test_split_respects_limit_and_keeps_content(chunks: list[str], limit: int) -> None:
    text = "\n".join(chunks)
    parts = split_message(text, limit)
    assert all(len(p) <= limit for p in parts)
    # whitespace-only parts are dropped (Telegram refuses empty messages); nothing else is
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_split_prefers_line_boundaries() -> None:
    lines = [f"line {i:03d} " + "x" * 40 for i in range(200)]
    parts = split_message("\n".join(lines), 4096)
    assert len(parts) == 3
    assert all(p.split("\n")[0].startswith("line ") for p in parts)
    assert sum(len(p.split("\n")) for p in parts) == 200


def test_overlong_single_line_is_cut_hard() -> None:
    parts = split_message("y" * 10_000, 4096)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


def test_stream_throttle_allows_one_update_per_interval() -> None:
    now = [0.0]
    throttle = StreamThrottle(1.0, monotonic=lambda: now[0])
    assert throttle.due("a")
    assert not throttle.due("ab")
    now[0] = 0.5
    assert not throttle.due("abc")
    now[0] = 1.01
    assert throttle.due("abcd")
    assert not throttle.due("abcd")


def test_limiter_allows_burst_then_warns_once_then_refills() -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    limiter = UserRateLimiter(rate_per_min=6, burst=3, clock=lambda: now[0])
    assert [limiter.check(1).allowed for _ in range(3)] == [True, True, True]
    first, second = limiter.check(1), limiter.check(1)
    assert not first.allowed and first.notify and first.retry_after_s == 10
    assert "10 s" in first.reply_text
    assert not second.allowed and not second.notify
    assert limiter.check(2).allowed  # other users are not affected
    now[0] += timedelta(seconds=10)
    assert limiter.check(1).allowed
    assert not limiter.check(1).allowed
