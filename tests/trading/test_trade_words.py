"""Amounts and plain words through the real conversation layer (paper on the bundled replay)."""

from __future__ import annotations

import pytest

from bot.app import open_runtime
from tests.trading.test_handlers import buttons, press, say


@pytest.fixture
async def runtime(make_settings):
    rt = await open_runtime(make_settings())
    try:
        yield rt
    finally:
        await rt.close()


async def test_scientific_amount_is_exact_and_odd_numbers_are_refused_by_name(runtime) -> None:
    card = await say(runtime, "/buy BTC 1e-3")
    assert card.text.startswith("📝 Proposal (paper): BUY 0.001 BTC (market)")
    comma = await say(runtime, "/buy SOL 2,5 USDT")
    assert comma.text.startswith("I can't use that number: write amounts without commas")
    huge = await say(runtime, "/buy SOL 1e309")
    assert "310-digit amount is not a tradable size" in huge.text
    digits = await say(runtime, "/buy BTC " + "1" * 32)
    assert "32-digit amount is not a tradable size" in digits.text
    assert "incident" not in (digits.text + huge.text).lower()
    plan = await say(runtime, "/plan BTC buy below 1e309")
    assert "310-digit amount" in plan.text
    assert runtime.services.trading.store.count_user_rows(7)["trade_proposals"] == 1


async def test_plain_words_in_english_and_japanese(runtime) -> None:
    await press(runtime, buttons(await say(runtime, "/buy BTC 0.003"))["✅ Approve"])
    assert (await say(runtime, "what are my positions?")).text.startswith(
        "Positions:\nBTC/USDT: 0.003"
    )
    assert (await say(runtime, "show my balance")).text.startswith("Balances (paper):")
    assert (await say(runtime, "残高を見せて")).text.startswith("Balances (paper):")
    assert (await say(runtime, "what's my p&l?")).text.startswith("Realised:")
    for words in ("/sell BTC all", "sell all my btc now!!!", "BTCを全部売って"):
        card = await say(runtime, words)
        assert card.text.startswith("📝 Proposal (paper): SELL 0.003 BTC (market)"), words
    assert "panic" in (await say(runtime, "sell all my btc now!!!")).text
    everything = await say(runtime, "全部売って")
    assert everything.text.startswith("🚨 Panic (paper): cancel ALL your open orders and SELL")
    nothing = await say(runtime, "/sell ETH all")
    assert nothing.text == "You hold no free ETH to sell."
    limit = await say(runtime, "ETHを0.05、2300で指値買い")
    assert limit.text.startswith("📝 Proposal (paper): BUY 0.05 ETH (limit @ 2300)")
