"""Q&A orchestration: retrieve notes, fetch live facts, prompt the model, check, answer.

The model only phrases: live numbers are rendered by bot.live_facts from market data, the
model's text is kept only when every number and ticker in it comes from the sources
(llm.grounding), and otherwise the reply is the retrieved explanation itself, saying so.
Memory keeps the last few turns per user as redacted text plus the symbol/timeframe asked
about, in process memory only.
"""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from bot.conversation import Handled, Reply, Streamed
from bot.intents import find_symbol, find_timeframe, parse_symbol
from bot.live_facts import FactSource, FactsUnavailable
from llm import (
    MAJOR_TICKERS,
    Fact,
    Generation,
    Hit,
    KnowledgeBase,
    LlmError,
    ModelBusy,
    ModelGate,
    ModelTimeout,
    ModelUnavailable,
    build_messages,
    check,
    informative_words,
    language_of,
)
from llm.grounding import has_latin_words

log = logging.getLogger(__name__)

MEMORY_TURNS = 4
MEMORY_USERS = 10_000  # memory stays bounded however many people write
PROMPT_ENTRIES = 2
MAX_SENTENCES = 3
DEFAULT_TIMEFRAME = "1h"
GENERATION = Generation(max_tokens=80, temperature=0.1, stop=("###", "\n\n\n"))
Redactor = Callable[[str], str]

WORDING: dict[str, dict[str, str]] = {
    "en": {
        "no_notes": "I have no notes on that. I can explain trading concepts and indicators, "
        "order types, risk, wallets and scams, or show live data for a coin (e.g. “how is BTC?”).",
        "unknown_symbol": "I don't know the symbol {symbol} on this exchange. "
        "Try a listed pair such as BTC/USDT.",
        "from_notes": "From my notes:",
        "ungrounded": "(The model's wording did not match my sources, so here is the source text.)",
        "unavailable": "(The language model is not available right now, so here are my notes.)",
        "timeout": "(The model took too long, so here are my notes.)",
        "busy": "(Many questions are waiting for the model, so here are my notes.)",
        "failed": "(The model failed on this one, so here are my notes.)",
        "facts_down": "(Live data for {symbol} is unavailable right now.)",
        "sources": "Sources: {items}",
        "nfa": "Not financial advice: the decision is yours.",
    },
    "ja": {
        "no_notes": "その話題についての資料はありません。テクニカル指標、注文の種類、リスク管理、"
        "ウォレット、詐欺の見分け方、銘柄の最新データ（例:「BTCはどう？」）についてお答えできます。",
        "unknown_symbol": "この取引所に {symbol} という銘柄はありません。"
        "BTC/USDT などをお試しください。",
        "from_notes": "資料より:",
        "ungrounded": "（モデルの回答が資料と一致しなかったため、資料の本文を表示します。）",
        "unavailable": "（言語モデルが利用できないため、資料の本文を表示します。）",
        "timeout": "（モデルの応答が遅すぎたため、資料の本文を表示します。）",
        "busy": "（質問が混み合っているため、資料の本文を表示します。）",
        "failed": "（モデルでエラーが起きたため、資料の本文を表示します。）",
        "facts_down": "（{symbol} の最新データは現在取得できません。）",
        "sources": "出典: {items}",
        "nfa": "投資助言ではありません。判断はご自身で行ってください。",
    },
}
_TRADE_DECISION = re.compile(
    r"\b(should i|buy|sell|long|short|invest|enter|exit|hold|dump|moon|worth it)\b"
    r"|買う|売る|買い|売り|投資|エントリー|利確|損切",
    re.IGNORECASE,
)
_PRICE_ASK = re.compile(r"\b(price|worth|trading at|quote|how is|how's)\b|価格|値段|いくら", re.I)
_CAPS = re.compile(r"(?<![\w/])[A-Z][A-Z0-9]{1,11}(?![\w/])")
_FOLLOW_UP = re.compile(
    r"^\s*(and|what about|how about|then|now|also)\b|^\s*(では|じゃあ|それ)", re.I
)
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
    name: str = "conversation memory"
    _by_user: dict[int, deque[Turn]] = field(default_factory=dict)

    def subject(self, user_id: int, text: str) -> tuple[str | None, str | None]:
        """Return the symbol and timeframe a message is about (follow-ups inherit them)."""
        symbol = find_symbol(text)
        timeframe = find_timeframe(text)
        if symbol is None and (timeframe or _FOLLOW_UP.search(text)):
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

    async def describe_user(self, user_id: int) -> list[str]:
        """Describe what is kept (for /mydata)."""
        n = len(self._by_user.get(user_id, ()))
        return [f"{n} recent question(s), redacted, kept in memory for follow-ups"] if n else []

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

    @property
    def sources(self) -> list[str]:
        notes = [f"{h.entry.title}: {h.entry.text}" for h in self.hits]
        return [*notes, *(f.text for f in self.facts), self.question]


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
            _CAPS.findall(" ".join(h for e in knowledge_entries(knowledge) for h in e))
        )

    async def answer(self, user_id: int, question: str) -> Handled:
        """Return a streamed answer, or a short reply when there is nothing to answer from."""
        language = language_of(question)
        words = WORDING[language]
        symbol, timeframe = self.memory.subject(user_id, question)
        if symbol is None:
            unknown = await self._unknown_symbol(question)
            if unknown:
                return Reply(text=words["unknown_symbol"].format(symbol=unknown))
        # A follow-up such as "and on the 4h?" asks for the same coin's facts, not for notes
        # on the words "4h" or "and".
        follow_up = symbol is not None and find_symbol(question) is None
        hits = () if follow_up else tuple(self.knowledge.search(question, PROMPT_ENTRIES))
        facts, notice = await self._facts(symbol, timeframe, words)
        if not hits and not facts:
            return Reply(text=notice or words["no_notes"])
        plan = Plan(user_id, question, language, hits, facts, symbol, timeframe, notice)
        run = AnswerRun(self, plan)
        return Streamed(tokens=run.tokens(), final=run.final)

    async def _unknown_symbol(self, question: str) -> str | None:
        if self.fact_source is None or not _PRICE_ASK.search(question):
            return None
        candidates = [c for c in _CAPS.findall(question) if c not in self.acronyms]
        if not candidates:
            return None
        listed = await self.fact_source.symbols()
        for token in candidates:
            symbol = parse_symbol(token)
            if symbol and listed and symbol not in listed:
                return symbol
        return None

    async def _facts(
        self, symbol: str | None, timeframe: str | None, words: dict[str, str]
    ) -> tuple[tuple[Fact, ...], str]:
        if symbol is None or self.fact_source is None:
            return (), ""
        try:
            return await self.fact_source.facts(symbol, timeframe or DEFAULT_TIMEFRAME), ""
        except FactsUnavailable as exc:
            log.warning("live facts failed symbol=%s error=%s", symbol, exc)
            return (), words["facts_down"].format(symbol=symbol)


