"""The Q&A path through the real conversation layer, with a scripted model and replayed market."""

from __future__ import annotations

from bot.app import Overrides, open_runtime
from bot.core.conversation import Request
from bot.features.qa.answering import ConversationMemory
from llm import ModelUnavailable, read_context
from llm.prompts import SYSTEM
from tests.fakes.scripted_model import ScriptedModel
from tests.llm.conftest import ask
from tests.llm.replay_market import ReplayMarket


async def test_grounded_model_answer_is_kept_and_cites_its_entry(qa, model) -> None:
    model.enqueue("RSI compares recent gains with losses; above 70 it is called overbought.")
    streamed, final = await ask(qa, "what is RSI?")
    assert streamed.startswith("RSI compares")
    assert "above 70 it is called overbought" in final
    assert "Sources: RSI (Relative Strength Index)" in final
    ctx = read_context(model.calls[0])
    assert any(n.startswith("RSI (Relative Strength Index):") for n in ctx.notes)


async def test_invented_number_falls_back_to_the_retrieved_explanation(qa, model) -> None:
    model.enqueue("RSI above 85 is overbought and RSI below 15 is oversold.")
    _, final = await ask(qa, "what is RSI?")
    assert "85" not in final and "15 is oversold" not in final
    assert "From my notes: RSI measures how strong recent gains" in final
    assert "did not match my sources" in final


async def test_empty_talk_falls_back(qa, model) -> None:
    model.enqueue("A market order is a type of order in a market order order.")
    _, final = await ask(qa, "what is a market order?")
    assert "From my notes: A market order buys or sells immediately" in final


async def test_invented_ticker_falls_back(qa, model) -> None:
    model.enqueue("A rug pull is when DOGE creators drain the liquidity and disappear.")
    _, final = await ask(qa, "what is a rug pull?")
    assert "DOGE" not in final
    assert "From my notes: A rug pull is when" in final


async def test_symbol_question_gets_live_facts_from_the_market(qa, model, market) -> None:
    ticker = await market.fetch_ticker("ETH/USDT")
    model.enqueue("Ethereum runs smart contracts.")
    _, final = await ask(qa, "how is ethereum doing, what is ETH?")
    assert f"ETH/USDT price: {ticker.last} USDT" in final
    assert f"ETH/USDT 24h change: {ticker.change_24h_pct:+.2f}%" in final
    assert "ETH/USDT price" in read_context(model.calls[0]).facts[0]


async def test_follow_up_inherits_the_symbol_and_changes_timeframe(qa, model) -> None:
    await ask(qa, "what is ETH?")
    await ask(qa, "and on the 4h?")
    ctx = read_context(model.calls[-1])
    assert any("ETH/USDT price" in f for f in ctx.facts)
    assert ctx.notes == ()  # the follow-up is about ETH, not about the word "4h"
    turns = qa.services.answers.memory.recent(11)
    assert turns[-1].symbol == "ETH/USDT" and turns[-1].timeframe == "4h"


async def test_memory_is_redacted_and_forget_deletes_it(qa) -> None:
    await ask(qa, "what is a seed phrase? my email is alice@example.com")
    memory = qa.services.answers.memory
    assert all("alice@example.com" not in t.question for t in memory.recent(11))
    assert memory.recent(11)
    assert await memory.describe_user(11)
    assert await memory.forget_user(11) >= 1
    assert memory.recent(11) == ()


async def test_commands_keep_only_their_subject_in_memory(qa) -> None:
    await ask(qa, "/ta ETH 4h")
    await ask(qa, "/connect abcdefghijklmnop qrstuvwxyz012345")
    turns = qa.services.answers.memory.recent(11)
    assert [t.question for t in turns] == ["", ""]
    assert turns[0].symbol == "ETH/USDT" and turns[0].timeframe == "4h"


def test_memory_is_bounded_per_user_and_in_users() -> None:
    memory = ConversationMemory(redact=str.upper, turns=2, max_users=3)
    for i in range(3):
        memory.remember(1, f"what is eth {i}?")
    assert [t.question for t in memory.recent(1)] == ["WHAT IS ETH 1?", "WHAT IS ETH 2?"]
    for user in (2, 3, 4):
        memory.remember(user, "hi")
    assert memory.recent(1) == ()  # least recently active user dropped
    assert [t.question for t in memory.recent(4)] == ["HI"]
    memory.remember(2, "how is btc?")
    memory.remember(5, "hi")
    assert memory.recent(2) and memory.recent(3) == ()


async def test_unknown_symbol_gets_a_specific_reply_without_the_model(qa, model) -> None:
    _, final = await ask(qa, "what is the price of FAKECOIN?")
    assert "FAKECOIN/USDT" in final and "don't know" in final
    assert model.calls == []


async def test_off_topic_question_does_not_reach_the_model(qa, model) -> None:
    _, final = await ask(qa, "what is the weather in Tokyo?")
    assert "no notes" in final
    assert model.calls == []


async def test_trade_decision_gets_not_financial_advice_line(qa, model) -> None:
    _, plain = await ask(qa, "what is a limit order?")
    _, decision = await ask(qa, "should I buy bitcoin now?", user_id=12)
    assert "Not financial advice" not in plain
    assert "Not financial advice" in decision


async def test_japanese_question_gets_japanese_framing(qa, model) -> None:
    model.enqueue("RSIは0から100の指標です。")
    _, final = await ask(qa, "RSIとは何ですか？")
    assert "出典:" in final
    assert model.calls[0][0].content == SYSTEM["ja"]
    assert "RSIは0から100の指標です。" in final


async def test_model_unavailable_gives_clear_reply_and_bot_keeps_serving(qa, model) -> None:
    model.enqueue(ModelUnavailable("missing"))
    _, final = await ask(qa, "what is a stop-loss?")
    assert "language model is not available" in final
    assert "From my notes: A stop-loss closes a position" in final
    _, help_text = await ask(qa, "/help")
    assert "/ask" in help_text


async def test_model_timeout_falls_back(settings, market) -> None:
    slow = ScriptedModel(default="word " * 50, delay_s=0.05)
    settings = settings.model_copy(update={"llm_timeout_s": 0.2})
    runtime = await open_runtime(settings, overrides=Overrides(chat_model=slow, market=market))
    try:
        _, final = await ask(runtime, "what is slippage?")
    finally:
        await runtime.close()
    assert "took too long" in final
    assert "From my notes: Slippage is" in final
    assert slow.cancelled == 1


async def test_exchange_down_still_answers_from_notes(settings, model) -> None:
    down = ReplayMarket(fail=TimeoutError("exchange down"))
    runtime = await open_runtime(settings, overrides=Overrides(chat_model=model, market=down))
    try:
        model.enqueue("Bitcoin has a fixed maximum supply.")
        _, final = await ask(runtime, "what is bitcoin, BTC?")
    finally:
        await runtime.close()
    assert "Live data for BTC/USDT is unavailable" in final
    assert "Bitcoin has a fixed maximum supply." in final


async def test_ask_command_and_usage(qa, model) -> None:
    _, usage = await ask(qa, "/ask")
    assert "/ask what is RSI?" in usage
    model.enqueue("A market order buys or sells immediately at the best available prices.")
    _, final = await ask(qa, "/ask what is a market order?")
    assert "immediately at the best available prices" in final


async def test_final_without_consuming_tokens_still_answers(qa, model) -> None:
    model.enqueue(
        "Slippage is the difference between the price you expected and the price you got."
    )
    [resp] = await qa.conversation.handle(Request(user_id=3, chat_id=3, text="what is slippage?"))
    final = await resp.final()
    assert "difference between the price you expected" in final.text
