"""The TA commands for a Japanese user in Tokyo, through the real TA handlers of the running
app (registry, market service, replay source over the bundled candles): Japanese words only,
besides the allow-list, and candle times in JST.

The request goes to the registered handler as the conversation layer would route it, with its
language and zone already resolved (choosing them is the /lang and /tz features' part)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import analyse
from bot.app import Runtime
from bot.core.conversation import Reply, Request
from bot.core.errors import UserError
from bot.core.i18n import t
from bot.core.registry import split_callback, split_command
from bot.core.symbols import SUPPORTED_TIMEFRAMES
from bot.features.ta import render as ta_render
from tests.i18n.english_words import english_words, has_japanese

# Indicator abbreviations of the TA report beyond the shared allow-list, Tokyo's zone, and
# the tickers the refusals below quote back.
TA_WORDS = frozenset({"NATR", "MFI", "CCI", "JST", "XRP", "BTCC"})


async def ask(bot: Runtime, text: str = "", callback: str | None = None) -> Reply:
    req = Request(
        user_id=8,
        chat_id=8,
        text=text,
        callback_data=callback,
        language="ja",
        zone="Asia/Tokyo",
    )
    registry, services = bot.registry, bot.services
    try:
        if callback is not None:
            verb, arg = split_callback(callback)
            out = await registry.callbacks[verb].handler(services, req, arg)
        elif text.startswith("/"):
            name, args = split_command(text)
            out = await registry.commands[name].handler(services, req, args)
        else:
            intent = next(i for i in registry.intents if i.name == "analysis")
            parsed = intent.parse(text)
            assert parsed is not None, text
            out = await intent.handler(services, req, parsed)
    except UserError as err:
        return Reply(text=err.render(req.lang))
    assert isinstance(out, Reply)
    return out


def english(text: str) -> list[str]:
    return [w for w in english_words(text) if w not in TA_WORDS]


async def test_ta_report_in_japanese_with_tokyo_time(bot: Runtime) -> None:
    reply = await ask(bot, "/ta BTC 4h")
    lines = reply.text.splitlines()
    # The 4h candle that opened Aug 5 20:00 UTC opened at 05:00 on Aug 6 in Tokyo.
    assert lines[0] == "BTC/USDT 4h — 直近の確定足（2024-08-06 05:00 JST 開始）"
    assert lines[1].startswith("終値 54,018.81")
    assert lines[2].startswith("総合評価: ")
    assert re.search(r"総合評価: (強い買い|買い|中立|売り|強い売り)", lines[2])
    assert any(line.startswith("サポート: ") for line in lines)
    assert any(line.startswith("レジスタンス: ") for line in lines)
    assert lines[-1] == "テクニカル分析であり、投資助言ではありません。"
    assert english(reply.text) == [], reply.text
    labels = [b.label for row in reply.buttons for b in row]
    assert labels == ["チャート", "サポート/レジスタンス", "全時間足"]
    assert [b.data for row in reply.buttons for b in row] == [
        "tachart:BTC/USDT 4h",
        "talevels:BTC/USDT 4h",
        "tamtf:BTC/USDT",
    ]


async def test_mtf_in_japanese(bot: Runtime) -> None:
    text = (await ask(bot, "/mtf btc")).text
    assert text.startswith("BTC/USDT の時間足別の評価（確定足）:")
    for tf in ("15m", "1h", "4h", "1d"):
        assert f"\n{tf}: " in text
    assert "方向の一致: " in text
    assert english(text) == [], text


async def test_levels_and_backtest_in_japanese(bot: Runtime) -> None:
    levels = (await ask(bot, "/levels btc 1d")).text
    assert levels.startswith("BTC/USDT 1d のサポート/レジスタンス")
    assert "2024-08-05 09:00 JST" in levels  # the Aug 5 daily candle, 00:00 UTC
    assert "レジスタンス: " in levels and "サポート: " in levels
    assert english(levels) == [], levels
    backtest = (await ask(bot, "/backtest btc 1d")).text
    assert "過去の実績" in backtest and "片道 0.1%" in backtest and "JST" in backtest
    assert english(backtest) == [], backtest


async def test_natural_phrasing_and_buttons_in_japanese(bot: Runtime) -> None:
    overbought = (await ask(bot, "ETHは買われすぎ？")).text
    assert overbought.startswith("ETH/USDT 1h: ") and "JST" in overbought
    assert english(overbought) == [], overbought
    report = (await ask(bot, "ETHの4時間足は？")).text
    assert report.startswith("ETH/USDT 4h — 直近の確定足")
    levels = (await ask(bot, callback="talevels:BTC/USDT 4h")).text
    assert levels.startswith("BTC/USDT 4h のサポート/レジスタンス")
    assert (await ask(bot, callback="tachart:garbage!!")).text == t("ja", "core.button_invalid")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/ta xrp",
            "XRP/USDT はこの取引所では扱っていません。利用できる銘柄: BTC/USDT、ETH/USDT、SOL/USDT",
        ),
        ("/ta btcc", "BTCC/USDT はこの取引所では扱っていません。BTC/USDT のことでしょうか？"),
        (
            "/ta btc 7h",
            "その時間足には対応していません。次のいずれかをお試しください: 15m、1h、4h、1d",
        ),
        ("/ta eth 5m", "ETH/USDT の 5m 足は現在ありません。使える時間足: 1h、4h、1d、1w。"),
        ("/ta", "使い方: /ta 銘柄 [5m|15m|30m|1h|4h|1d|1w]（例: /ta BTC 4h）"),
        ("/mtf", "使い方: /mtf 銘柄（例: /mtf BTC）"),
        (
            "/ta btc ???",
            "読み取れませんでした。使い方: /ta 銘柄 [5m|15m|30m|1h|4h|1d|1w]（例: /ta BTC 4h）",
        ),
    ],
)
async def test_refusals_in_japanese(bot: Runtime, text: str, expected: str) -> None:
    said = (await ask(bot, text)).text
    assert said == expected
    assert has_japanese(said) and english(said) == []


async def test_chart_in_japanese(bot: Runtime) -> None:
    reply = await ask(bot, "/chart sol 4h")
    assert reply.image is not None and reply.image.content.startswith(b"\x89PNG\r\n\x1a\n")
    caption = reply.image.caption
    assert caption.startswith("SOL/USDT 4h: ローソク足") and caption.endswith("（JST）")
    assert english(caption) == [], caption


def test_usage_lists_the_supported_timeframes() -> None:
    shown = "|".join(tf for tf in SUPPORTED_TIMEFRAMES if tf != "1m")
    for language in ("en", "ja"):
        assert t(language, "ta.cmd.symbol_timeframe_usage").endswith(f" [{shown}]")


def test_report_on_short_history_names_the_missing_components_in_japanese(
    btc_1h: pd.DataFrame,
) -> None:
    report = analyse(btc_1h.tail(60), symbol="BTC/USDT", timeframe="1h")
    missing = report.rating.moving_averages.missing + report.rating.oscillators.missing
    assert "Ichimoku" in missing and "SMA100" in missing
    text = ta_render.report_text(report, "ja", "Asia/Tokyo")
    assert "足の本数（60 本）が足りず" in text and "一目均衡表" in text and "SMA100" in text
    assert english(text) == [], text
    english_text = ta_render.report_text(report, "en", "UTC")
    assert f"Only {26 - len(missing)} of 26 rating components have enough candles (60)" in (
        english_text
    )
