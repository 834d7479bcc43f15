"""The TA commands and phrasing through the real app (conversation layer, market service,
replay source over the bundled candles, analysis in a thread)."""

from __future__ import annotations

import pytest

from bot.app import Overrides, Runtime, open_runtime
from bot.core.conversation import Reply, Request
from tests.fakes.binance_server import FakeBinance
from trading.ccxt_adapter import CcxtExchange


async def ask(bot: Runtime, text: str = "", callback: str | None = None) -> Reply:
    out = await bot.conversation.handle(
        Request(user_id=7, chat_id=7, text=text, callback_data=callback)
    )
    assert len(out) == 1 and isinstance(out[0], Reply)
    return out[0]


async def test_ta_report_on_last_closed_candle(bot: Runtime) -> None:
    reply = await ask(bot, "/ta BTC 4h")
    lines = reply.text.splitlines()
    # Replay 00:30 on Aug 6: the last complete 4h candle opened Aug 5 20:00.
    assert lines[0] == "BTC/USDT 4h — last closed candle opened 2024-08-05 20:00 UTC"
    assert lines[1].startswith("Close 54,018.81")  # the 23:00 1h close ends that 4h candle
    assert lines[2].startswith("Rating: ")
    assert any(line.startswith("Support: ") for line in lines)
    assert lines[-1] == "Technical analysis, not financial advice."
    assert [b.data for row in reply.buttons for b in row] == [
        "tachart:BTC/USDT 4h",
        "talevels:BTC/USDT 4h",
        "tamtf:BTC/USDT",
    ]


async def test_forming_candle_is_never_used(bot: Runtime) -> None:
    reply = await ask(bot, "/ta btc 1h")
    assert "last closed candle opened 2024-08-05 23:00 UTC" in reply.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/ta xrp", "I don't know XRP/USDT here. Available: BTC/USDT, ETH/USDT, SOL/USDT."),
        ("/ta btcc", "I don't know BTCC/USDT here. Did you mean BTC/USDT?"),
        ("/ta btc 7h", "I don't have that timeframe. Try one of: 15m, 1h, 4h, 1d."),
        ("/ta eth 5m", "No 5m candles for ETH/USDT right now. Try: 1h, 4h, 1d, 1w."),
        ("/ta", "Usage: /ta SYMBOL [5m|15m|30m|1h|4h|1d|1w], e.g. /ta BTC 4h"),
        ("/levels", "Usage: /levels SYMBOL [5m|15m|30m|1h|4h|1d|1w], e.g. /levels BTC 4h"),
        ("/mtf", "Usage: /mtf SYMBOL, e.g. /mtf BTC"),
    ],
)
async def test_bad_requests_get_specific_replies(bot: Runtime, text: str, expected: str) -> None:
    assert (await ask(bot, text)).text == expected


async def test_bot_keeps_serving_after_bad_input(bot: Runtime) -> None:
    await ask(bot, "/ta ???")
    await ask(bot, callback="tachart:%%%")
    assert (await ask(bot, "/ta sol 1d")).text.startswith("SOL/USDT 1d")


async def test_natural_phrasing(bot: Runtime) -> None:
    reply = await ask(bot, "is eth overbought?")
    assert reply.text.startswith("ETH/USDT 1h: ") and "RSI" in reply.text
    reply = await ask(bot, "ETHの4時間足は？")
    assert reply.text.startswith("ETH/USDT 4h — last closed candle")


async def test_mtf_lists_each_timeframe(bot: Runtime) -> None:
    text = (await ask(bot, "/mtf btc")).text
    for tf in ("15m", "1h", "4h", "1d"):
        assert f"\n{tf}: " in text
    assert "Agreement: " in text


async def test_chart_is_a_png_photo(bot: Runtime) -> None:
    reply = await ask(bot, "/chart sol 4h")
    assert reply.image is not None and reply.image.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert reply.image.filename == "SOL-USDT_4h.png"
    width = int.from_bytes(reply.image.content[16:20], "big")
    height = int.from_bytes(reply.image.content[20:24], "big")
    assert height > width >= 600  # portrait, for a phone


async def test_chart_button(bot: Runtime) -> None:
    reply = await ask(bot, callback="tachart:BTC/USDT 1h")
    assert reply.image is not None
    assert (await ask(bot, callback="tachart:garbage!!")).text == (
        "That button is not valid any more."
    )


async def test_levels_and_backtest(bot: Runtime) -> None:
    levels = (await ask(bot, "/levels btc 1d")).text
    assert levels.startswith("BTC/USDT 1d levels from swing points")
    assert "Resistance: " in levels and "Support: " in levels
    bt = (await ask(bot, "/backtest btc 1d")).text
    assert "HISTORY, NOT A PROMISE" in bt and "buy-and-hold" in bt
    assert "fees 0.1% per side" in bt


async def test_exchange_errors_get_specific_replies(make_settings) -> None:
    async with FakeBinance() as fx:
        source = CcxtExchange("binance", api_url=fx.url, timeout_s=5, rate_limit=False)
        runtime = await open_runtime(make_settings(), overrides=Overrides(market=source))
        try:
            fx.inject("GET", "/api/v3/klines", "429")
            assert (await ask(runtime, "/ta btc 1h")).text == (
                "The exchange is rate-limiting us; please try again in a minute."
            )
            fx.inject("GET", "/api/v3/klines", "500")
            assert (await ask(runtime, "/ta eth 4h")).text == (
                "The exchange is not answering right now; please try again soon."
            )
            reply = await ask(runtime, "/ta btc 1h")
            assert reply.text.startswith("BTC/USDT 1h — last closed candle")
        finally:
            await runtime.close()
            await source.close()
