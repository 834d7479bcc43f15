"""Q&A by intent through the real runtime (scripted model, replayed market): the safety
router, unknown coins, two coins, follow-ups that inherit topic, dated facts, and a fallback
that quotes the answering sentences in the question's language (issue 16)."""

from __future__ import annotations

import re

import pytest

from llm import KnowledgeBase, read_context
from llm.claims import japanese_share, sentences
from tests.llm.conftest import ask

KB = KnowledgeBase.bundled()


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("秘密鍵をサポートに送るべき？", "seed-phrase"),
        ("should I send my private key to support?", "seed-phrase"),
        ("Support asked me for my seed phrase to verify my wallet", "seed-phrase"),
        ("Someone DM'd me offering to recover my lost funds for a fee", "recovery-scam"),
        ("盗まれた資金を手数料で取り戻せるとDMが来た", "recovery-scam"),
        ("A customer support account messaged me on Telegram", "impersonation"),
        ("Send 1 ETH and get 2 ETH back, is this giveaway real?", "giveaway-scam"),
        ("1 BTC送れば2 BTCもらえるキャンペーンは本当？", "giveaway-scam"),
        ("ライブ配信で「送金すれば2倍」と言っていた", "giveaway-scam"),
        ("Is it safe to leave my coins on an exchange?", "exchange-risk"),
    ],
)
def test_safety_questions_get_the_security_entry_first(question: str, entry: str) -> None:
    assert KB.search(question, 2)[0].entry.id == entry


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("what is support and resistance?", "support-resistance"),
        ("サポートラインとは？", None),
        ("What is a double top?", None),
        ("レバレッジ100倍は危ない？", None),
        ("How do I contact customer support at my exchange?", "customer-support"),
    ],
)
def test_ordinary_questions_are_not_routed_to_scams(question: str, entry: str | None) -> None:
    hits = KB.search(question, 2)
    assert "scam" not in hits[0].entry.id and hits[0].entry.id != "impersonation"
    assert hits[0].score < 1000  # not routed: the router's score outranks every match
    if entry:
        assert hits[0].entry.id == entry


async def test_key_to_support_question_is_answered_with_the_scam_note(qa, model) -> None:
    model.enqueue("Support levels are where buying stopped falls before.")
    _, final = await ask(qa, "should I send my private key to support?")
    assert read_context(model.calls[0]).notes[0].startswith(KB.get("seed-phrase").title)
    assert "Support levels" not in final  # the model's off-topic text is withdrawn
    assert "From my notes:" in final


async def test_unknown_coin_is_named_before_any_note(qa, model) -> None:
    _, final = await ask(qa, "Is FLOKIMOON a good buy?")
    assert "don't know" in final and "FLOKIMOON" in final
    assert "/buy" not in final
    assert model.calls == []


async def test_two_coins_get_facts_for_both_and_a_comparison(qa, model, market) -> None:
    eth = await market.fetch_ticker("ETH/USDT")
    sol = await market.fetch_ticker("SOL/USDT")
    _, final = await ask(qa, "Which looks stronger, ETH or SOL?")
    assert f"ETH/USDT price: {eth.last} USDT" in final
    assert f"SOL/USDT price: {sol.last} USDT" in final
    stronger = "ETH/USDT" if eth.change_24h_pct > sol.change_24h_pct else "SOL/USDT"
    assert f"{stronger} was the stronger" in final


async def test_follow_up_inherits_symbol_and_topic(qa, model) -> None:
    await ask(qa, "how is ETH?")
    _, final = await ask(qa, "what about its support?")
    assert re.search(r"ETH/USDT 1h levels: support \d", final), final
    assert any("levels:" in f for f in read_context(model.calls[-1]).facts)


async def test_prices_are_dated_with_their_origin(qa, model) -> None:
    _, final = await ask(qa, "how is BTC?")
    assert re.search(
        r"BTC/USDT price: [\d.]+ USDT at \d{4}-\d\d-\d\d \d\d:\d\d UTC \(replay\)", final
    )


async def test_japanese_fallback_quotes_the_japanese_text(qa, model) -> None:
    model.enqueue("ATR is the average size of a candle.")  # English: withdrawn
    _, final = await ask(qa, "ATRは何を表しますか？")
    line = next(x for x in final.splitlines() if x.startswith("資料より:"))
    assert japanese_share(line) > 0.8, line
    assert qa.services.answers.rejections["wrong language"] == 1


async def test_fallback_quotes_at_most_three_sentences_starting_with_the_first(qa, model) -> None:
    entry = KB.get("funding-rate")
    model.enqueue("Funding is a kind of weather.")
    _, final = await ask(qa, "who pays the funding rate when it is positive?")
    line = next(x for x in final.splitlines() if x.startswith("From my notes:"))
    quoted = line.removeprefix("From my notes: ")
    assert quoted.startswith(sentences(entry.text)[0])
    assert len(sentences(quoted)) <= 3
    assert "longs pay shorts" in quoted  # the sentence that answers "who pays"


async def test_japanese_question_gets_japanese_facts(qa, model, market) -> None:
    ticker = await market.fetch_ticker("ETH/USDT")
    _, final = await ask(qa, "イーサリアムとは何ですか？今の様子は？")
    assert f"ETH/USDT 価格: {ticker.last} USDT（" in final and "時点・リプレイ）" in final
    assert f"ETH/USDT 24時間の変化率: {ticker.change_24h_pct:+.2f}%" in final
    assert "price:" not in final and "24h change" not in final


async def test_unknown_ticker_before_japanese_is_found(qa, model) -> None:
    _, final = await ask(qa, "MOONFLOKIは買い？")
    assert "MOONFLOKI/USDT" in final and "銘柄はありません" in final
    assert model.calls == []


async def test_levels_question_without_a_coin_inherits_the_last_one(qa, model) -> None:
    await ask(qa, "ETHはどう？")
    _, final = await ask(qa, "サポートはどこ？")
    assert re.search(r"ETH/USDT 1h 水準: (サポート|明確な)", final), final
    assert read_context(model.calls[-1]).notes  # the concept note is kept as well


async def test_common_capitals_are_not_unknown_tickers(qa, model) -> None:
    model.enqueue("An ETF holds the asset for its shareholders.")
    _, final = await ask(qa, "Is the SEC approving a bitcoin ETF good for the price?")
    assert "don't know the symbol" not in final
    assert model.calls  # answered, not refused
