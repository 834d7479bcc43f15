"""Q&A orchestration: retrieve notes, fetch live facts, prompt the model, check, answer.

The model only phrases: live numbers are rendered by bot.features.qa.facts from market data, the
model's text is kept only when every number and ticker in it comes from the sources
(llm.grounding), and otherwise the reply is the retrieved explanation itself, saying so.
Memory keeps the last few turns per user as redacted text plus the symbol/timeframe asked
about, in process memory only.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from bot.core.conversation import Handled, Reply, Streamed
from bot.core.i18n import ENGLISH, t
from bot.core.symbols import find_symbol, find_timeframe, parse_symbol
from bot.core.wording import say
from bot.features.qa.facts import FactSource, FactsUnavailable
from bot.features.qa.parse import (
    CAPS,
    COIN_ASK,
    FOLLOW_UP,
    LEVELS,
    TRADE_DECISION,
    knowledge_entries,
    named_symbols,
)
from bot.features.qa.render import (
    cited,
    comparison,
    excerpt,
    localized,
)
from llm import (
    ClaimVerdict,
    Definition,
    Evidence,
    Fact,
    Generation,
    Hit,
    KnowledgeBase,
    LlmError,
    ModelGate,
    Rejection,
    build_messages,
    check_claims,
    informative_words,
    language_of,
    safety_entries,
)
from llm.grounding import has_latin_words
from privacy.stored import StoredItem
from privacy.streaming import EchoMask
from trading.errors import UnknownSymbol

log = logging.getLogger(__name__)

MEMORY_TURNS = 4
MEMORY_USERS = 10_000  # memory stays bounded however many people write
PROMPT_ENTRIES = 2
MAX_SENTENCES = 3
DEFAULT_TIMEFRAME = "1h"
# SmolLM2 often opens with its own "### Answer" heading: stop only at a later heading
GENERATION = Generation(max_tokens=80, temperature=0.1, stop=("\n###", "\n\n\n"))
_HEADING = re.compile(r"^\s*#+[^\n]*\n|^\s*[-*•]\s+|(?<=\n)\s*[-*•]\s+")
Redactor = Callable[[str], str]

_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|[。！？]")


@dataclass(frozen=True, slots=True)
class Turn:
    """One remembered turn: the redacted question and what it was about."""

    question: str
    symbol: str | None
    timeframe: str | None


@dataclass
class ConversationMemory:
    """The last few turns per user, redacted, in memory only; /forget clears them."""

    redact: Redactor
    turns: int = MEMORY_TURNS
    max_users: int = MEMORY_USERS
    name: str = field(default_factory=lambda: t(ENGLISH, "qa.memory_name"))
    _by_user: dict[int, deque[Turn]] = field(default_factory=dict)

    def subject(self, user_id: int, text: str) -> tuple[str | None, str | None]:
        """Return the symbol and timeframe a message is about (follow-ups inherit them)."""
        symbol = find_symbol(text)
        timeframe = find_timeframe(text)
        if symbol is None and (timeframe or FOLLOW_UP.search(text) or LEVELS.search(text)):
            earlier = next((t for t in reversed(self.recent(user_id)) if t.symbol), None)
            if earlier is not None:
                symbol = earlier.symbol
                timeframe = timeframe or earlier.timeframe
        if symbol is not None:
            timeframe = timeframe or DEFAULT_TIMEFRAME
        return symbol, timeframe

    def remember(self, user_id: int, text: str) -> None:
        """Store a turn: the redacted text and the symbol/timeframe it was about.

        Commands keep only their symbol/timeframe (their arguments may be keys or amounts).
        """
        symbol, timeframe = self.subject(user_id, text)
        kept = "" if text.lstrip().startswith("/") else self.redact(text)[:300]
        turns = self._by_user.pop(user_id, None) or deque(maxlen=self.turns)
        turns.append(Turn(kept, symbol, timeframe))
        self._by_user[user_id] = turns  # most recent last: the oldest user is dropped first
        if len(self._by_user) > self.max_users:
            del self._by_user[next(iter(self._by_user))]

    def recent(self, user_id: int) -> tuple[Turn, ...]:
        """Return the user's remembered turns, oldest first."""
        return tuple(self._by_user.get(user_id, ()))

    async def describe_user(self, user_id: int) -> list[StoredItem]:
        """Describe what is kept (for /mydata)."""
        n = len(self._by_user.get(user_id, ()))
        return [StoredItem("memory", n, t(ENGLISH, "qa.memory_kept", count=n))] if n else []

    async def forget_user(self, user_id: int) -> int:
        """Delete the user's turns (for /forget)."""
        return len(self._by_user.pop(user_id, ()))


