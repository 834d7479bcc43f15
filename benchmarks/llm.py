"""Q&A benchmark on the bundled SmolLM2 GGUF (2 threads).

Prints, in one run: raw llama.cpp tokens/s (llama_cpp directly), the bot's tokens/s through
the whole pipeline (Conversation -> Answerer -> ModelGate -> LlamaCppModel; target overhead
<= 5%), time to first token through the pipeline (target <= 0.5 s), knowledge retrieval
latency (target <= 2 ms), and throughput with 8 concurrent askers.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.report import print_table, summary_ms, write_json  # noqa: E402
from bot.app import open_runtime  # noqa: E402
from bot.conversation import Request, Streamed  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from llm import KnowledgeBase, build_messages  # noqa: E402

MODEL = ROOT / "var" / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"
QUESTIONS = [
    "what is RSI?",
    "what is a limit order?",
    "how does a trailing stop work?",
    "what is slippage?",
    "what is a rug pull?",
    "what is a seed phrase?",
    "what is the funding rate?",
    "what is position sizing?",
]
MAX_TOKENS = 80


def raw_tokens_per_s() -> float:
    """Tokens/s of llama.cpp alone on the same prompts and settings as the bot."""
    from llama_cpp import Llama

    llama = Llama(
        model_path=str(MODEL), n_ctx=2048, n_threads=2, n_threads_batch=2, seed=7, verbose=False
    )
    kb = KnowledgeBase.bundled()
    rates = []
    for q in QUESTIONS:
        messages = build_messages(q, [h.entry for h in kb.search(q, 2)], [])
        chat = [{"role": m.role.value, "content": m.content} for m in messages]
        first = None
        n = 0
        for chunk in llama.create_chat_completion(
            messages=chat,
            max_tokens=MAX_TOKENS,
            temperature=0.1,
            stop=["###", "\n\n\n"],
            stream=True,
        ):
            if chunk["choices"][0]["delta"].get("content"):
                n += 1
                first = first or time.perf_counter()
        end = time.perf_counter()
        if first and n > 1:
            rates.append((n - 1) / (end - first))
    llama.close()
    return statistics.median(rates)


async def pipeline(data_dir: str) -> dict[str, object]:
    settings = load_settings(data_dir=Path(data_dir), model_path=MODEL, llm_timeout_s=120)
    runtime = await open_runtime(settings)
    try:
        await runtime.services.chat_model.load()  # type: ignore[union-attr]
        ttft, rates = [], []
        for i, q in enumerate(QUESTIONS):
            start = time.perf_counter()
            [resp] = await runtime.conversation.handle(
                Request(user_id=i + 1, chat_id=i + 1, text=q)
            )
            assert isinstance(resp, Streamed)
            first = None
            n = 0
            async for _ in resp.tokens:
                n += 1
                first = first or time.perf_counter()
            end = time.perf_counter()
            await resp.final()
            ttft.append((first or end) - start)
            if first and n > 1:
                rates.append((n - 1) / (end - first))
        kb = runtime.services.answers.knowledge  # type: ignore[union-attr]
        retrieval = []
        for _ in range(50):
            for q in QUESTIONS:
                t = time.perf_counter()
                kb.search(q, 2)
                retrieval.append(time.perf_counter() - t)
        start = time.perf_counter()

        async def one(i: int) -> int:
            [resp] = await runtime.conversation.handle(
                Request(user_id=100 + i, chat_id=100 + i, text=QUESTIONS[i % len(QUESTIONS)])
            )
            n = sum([1 async for _ in resp.tokens])  # type: ignore[union-attr]
            await resp.final()  # type: ignore[union-attr]
            return n

        tokens = await asyncio.gather(*(one(i) for i in range(8)))
        wall = time.perf_counter() - start
        return {
            "ttft": ttft,
            "rate": statistics.median(rates),
            "retrieval": retrieval,
            "concurrent_wall_s": wall,
            "concurrent_tokens": sum(tokens),
        }
    finally:
        await runtime.close()


def main() -> None:
    raw = raw_tokens_per_s()
    with tempfile.TemporaryDirectory() as tmp:
        res = asyncio.run(pipeline(tmp))
    rate = float(res["rate"])  # type: ignore[arg-type]
    overhead = (raw - rate) / raw * 100
    ttft = summary_ms(res["ttft"])  # type: ignore[arg-type]
    retrieval = summary_ms(res["retrieval"])  # type: ignore[arg-type]
    wall = float(res["concurrent_wall_s"])  # type: ignore[arg-type]
    rows = [
        {"metric": "raw llama.cpp tokens/s", "value": f"{raw:.1f}", "target": ""},
        {"metric": "pipeline tokens/s", "value": f"{rate:.1f}", "target": ""},
        {"metric": "pipeline overhead %", "value": f"{overhead:.1f}", "target": "<= 5"},
        {"metric": "time to first token p50 ms", "value": ttft["p50_ms"], "target": "<= 500"},
        {"metric": "time to first token p95 ms", "value": ttft["p95_ms"], "target": "<= 500"},
        {"metric": "retrieval p50 ms", "value": retrieval["p50_ms"], "target": "<= 2"},
        {"metric": "retrieval p99 ms", "value": retrieval["p99_ms"], "target": "<= 2"},
        {"metric": "8 concurrent askers: wall s", "value": f"{wall:.2f}", "target": ""},
        {"metric": "8 concurrent askers: answers/s", "value": f"{8 / wall:.2f}", "target": ""},
        {
            "metric": "8 concurrent askers: tokens/s",
            "value": f"{int(res['concurrent_tokens']) / wall:.1f}",
            "target": "",
        },  # type: ignore[call-overload]
    ]
    print_table("Q&A on the bundled SmolLM2-135M (2 threads)", rows)
    write_json("llm", {"rows": rows, "ttft": ttft, "retrieval": retrieval})


if __name__ == "__main__":
    main()
