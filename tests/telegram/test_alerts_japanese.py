"""Alerts and watches for a Japanese reader, through the real handlers and jobs: every reply,
refusal and background message in Japanese (no English word outside the allow-list), candle
times in the reader's zone with the zone; an English reader in the same run is unchanged."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from bot.app import Overrides, Runtime, open_runtime
from bot.core.conversation import Reply, Request
from bot.core.jobs import check_alerts, propose_from_watches
from bot.features.alerts.render import met_msg, rule_text
from tests.e2e.harness import MovableClock
from tests.fakes.replay_market import ReplayMarket
from tests.i18n.english_words import english_words, has_japanese
from trading.alerts import AlertKind, AlertRule

TARO, ALICE = 7, 8  # a Japanese reader in Tokyo, an English reader in UTC


@pytest.fixture
async def runtime(make_settings) -> AsyncIterator[tuple[Runtime, MovableClock]]:
    clock = MovableClock()
    settings = make_settings(market_candle_ttl_s=0, market_ticker_ttl_s=0)
    rt = await open_runtime(settings, clock=clock, overrides=Overrides(ReplayMarket(clock)))
    try:
        await _say(rt, "/lang ja")
        await _say(rt, "/tz Asia/Tokyo")
        yield rt, clock
    finally:
        await rt.close()


def _req(text: str = "", user: int = TARO, callback: str | None = None) -> Request:
    japanese = user == TARO
    return Request(
        user_id=user,
        chat_id=user,
        text=text,
        callback_data=callback,
        language="ja" if japanese else "en",
        zone="Asia/Tokyo" if japanese else "UTC",
    )


async def _reply(rt: Runtime, req: Request) -> Reply:
    first = (await rt.conversation.handle(req))[0]
    assert isinstance(first, Reply)
    return first


async def _say(rt: Runtime, text: str, user: int = TARO) -> str:
    return (await _reply(rt, _req(text, user))).text


def japanese(text: str) -> str:
    """Assert `text` reads as Japanese: kana or kanji, and no English word outside the
    allow-list (what the user typed, quoted 「…」, is theirs; a time's zone is shown as the
    zone database names it: "21:05 JST")."""
    assert has_japanese(text), text
    unquoted = re.sub(r"「[^」]*」", "", text)
    assert english_words(re.sub(r"(\d\d:\d\d) [A-Z]{3,5}\b", r"\1", unquoted)) == [], text
    return text


async def test_alert_commands_reply_in_japanese(runtime) -> None:
    rt, _clock = runtime
    created = japanese(await _say(rt, "/alert BTC above 100000 1h"))
    assert created.startswith(
        "アラート #1 を設定しました: BTC/USDT の1時間足終値が 100000 を上回る。"
    )
    japanese(await _say(rt, "/alert ETH RSI<20 4h"))
    listing = await _reply(rt, _req("/alerts"))
    assert japanese(listing.text).splitlines() == [
        "設定中のアラート:",
        "#1 BTC/USDT の1時間足終値が 100000 を上回る — 監視中",
        "#2 ETH/USDT の4時間足 RSI(14) が 20 を下回る — 監視中",
    ]
    assert [b.label for row in listing.buttons for b in row] == ["#1 を削除", "#2 を削除"]
    pressed = await _reply(rt, _req(callback="unalert:1"))
    assert pressed.toast == "アラート #1 を削除しました。" and pressed.edit_origin
    assert "#1 " not in japanese(pressed.text)
    assert await _say(rt, "/unalert 2") == "アラート #2 を削除しました。"
    assert await _say(rt, "/unalert 2") == "アラート #2 はありません。"
    empty = japanese(await _say(rt, "/alerts"))
    assert empty.startswith("設定中のアラートはありません。使い方: /alert BTC > 70000")


async def test_the_japanese_usage_examples_parse(runtime) -> None:
    """What the Japanese usage line shows must work as typed."""
    rt, _clock = runtime
    usage = (await _say(rt, "/alert")).removeprefix("使い方: ")
    examples = [e.strip() for e in usage.split("·")]
    assert len(examples) == 5
    for example in examples:
        assert japanese(await _say(rt, example)).startswith("アラート #"), example
    kinds = [a.rule.kind for a in await rt.services.alerts.list_for(TARO)]
    assert kinds == [
        AlertKind.PRICE_ABOVE,
        AlertKind.PRICE_BELOW,
        AlertKind.RSI_BELOW,
        AlertKind.RSI_ABOVE,
        AlertKind.MACD_CROSS_UP,
    ]
    watch_usage = (await _say(rt, "/watch")).removeprefix("使い方: ")
    for example in (e.strip() for e in watch_usage.split("·")):
        assert japanese(await _say(rt, example)).startswith("監視ルール #"), example


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("/alert", "使い方: /alert"),
        ("/alert BTC sideways 5", "使い方: /alert"),
        ("/alert BTC above 1..2", "「1..2」は数値ではありません。使い方:"),
        ("/alert BTC above -5", "価格は正の数"),
        ("/alert ETH rsi<130 1h", "RSI の水準は 0〜100"),
        ("/alert ETH rsi<30 7h", "時間足 7h には対応していません。1m、5m、15m"),
        ("/alert !!! above 5", "銘柄 !!! が見つかりません。使い方:"),
        ("/unalert x", "使い方: /unalert ID"),
        ("/watch", "使い方: /watch"),
        ("/watch ETH RSI<30 1h", "条件を満たしたときに提案する取引"),
        ("/watch ETH RSI<30 買い", "数量を指定してください"),
        ("/watch ETH rsi<30 buy 1e309", "「1e309」は数量として使えません: 310 桁の数量は取引"),
        ("/watch ETH RSI<30 買い 2,5", "「2,5」は数量として使えません: 数量はカンマを使わず"),
        ("/watch ETH RSI<30 買い 1 損切り 120%", "損切り 120% は範囲外です"),
        ("/watch ETH rsi<30 buy 1 stop", "損切り には価格か割合を指定してください"),
        ("/watch ETH rsi<30 buy 1 tp x%", "「x%」は利確に使えません"),
        ("/watch ETH RSI<30 買い 1 月まで", "ルール中の「月まで」が理解できませんでした"),
        ("/watch ETH above 1 buy 1 every 100d", "提案の間隔は 1 分から 90 日"),
        (
            "/watch BTC < 50000 買い 0.01 損切り 51000",
            "買いの損切り 51000 は、ルールの条件価格 50000",
        ),
        ("/watch BTC > 60000 買い 0.01 利確 59000", "買いの利確 59000 は、ルールの条件価格 60000"),
        ("/unwatch x", "使い方: /unwatch ID"),
        ("/price", "使い方: /price 銘柄"),
    ],
)
async def test_refusals_are_japanese(runtime, text: str, start: str) -> None:
    rt, _clock = runtime
    assert japanese(await _say(rt, text)).startswith(start)


async def test_watch_commands_reply_in_japanese(runtime) -> None:
    rt, _clock = runtime
    created = japanese(await _say(rt, "/watch ETH RSI<30 1h 買い 50 USDT 損切り 3% 利確 6%"))
    assert created.startswith(
        "監視ルール #1 を設定しました: ETH/USDT の1時間足 RSI(14) が 30 を下回ると、"
        "承認用の提案カードをお送りします（内容: 50 USDT 分の ETH の買い · 損切り 3% · "
        "利確 6% · 1回のみ）。"
    )
    japanese(await _say(rt, "/watch SOL MACD ゴールデンクロス 4h 売り 1 繰り返し 12h"))
    [first, second] = await rt.services.watches.list_for(TARO)
    assert (first.spec.quote_amount, first.spec.side.value) == (Decimal(50), "buy")
    assert (second.spec.condition.kind, second.spec.cooldown_s) == (AlertKind.MACD_CROSS_UP, 43200)
    listing = await _reply(rt, _req("/watches"))
    assert japanese(listing.text).splitlines()[2] == (
        "#2 SOL/USDT の4時間足で MACD(12,26,9) がシグナルを上抜ける（ゴールデンクロス）とき → "
        "提案: 1 SOL の売り · 繰り返し（最短 12 時間ごと）"
    )
    assert [b.label for row in listing.buttons for b in row] == ["#1 を削除", "#2 を削除"]
    assert await _say(rt, "/unwatch 1") == "監視ルール #1 を削除しました。"
    assert await _say(rt, "/unwatch 1") == "監視ルール #1 はありません。"


async def test_a_fired_alert_is_worded_for_each_reader(runtime) -> None:
    """The job has no request: it words each alert in its owner's stored language and zone."""
    rt, clock = runtime
    await _say(rt, "/alert BTC above 1 5m")
    await _say(rt, "/alert BTC above 1 5m", user=ALICE)
    sent: dict[int, str] = {}

    async def notify(chat_id: int, reply: Reply) -> bool:
        sent[chat_id] = reply.text
        return True

    clock.advance(minutes=10)
    await check_alerts(rt, notify)
    # the first 5m candle after creation closed at 12:05 UTC, 21:05 in Tokyo
    assert japanese(sent[TARO]).startswith(
        "🔔 アラート #1: BTC/USDT の5分足終値が 1 を上回りました（終値 "
    )
    assert "、2024-08-10 21:05 JST に確定した足）。このアラートは完了しました。" in sent[TARO]
    assert sent[ALICE].startswith("Alert #2: BTC/USDT closes above 1 (5m candles) — close ")
    assert sent[ALICE].endswith(
        " on the candle closed 2024-08-10 12:05 UTC. This alert is now done; "
        "set a new one with /alert."
    )