@dataclass(frozen=True, slots=True)
class Plan:
    """Everything one answer is built from."""

    user_id: int
    question: str
    language: str
    hits: tuple[Hit, ...]
    facts: tuple[Fact, ...]
    symbol: str | None
    timeframe: str | None
    notice: str = ""
    compared: tuple[str, ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(f"{h.entry.title}: {h.entry.text_in(self.language)}" for h in self.hits)

    @property
    def sources(self) -> list[str]:
        return [*self.notes, *(f.text for f in self.facts), self.question]


class Answerer:
    """Answers free-text questions (the Q&A fallback of the conversation layer)."""

    def __init__(
        self,
        gate: ModelGate,
        knowledge: KnowledgeBase,
        memory: ConversationMemory,
        facts: FactSource | None = None,
        *,
        owner_key: Callable[[int], str] = str,
    ) -> None:
        self.gate = gate
        self.knowledge = knowledge
        self.memory = memory
        self.fact_source = facts
        self.owner_key = owner_key
        self.acronyms = frozenset(
            CAPS.findall(" ".join(h for e in knowledge_entries(knowledge) for h in e))
        )
        self.rejections: Counter[Rejection] = Counter()  # model answers withdrawn, by reason

    async def answer(self, user_id: int, question: str) -> Handled:
        """Return a streamed answer, or a short reply when there is nothing to answer from."""
        language = language_of(question)
        routed = bool(safety_entries(question))  # a scam question is not about the coin in it
        unknown = None if routed else await self._unknown_symbol(question)
        if unknown:
            reason = say(UnknownSymbol(unknown), language)
            return Reply(text=t(language, "qa.try_listed", reason=reason))
        symbol, timeframe = (None, None) if routed else self.memory.subject(user_id, question)
        named = named_symbols(question)
        compared = tuple(named[:2]) if len(named) >= 2 and not routed else ()
        # A follow-up such as "and on the 4h?" asks for the same coin's facts, not for notes
        # on the words "4h" or "and".
        asks_levels = bool(LEVELS.search(question))
        follow_up = symbol is not None and not named and not asks_levels
        hits = () if follow_up else tuple(self.knowledge.search(question, PROMPT_ENTRIES))
        levels = asks_levels and symbol is not None
        found, notice = await self._all_facts(compared or (symbol,), timeframe, language, levels)
        facts = tuple(localized(f, language) for f in found)
        if not hits and not facts:
            return Reply(text=notice or t(language, "qa.no_notes"))
        plan = Plan(user_id, question, language, hits, facts, symbol, timeframe, notice, compared)
        run = AnswerRun(self, plan)
        return Streamed(tokens=run.tokens(), final=run.final)

    async def _all_facts(
        self,
        symbols: tuple[str | None, ...],
        timeframe: str | None,
        language: str,
        levels: bool,
    ) -> tuple[tuple[Fact, ...], str]:
        # two coins compared are fetched at once, not one after the other
        results = await asyncio.gather(
            *(self._facts(s, timeframe, language, levels) for s in symbols)
        )
        facts = tuple(fact for found, _ in results for fact in found)
        return facts, " ".join(notice for _, notice in results if notice)

    async def _unknown_symbol(self, question: str) -> str | None:
        if self.fact_source is None or not COIN_ASK.search(question):
            return None
        candidates = [c for c in CAPS.findall(question) if c not in self.acronyms]
        if not candidates:
            return None
        listed = await self.fact_source.symbols()
        for token in candidates:
            symbol = parse_symbol(token)
            if symbol and listed and symbol not in listed:
                return symbol
        return None

    async def _facts(
        self, symbol: str | None, timeframe: str | None, language: str, levels: bool
    ) -> tuple[tuple[Fact, ...], str]:
        if symbol is None or self.fact_source is None:
            return (), ""
        try:
            tf = timeframe or DEFAULT_TIMEFRAME
            return await self.fact_source.facts(symbol, tf, levels=levels), ""
        except FactsUnavailable as exc:
            log.warning("live facts failed symbol=%s error=%s", symbol, exc)
            return (), t(language, "qa.facts_down", symbol=symbol)


class AnswerRun:
    """One answer: streams the model's tokens, then checks them and builds the final reply."""

    def __init__(self, answerer: Answerer, plan: Plan) -> None:
        self.answerer = answerer
        self.plan = plan
        # the model sees the question as typed: what its redaction removed stays hidden in
        # the answer even where the model repeats it without the words that marked it
        self.echo = EchoMask(plan.question)
        self.pieces: list[str] = []
        self.error: LlmError | None = None
        self.started = False
        self.finished = False

    async def tokens(self) -> AsyncIterator[str]:
        """Yield the model's answer as it is generated (errors end the stream quietly)."""
        self.started = True
        plan = self.plan
        recent = self.answerer.memory.recent(plan.user_id)[-2:]
        earlier = [_context_line(turn) for turn in recent if turn.symbol or turn.question]
        messages = build_messages(
            plan.question,
            [h.entry for h in plan.hits],
            plan.facts,
            earlier=earlier,
            language=plan.language,
        )
        owner = self.answerer.owner_key(plan.user_id)
        try:
            async for piece in self.answerer.gate.stream(owner, messages, GENERATION):
                self.pieces.append(piece)
                shown = self.echo.feed(piece)
                if shown:
                    yield shown
                if _complete_sentences("".join(self.pieces)) >= MAX_SENTENCES:
                    break  # the reply keeps MAX_SENTENCES anyway: free the model now
        except LlmError as err:
            self.error = err
            log.warning("model answer failed error=%s", type(err).__name__)
        finally:
            self.finished = True
        rest = self.echo.close()
        if rest:
            yield rest

    async def final(self) -> Reply:
        """Return the checked reply (drains the stream first if nobody consumed it)."""
        if not self.started:
            async for _ in self.tokens():
                pass
        # The model may echo a secret from the question: what is shown is redacted, like the
        # stream was (conversation.shown_redacted).
        said = self.answerer.memory.redact(self.echo.mask("".join(self.pieces)))
        text, verdict = compose(self.plan, said, self.error)
        if verdict is not None and not verdict.ok:
            self.answerer.rejections.update(verdict.reasons)
            log.info("model answer withdrawn reasons=%s", ",".join(verdict.reasons))
        return Reply(text=text)


def _context_line(turn: Turn) -> str:
    """Return an earlier turn as the prompt shows it (the prompt is English)."""
    if not turn.symbol:
        return turn.question
    subject = f"{turn.symbol} {turn.timeframe or ''}".strip()
    return t(ENGLISH, "qa.memory_asked_about", subject=subject)


def _complete_sentences(text: str) -> int:
    return len(_SENTENCE_END.findall(text))


def _trim(text: str) -> str:
    sentences = _SENTENCE.split(" ".join(_HEADING.sub("", text).split()))
    return " ".join(sentences[:MAX_SENTENCES]).strip()


MIN_INFORMATIVE_WORDS = 3  # "A market order is an order." says nothing: show the note instead


def _on_topic(answer: str, plan: Plan) -> bool:
    hits = plan.hits
    if not hits:
        return True
    if has_latin_words(answer) and (
        informative_words(answer, plan.sources, plan.question) < MIN_INFORMATIVE_WORDS
    ):
        return False
    lower = answer.lower()
    entry = hits[0].entry
    names = [entry.title.split(" (")[0], *entry.keywords, *entry.ja_keywords]
    return any(n.lower() in lower for n in names if n)


def judge(answer: str, plan: Plan) -> ClaimVerdict:
    """Return the claim check's verdict on a model answer to a plan (off-topic included)."""
    definitions = tuple(
        Definition(
            tuple(n.lower() for n in (h.entry.title.split(" (")[0], *h.entry.keywords)),
            h.entry.text,
        )
        for h in plan.hits
    )
    evidence = Evidence(plan.notes, tuple(f.text for f in plan.facts), plan.question, definitions)
    verdict = check_claims(answer, evidence, japanese=plan.language == "ja")
    if verdict.ok and not _on_topic(answer, plan):
        return ClaimVerdict(ok=False, reasons=(Rejection.OFF_TOPIC,))
    return verdict


def compose(plan: Plan, raw: str, error: LlmError | None) -> tuple[str, ClaimVerdict | None]:
    """Return the final reply text for a plan and the model's raw answer (or error)."""
    answer = _trim(raw)
    lines = [f.text for f in plan.facts]
    compared = comparison(plan.facts, plan.compared, plan.language)
    lines += [compared] if compared else []
    if plan.notice:
        lines.append(plan.notice)
    verdict = judge(answer, plan) if error is None else None
    if verdict is not None and verdict.ok:
        lines.append(answer)
    elif plan.hits:
        best = plan.hits[0].entry
        said = excerpt(best, plan.question, plan.language)
        lines.append(t(plan.language, "qa.from_notes", excerpt=said))
        lines.append(_fallback_reason(error, plan.language))
    lines.append(cited([h.entry for h in plan.hits], plan.facts, plan.language))
    if TRADE_DECISION.search(plan.question):
        lines.append(t(plan.language, "qa.nfa"))
    return "\n".join(lines), verdict


def _fallback_reason(error: LlmError | None, language: str) -> str:
    return t(language, "qa.ungrounded") if error is None else say(error, language)
