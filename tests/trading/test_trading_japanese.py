"""A Japanese session through the real trading handlers (paper on the bundled replay): every
reply is Japanese, with no English word outside tickers, units, zones, command names and ids;
the proposal's expiry is shown in the user's time zone (/tz)."""

from __future__ import annotations

import re

import pytest

from bot.app import open_runtime
from bot.core.conversation import Reply, Request
from tests.i18n.english_words import english_words, has_japanese

JA = {"language": "ja"}


@pytest.fixture
async def runtime(make_settings):
    rt = await open_runtime(make_settings(admin_ids="99"))
    try:
        for user in (7, 8, 99):  # Japanese readers in Japan time
            req = Request(user_id=user, chat_id=user, text="/tz Asia/Tokyo", **JA)
            await rt.conversation.handle(req)
        yield rt
    finally:
        await rt.close()


async def say(rt, text: str, user: int = 7, **kw) -> Reply:
    req = Request(user_id=user, chat_id=user, text=text, **{**JA, **kw})
    (reply,) = await rt.conversation.handle(req)
    assert isinstance(reply, Reply)
    return reply


async def press(rt, data: str, user: int = 7) -> Reply:
    req = Request(user_id=user, chat_id=user, callback_data=data, **JA)
    (reply,) = await rt.conversation.handle(req)
    assert isinstance(reply, Reply)
    return reply


def buttons(reply: Reply) -> dict[str, str]:
    return {b.label: b.data for row in reply.buttons for b in row}


def assert_japanese(reply: Reply, typed: frozenset[str] = frozenset()) -> None:
    """Every text of the reply is Japanese: no English word outside the shared allow-list
    (and the words the user typed, echoed back)."""
    for text in (reply.text, reply.toast or "", *buttons(reply)):
        if text:
            left = [w for w in english_words(text) if w not in typed]
            assert has_japanese(text) and not left, (text, left)


async def test_buy_card_approve_and_portfolio_in_japanese(runtime) -> None:
    card = await say(runtime, "/buy BTC 0.001 stop 30000")
    assert_japanese(card)
    assert "📝 提案（ペーパー取引）: 買い 0.001 BTC（成行）" in card.text
    assert "損切り: 30000" in card.text and "テクニカル評価（1h）" in card.text
    expiry = re.search(r"有効期限: (\d{4}-\d\d-\d\d \d\d:\d\d) (\w+)", card.text)
    assert expiry is not None and expiry.group(2) == "JST", card.text
    assert set(buttons(card)) == {"✅ 承認", "❌ 却下"}
    approve = buttons(card)["✅ 承認"]

    stranger = await press(runtime, approve, user=8)
    assert stranger.text == "この取引を依頼した本人しか承認できません。"
    done = await press(runtime, approve)
    assert_japanese(done)
    assert "買い 0.001 BTC 成行 — 約定済み（約定価格" in done.text and done.toast == "承認しました"
    assert "損切り 売り 0.001 BTC 逆指値 30000 — 未約定" in done.text
    again = await press(runtime, approve)
    assert again.text == "この提案はすでに承認済みです。"

    for command, start in [
        ("/balance", "残高（ペーパー取引）:"),
        ("/positions", "ポジション:"),
        ("/orders", "最近の注文:"),
        ("/pnl", "確定損益: 0 USDT（決済 0 回）"),
        ("/risk", "あなたのリスク上限:"),
    ]:
        reply = await say(runtime, command)
        assert_japanese(reply)
        assert reply.text.startswith(start), reply.text
    positions = (await say(runtime, "/positions")).text
    assert "平均取得単価" in positions and "損切り 30000" in positions


async def test_english_card_shows_expiry_in_utc_by_default(runtime) -> None:
    card = await say(runtime, "/buy BTC 0.001", user=5, language="en")
    assert "📝 Proposal (paper): BUY 0.001 BTC (market)" in card.text
    assert re.search(r"Valid until \d{4}-\d\d-\d\d \d\d:\d\d UTC\.", card.text), card.text
    assert "✅ Approve" in buttons(card)


async def test_refusals_in_japanese(runtime) -> None:
    risk = await say(runtime, "/buy BTC 0.001")  # a first card: the account works
    assert risk.buttons
    await say(runtime, "/setrisk 7 max_notional 10", user=99)
    refused = await say(runtime, "/buy BTC 50 USDT")
    assert_japanese(refused)
    assert refused.text.startswith("1回あたりの注文上限を超えるため、見送りました"), refused.text
    comma = await say(runtime, "/buy BTC 1,5")
    assert_japanese(comma)
    assert "カンマ" in comma.text and "何も提案していません" in comma.text
    for text, expected in [
        ("/buy NOPE 5", "この取引所に NOPE/USDT という銘柄はありません。"),
        ("/cancel", "使い方: /cancel ID（/orders に表示される # の番号）"),
        ("/sell ETH 5", "この注文に使える残高が足りません。"),
    ]:
        reply = await say(runtime, text)
        assert reply.text == expected
        assert_japanese(reply, frozenset({"NOPE"}))  # the symbol the user typed
    usage = await say(runtime, "/buy")
    assert usage.text.startswith("使い方: /buy BTC 50 USDT")
    assert_japanese(usage)
    forwarded = await say(runtime, "BTCを0.001買って", forwarded=True)
    assert forwarded.text.startswith("転送されたメッセージでは取引しません")


async def test_emotion_guard_speaks_like_a_calm_coach(runtime) -> None:
    fomo = await say(runtime, "乗り遅れたくないのでBTCを0.001買って")
    assert_japanese(fomo)
    assert "焦って飛び乗ろうとしていませんか？" in fomo.text
    ask = await press(runtime, buttons(fomo)["✅ 承認"])
    assert_japanese(ask)
    assert "ひと呼吸おきましょう" in ask.text and ask.toast == "もう一度確認してください"
    assert set(buttons(ask)) == {"はい、発注します", "❌ 却下"}
    rejected = await press(runtime, buttons(ask)["❌ 却下"])
    assert rejected.text == "却下しました。取引は行っていません。"
    assert_japanese(rejected)

    await press(runtime, buttons(await say(runtime, "/buy BTC 0.001"))["✅ 承認"])
    plan = await say(runtime, "/plan BTC hold")
    assert plan.text == "BTC の計画を保存しました。"
    assert (await say(runtime, "/plan")).text == "あなたの計画:\nBTC: 保有を続ける"
    against = await say(runtime, "/sell BTC 0.0005")
    assert_japanese(against)
    assert "/plan で決めたご自身の計画に反しています" in against.text
    assert "📝 提案（ペーパー取引）: 売り 0.0005 BTC（成行）" in against.text


async def test_panic_card_and_disconnect_in_japanese(runtime) -> None:
    panic = await say(runtime, "/panic flatten")
    assert_japanese(panic)
    assert panic.text.startswith("🚨 緊急停止（ペーパー取引）: 未約定の注文をすべて取り消し")
    assert "保有ポジションをすべて売却します" in panic.text
    done = await press(runtime, buttons(panic)["緊急停止を承認"])
    assert done.text.startswith("緊急停止を実行しました。未約定の注文 0 件を取り消しました。")
    # the Japanese argument the Japanese help shows does the same; no argument only cancels
    assert "保有ポジションをすべて売却します" in (await say(runtime, "/panic 全決済")).text
    assert "保有ポジションをすべて売却します" not in (await say(runtime, "/panic")).text
    for command in ("/disconnect", "/connect a b", "/orders", "/plan nope"):
        assert_japanese(await say(runtime, command))