async def test_a_triggered_watch_card_is_japanese(runtime) -> None:
    rt, clock = runtime
    await _say(rt, "/watch BTC > 1 5m 買い 0.001 損切り 2%")
    sent: list[Reply] = []

    async def notify(chat_id: int, reply: Reply) -> bool:
        sent.append(reply)
        return chat_id == TARO

    clock.advance(minutes=6)
    await propose_from_watches(rt, notify)
    [card] = sent
    assert japanese(card.text).startswith(
        "🔔 監視ルール #1: BTC/USDT の5分足終値が 1 を上回りました（終値 "
    )
    assert "2024-08-10 21:05 JST に確定した足）。終値は " in card.text
    assert card.buttons  # approve / reject, in Japanese too
    japanese(" ".join(b.label for row in card.buttons for b in row))


async def test_price_in_japanese_and_japan_time(runtime) -> None:
    rt, _clock = runtime
    quote = japanese(await _say(rt, "/price eth"))
    assert quote.startswith("ETH/USDT ") and quote.endswith(" JST 時点")
    assert "2024-08-10 21:00 JST" in quote  # the last closed hour, 12:00 UTC
    english = await _say(rt, "/price eth", user=ALICE)
    assert english.endswith("as of 2024-08-10 12:00 UTC")
    assert english.split(" · ")[0] == quote.split(" · ")[0]  # the same price, the same digits