def knowledge_entries(kb: KnowledgeBase) -> list[tuple[str, ...]]:
    """Return (title, *keywords) of every entry (their acronyms are not coin tickers)."""
    return [(e.title, *e.keywords) for e in kb.entries()]


class AnswerRun:
    """One answer: streams the model's tokens, then checks them and builds the final reply."""

    def __init__(self, answerer: Answerer, plan: Plan) -> None:
        self.answerer = answerer
        self.plan = plan
        self.pieces: list[str] = []
        self.error: LlmError | None = None
        self.started = False
        self.finished = False

    async def tokens(self) -> AsyncIterator[str]:
        """Yield the model's answer as it is generated (errors end the stream quietly)."""
        self.started = True
        plan = self.plan
        earlier = [
            f"asked about {t.symbol} {t.timeframe or ''}".strip() if t.symbol else t.question
            for t in self.answerer.memory.recent(plan.user_id)[-2:]
            if t.symbol or t.question
        ]
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
                yield piece
                if _complete_sentences("".join(self.pieces)) >= MAX_SENTENCES:
                    break  # the reply keeps MAX_SENTENCES anyway: free the model now
        except LlmError as err:
            self.error = err
            log.warning("model answer failed error=%s", type(err).__name__)
        finally:
            self.finished = True

    async def final(self) -> Reply:
        """Return the checked reply (drains the stream first if nobody consumed it)."""
        if not self.started:
            async for _ in self.tokens():
                pass
        return Reply(text=compose(self.plan, "".join(self.pieces), self.error))


def _complete_sentences(text: str) -> int:
    return len(_SENTENCE_END.findall(text))


def _trim(text: str) -> str:
    sentences = _SENTENCE.split(" ".join(text.split()))
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


def compose(plan: Plan, raw: str, error: LlmError | None) -> str:
    """Return the final reply text for a plan and the model's raw answer (or error)."""
    words = WORDING[plan.language]
    answer = _trim(raw)
    lines = [f.text for f in plan.facts]
    if plan.notice:
        lines.append(plan.notice)
    grounding = check(answer, plan.sources, MAJOR_TICKERS) if error is None else None
    if grounding is not None and grounding.ok and _on_topic(answer, plan):
        lines.append(answer)
    elif plan.hits:
        lines.append(f"{words['from_notes']} {plan.hits[0].entry.text}")
        lines.append(_fallback_reason(words, error))
    cited = [h.entry.title for h in plan.hits] + [f.label for f in plan.facts]
    lines.append(words["sources"].format(items="; ".join(cited)))
    if _TRADE_DECISION.search(plan.question):
        lines.append(words["nfa"])
    return "\n".join(lines)


def _fallback_reason(words: dict[str, str], error: LlmError | None) -> str:
    if error is None:
        return words["ungrounded"]
    if isinstance(error, ModelUnavailable):
        return words["unavailable"]
    if isinstance(error, ModelTimeout):
        return words["timeout"]
    if isinstance(error, ModelBusy):
        return words["busy"]
    return words["failed"]
