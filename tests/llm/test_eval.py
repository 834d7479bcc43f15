"""The evaluation set (tests/data/qa_eval.jsonl) answered through the whole Q&A pipeline.

Three figures are reported: grounded by the model's own phrasing, grounded only by the
fallback to the retrieved notes, and failed. An answer counts as grounded when every number
and ticker in it comes from its sources (the retrieved notes, the live facts of the replayed
market, the question) AND it contains the question's expected key facts ("{price:SYM}" and
"{change:SYM}" stand for the live values of the replayed market). The `model` test uses the
real bundled SmolLM2 through llama.cpp and fails below 95% grounded or below a floor on the
model's own phrasing; the extractive run is the ceiling of what retrieval supplies.

A case may also carry "forbid" (claims that fail the answer if they appear: a reversed fact,
the wrong sense's note), "lang": "ja" (the answer, fact lines aside, must be mostly Japanese)
and "context" (earlier questions the same user asked first, for follow-ups). The questions
were written for this project (tests/data/PROVENANCE.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import Overrides, open_runtime
from bot.settings import LlmBackend
from llm import MAJOR_TICKERS, check
from tests.llm.conftest import ask
from tests.llm.replay_market import ReplayMarket

EVAL = Path(__file__).resolve().parents[1] / "data" / "qa_eval.jsonl"
MODEL = Path(__file__).resolve().parents[2] / "var" / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
TARGET = 0.95  # issue 16; measured 97.5% (bundled model) and 98.7% (extractive) on 2026-12-04
JAPANESE_SHARE = 0.5  # of the letters of the answer outside the live fact lines
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")
_LATIN = re.compile(r"[A-Za-z]")
_LETTER = re.compile(r"[A-Za-z\u3040-\u30ff\u3400-\u9fff]")
_NEUTRAL = re.compile(r"\b[A-Z0-9]{2,}(?:/[A-Z0-9]+)?\b")
_FACT_LINE = re.compile(r"^[A-Z0-9]+/[A-Z]+ ")
MODEL_PHRASING_FLOOR = 0.08  # measured 14.4% (46/319) on 2026-12-04


def load_eval() -> list[dict[str, object]]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


async def expected(fact: str, market: ReplayMarket) -> tuple[str, ...]:
    """Return the spellings that count for one required fact (a live price may be grouped)."""
    if not fact.startswith("{"):
        return (fact,)
    kind, _, symbol = fact.strip("{}").partition(":")
    ticker = await market.fetch_ticker(symbol)
    if kind == "price":
        return (str(ticker.last), f"{ticker.last:,.2f}")
    return (f"{ticker.change_24h_pct:+.2f}%",)


async def live_facts(runtime, market: ReplayMarket) -> str:
    source = runtime.services.answers.fact_source
    lines = []
    for symbol in sorted(await market.symbols()):
        for timeframe in ("1h", "4h"):
            lines += [f.text for f in await source.facts(symbol, timeframe)]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class EvalFigures:
    """Outcome of one run over the set: answers grounded in the model's own phrasing, answers
    grounded only because the pipeline fell back to the retrieved notes, and failures."""

    total: int
    by_model: int
    by_fallback: int
    failures: tuple[tuple[object, ...], ...]

    @property
    def grounded_rate(self) -> float:
        return (self.by_model + self.by_fallback) / self.total

    @property
    def model_rate(self) -> float:
        return self.by_model / self.total

    def report(self, name: str) -> str:
        failed = len(self.failures)
        return (
            f"\n{name}: grounded {self.grounded_rate:.1%} = by the model's own phrasing "
            f"{self.by_model}/{self.total} ({self.model_rate:.1%}) + by fallback to the notes "
            f"{self.by_fallback}/{self.total}; failed {failed}/{self.total}"
        )


def japanese_share(text: str) -> float:
    """Return the Japanese share of an answer's letters (its prose, or its fact lines when it
    has no prose); tickers and acronyms such as BTC/USDT, RSI, UTC count for neither side."""
    words = prose(text) if _LETTER.search(prose(text)) else text
    words = _NEUTRAL.sub(" ", words)
    japanese = len(_JAPANESE.findall(words))
    return japanese / max(1, japanese + len(_LATIN.findall(words)))


def prose(text: str) -> str:
    """Return an answer without its live fact lines (our own data, not the model's words)."""
    return "\n".join(line for line in text.splitlines() if not _FACT_LINE.match(line))


def grade(
    case: dict[str, object], final: str, body: str, facts: list[tuple[str, ...]]
) -> list[str]:
    """Return what is wrong with an answer: missing facts, forbidden claims, wrong language."""
    forbidden = [str(f) for f in case.get("forbid", [])]  # type: ignore[attr-defined]
    lower = final.lower()
    wrong = [f"missing {f[0]!r}" for f in facts if not any(a.lower() in lower for a in f)]
    wrong += [f"forbidden {f!r}" for f in forbidden if f.lower() in body.lower()]
    if case.get("lang") == "ja" and japanese_share(body) < JAPANESE_SHARE:
        wrong.append("not in Japanese")
    return wrong


def fell_back(final: str) -> bool:
    return "From my notes:" in final or "資料より:" in final


async def evaluate(settings, overrides: Overrides, market: ReplayMarket) -> EvalFigures:
    """Answer every question through the whole pipeline and grade it on its facts."""
    runtime = await open_runtime(settings, overrides=overrides)
    failures = []
    by_model = by_fallback = 0
    cases = load_eval()
    try:
        kb = runtime.services.answers.knowledge
        for i, case in enumerate(cases):
            question = str(case["question"])
            for earlier in case.get("context", []):  # type: ignore[attr-defined]
                await ask(runtime, str(earlier), user_id=1000 + i)
            _, final = await ask(runtime, question, user_id=1000 + i)
            body = "\n".join(
                line for line in final.splitlines() if not line.startswith(("Sources:", "出典:"))
            )
            hits = kb.search(question, 2)
            sources = [h.entry.text for h in hits] + [h.entry.ja_text for h in hits] + [question]
            sources += [await live_facts(runtime, market)]
            facts = [await expected(str(f), market) for f in case["expect"]]  # type: ignore[union-attr]
            # Invented numbers/tickers, looping or an empty answer fail; the word-support
            # filter is not applied here because replies also hold our own fixed wording.
            # Only an answer (it cites sources) is checked, and only its prose: the live fact
            # lines and a command's reply (a /levels or /ta report) are our own numbers.
            invented: list[str] = []
            if body != final and prose(body).strip():
                verdict = check(prose(body), sources, MAJOR_TICKERS)
                invented = [u for u in verdict.unsupported if u != "(wording not in the sources)"]
            wrong = grade(case, final, body, facts)
            if invented or wrong:
                failures.append((question, invented, wrong, final[:200]))
            elif fell_back(final):
                by_fallback += 1
            else:
                by_model += 1
    finally:
        await runtime.close()
    return EvalFigures(len(cases), by_model, by_fallback, tuple(failures))


KINDS = {"concept", "live", "trick", "safety", "sense", "compare", "followup"}


def test_eval_set_is_large_and_varied() -> None:
    cases = load_eval()
    kinds = {c["kind"] for c in cases}
    japanese = [c for c in cases if c.get("lang") == "ja"]
    assert len(cases) >= 300
    assert kinds == KINDS
    assert len({c["question"] for c in cases}) == len(cases)
    assert len(japanese) >= 0.4 * len(cases)
    assert all(japanese_share(str(c["question"])) > 0 for c in japanese)
    assert sum(1 for c in cases if c.get("forbid")) >= 30


@pytest.mark.parametrize(
    ("case", "answer", "facts", "wrong"),
    [
        ({"lang": "ja"}, "資料より: 損切りは損失を抑える注文です。", [("損切り",)], []),
        ({"lang": "ja"}, "From my notes: a stop-loss closes a position.", [], ["not"]),
        ({"lang": "ja"}, "SOL/USDT 価格: 124.55 USDT（UTC 時点）\nSOL/USDT 4h 評価: Sell", [], []),
        ({"lang": "ja"}, "BTC/USDT 1h levels from swing points (close 56,588.00)", [], ["not"]),
        ({"forbid": ["cross margin"]}, "A death cross is cross margin.", [], ["forbidden"]),
        ({}, "BTC/USDT 54,018.81 at 2024-08-06", [("ETH",)], ["missing"]),
        ({}, "BTC/USDT 54,018.81 at 2024-08-06", [("54018.81", "54,018.81")], []),
    ],
)
def test_grade_needs_facts_language_and_no_forbidden_claim(
    case: dict[str, object], answer: str, facts: list[tuple[str, ...]], wrong: list[str]
) -> None:
    assert [w.split()[0] for w in grade(case, answer, answer, facts)] == wrong


async def test_extractive_backend_grounded_rate(make_settings) -> None:
    market = ReplayMarket()
    settings = make_settings(llm_backend=LlmBackend.EXTRACTIVE)
    figures = await evaluate(settings, Overrides(market=market), market)
    print(figures.report("extractive backend"))
    for failure in figures.failures:
        print("  ", failure)
    assert figures.grounded_rate >= TARGET


@pytest.mark.model
async def test_bundled_model_grounded_rate(make_settings) -> None:
    if not MODEL.is_file():
        pytest.fail(f"bundled model missing at {MODEL}: run `make setup`")
    market = ReplayMarket()
    settings = make_settings(llm_backend=LlmBackend.LLAMA_CPP, model_path=MODEL, llm_timeout_s=60)
    figures = await evaluate(settings, Overrides(market=market), market)
    print(figures.report("bundled model"))
    for failure in figures.failures:
        print("  ", failure)
    assert figures.grounded_rate >= TARGET
    # A floor on the model's own phrasing, so a pipeline that always fell back cannot pass.
    assert figures.model_rate >= MODEL_PHRASING_FLOOR