async def test_natural_japanese_requests(runtime) -> None:
    rt, _clock = runtime
    alert = japanese(await _say(rt, "BTCが70000を超えたら教えて"))
    assert alert.startswith("アラート #1 を設定しました: BTC/USDT の5分足終値が 70000 を上回る。")
    watch = japanese(await _say(rt, "ETHのRSIが25を下回ったら30USDT買いを提案して、損切り3%"))
    assert watch.startswith(
        "監視ルール #1 を設定しました: ETH/USDT の1時間足 RSI(14) が 25 を下回ると、"
    )
    assert "（内容: 30 USDT 分の ETH の買い · 損切り 3% · 1回のみ）" in watch


@pytest.mark.parametrize(
    ("kind", "rule", "met"),
    [
        (AlertKind.PRICE_ABOVE, "終値が 30.5 を上回る", "終値が 30.5 を上回りました（終値 28、"),
        (AlertKind.PRICE_BELOW, "終値が 30.5 を下回る", "終値が 30.5 を下回りました（終値 28、"),
        (AlertKind.RSI_ABOVE, " RSI(14) が 30.5 を上回る",
         " RSI(14) が 30.5 を上回りました（RSI 28、"),
        (AlertKind.RSI_BELOW, " RSI(14) が 30.5 を下回る",
         " RSI(14) が 30.5 を下回りました（RSI 28、"),
        (AlertKind.MACD_CROSS_UP, "で MACD(12,26,9) がシグナルを上抜ける（ゴールデンクロス）",
         "で MACD(12,26,9) がゴールデンクロスしました（MACD 28、"),
        (AlertKind.MACD_CROSS_DOWN, "で MACD(12,26,9) がシグナルを下抜ける（デッドクロス）",
         "で MACD(12,26,9) がデッドクロスしました（MACD 28、"),
    ],
)  # fmt: skip
def test_every_rule_kind_reads_in_japanese(kind: AlertKind, rule: str, met: str) -> None:
    from datetime import UTC, datetime

    alert = AlertRule("BTC/USDT", kind, Decimal("30.50"), "1d")
    assert japanese(rule_text(alert, "ja")) == f"BTC/USDT の日足{rule}"
    at = datetime(2024, 8, 10, 15, 0, tzinfo=UTC)
    said = met_msg(alert, Decimal("28"), at, "Asia/Tokyo").render("ja")
    assert japanese(said) == f"BTC/USDT の日足{met}2024-08-11 00:00 JST に確定した足）"


async def test_limits_are_refused_in_japanese(make_settings) -> None:
    clock = MovableClock()
    settings = make_settings(alert_max_per_user=1, watch_max_per_user=1)
    rt = await open_runtime(settings, clock=clock, overrides=Overrides(ReplayMarket(clock)))
    try:
        await _say(rt, "/alert BTC > 1")
        assert japanese(await _say(rt, "/alert BTC > 2")).startswith("アラートが上限に達して")
        await _say(rt, "/watch BTC > 1 買い 0.001")
        refused = japanese(await _say(rt, "/watch BTC > 2 買い 0.001"))
        assert refused.startswith("監視ルールが上限に達しています。/unwatch ID で")
        assert (await _say(rt, "/alert BTC > 2", user=ALICE)).startswith("Alert #2 set")
    finally:
        await rt.close()
