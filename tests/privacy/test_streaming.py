"""StreamRedactor: a model echoing a user's secrets, streamed in pieces of every size, never
shows any part of them at any moment (issue 13, finding 10)."""

from __future__ import annotations

import itertools
import re

import pytest

from privacy import Label, Redacted, Span, redact
from privacy.streaming import EchoMask, StreamRedactor
from tests.canaries import make_canaries, needles, secret_messages

PASSWORD = "Hunter2!xyz9"


def pieces(text: str, size: int) -> list[str]:
    """Split like a model would: words with their spaces (size 0) or fixed-size chunks."""
    if size == 0:
        return re.findall(r"\S+\s*", text)
    return [text[i : i + size] for i in range(0, len(text), size)]


def echo(line: str) -> str:
    return f"A stop loss closes a position at a set price. You said: {line}. Keep that private."


def shown_states(text: str, size: int) -> list[str]:
    """Everything shown after each piece, then after the end."""
    stream = StreamRedactor()
    states = []
    for piece in pieces(text, size):
        stream.feed(piece)
        states.append(stream.shown)
    stream.close()
    states.append(stream.shown)
    return states


@pytest.mark.parametrize("size", [0, 1, 3, 7])
def test_no_moment_of_an_echoed_secret_stream_shows_any_part_of_a_secret(size: int) -> None:
    canaries = make_canaries()
    lines = [*secret_messages(canaries), f"my password is {PASSWORD} for the exchange"]
    for line in lines:
        states = shown_states(echo(line), size)
        for state in states:
            leaked = [n for n in [*needles(canaries), PASSWORD] if n in state]
            assert not leaked, (line, state)
        assert all(b.startswith(a) for a, b in itertools.pairwise(states))


@pytest.mark.parametrize("size", [0, 1, 5])
def test_the_finished_stream_is_the_redacted_text(size: int) -> None:
    canaries = make_canaries()
    for line in secret_messages(canaries):
        text = echo(line)
        assert shown_states(text, size)[-1] == redact(text).text


def test_plain_text_streams_while_it_grows() -> None:
    text = " ".join(f"A stop loss closes the position, part {i}." for i in range(20))
    states = shown_states(text, 0)
    assert states[-1] == text
    grew = [i for i, (a, b) in enumerate(itertools.pairwise(states)) if b != a]
    assert len(grew) > 40  # shown piece by piece, a tail behind: not all at the end


def test_a_changed_prefix_stops_the_stream_instead_of_showing_more() -> None:
    answers = iter([(Span(0, 1, Label.EMAIL),), (Span(0, 3, Label.EMAIL),)])

    def fickle(text: str) -> Redacted:
        return Redacted(text, next(answers, ()))

    stream = StreamRedactor(fickle, hold_words=0, hold_chars=0)
    assert stream.feed("ab ") == "<EMAIL>b "
    assert stream.feed("cd") == ""  # the redactor now takes back what was shown: stop
    assert stream.close() == ""
    assert stream.shown == "<EMAIL>b "


@pytest.mark.parametrize("size", [1, 3, 0])
def test_an_echo_without_its_cue_is_masked_at_every_moment(size: int) -> None:
    """Hostile review II: the cue marked the password in the question, not in the answer."""
    mask = EchoMask(f"my password is {PASSWORD}, mail zq.linger@example.com")
    answer = f"{PASSWORD.upper()} is weak and zq.linger@example.com is public. Hunter2 ok"
    shown = ""
    for piece in pieces(answer, size):
        shown += mask.feed(piece)
        assert PASSWORD.lower()[:8] not in shown.lower()  # not even its beginning
        assert "zq.linger@" not in shown
    shown += mask.close()
    assert shown == "<PASSWORD> is weak and <EMAIL> is public. Hunter2 ok"
    assert mask.mask(answer) == shown


def test_nothing_is_held_when_the_question_had_no_secret() -> None:
    mask = EchoMask("what is a stop loss?")
    assert mask.feed("A stop") == "A stop" and mask.close() == ""
