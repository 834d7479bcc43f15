"""Wording of alerts and watches (catalog domain `alerts`): rules, the lists with remove
buttons, the firing message, a watch's trigger, prices.

The `*_msg` functions return lazy texts (`bot.core.i18n.Msg`) that any language renders; the
others render them for one reader: `language` ("en"/"ja") and `zone` (IANA name: candle
times are shown in it, with the zone).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import TYPE_CHECKING

from bot.core.conversation import Button, Reply
from bot.core.formats import signed
from bot.core.i18n import ENGLISH, Joined, Msg, Text, msg, t
from bot.features.alerts.parse import USAGE
from bot.features.alerts.values import Figure, Moment
from bot.features.alerts.watch_parse import WATCH_USAGE

if TYPE_CHECKING:
    from datetime import datetime

    from trading.alerts import Alert, AlertRule, Firing
    from trading.ports import Ticker
    from trading.watches import Level, Trigger, Watch, WatchSpec

SEP = " · "


def _rule_fields(rule: AlertRule) -> dict[str, object]:
    return {
        "symbol": rule.symbol,
        "level": Figure(rule.threshold),
        "tf": msg(f"alerts.tf.{rule.timeframe}"),
    }


def rule_msg(rule: AlertRule) -> Msg:
    """Describe a rule: "BTC/USDT closes above 70000 (5m candles)"."""
    return msg(f"alerts.rule.{rule.kind.value}", **_rule_fields(rule))


def rule_text(rule: AlertRule, language: str = ENGLISH) -> str:
    """Describe a rule in words, e.g. "BTC/USDT closes above 70000 (5m candles)"."""
    return rule_msg(rule).render(language)


def seen_msg(rule: AlertRule, value: Decimal) -> Text:
    """Word the value a rule saw: "RSI 28.4", "MACD 12.5", "close 61000"."""
    if rule.is_rsi:  # 2 decimals, rounded away from the level: "below 30" never reads "30"
        way = ROUND_UP if rule.kind.value.endswith("above") else ROUND_DOWN
        return Joined(("RSI", Figure(value.quantize(Decimal("0.01"), rounding=way))), sep=" ")
    if rule.is_macd:
        return Joined(("MACD", Figure(value)), sep=" ")
    return msg("alerts.seen.close", value=Figure(value))


def seen_text(rule: AlertRule, value: Decimal, language: str = ENGLISH) -> str:
    """Word the value a rule saw in `language`."""
    return seen_msg(rule, value).render(language)


def met_msg(rule: AlertRule, value: Decimal, at: datetime, zone: str | None) -> Msg:
    """Word a met rule: what happened, the value seen and the candle's close time."""
    met = msg(f"alerts.met.{rule.kind.value}", **_rule_fields(rule))
    return msg("alerts.met", rule=met, seen=seen_msg(rule, value), at=Moment(at, zone))


def list_reply(alerts: list[Alert], language: str) -> Reply:
    """Render the user's alerts with a remove button each."""
    if not alerts:
        return Reply(text=t(language, "alerts.none", usage=msg(USAGE)))
    lines = [t(language, "alerts.yours")]
    for a in alerts:
        status = t(language, f"alerts.status.{a.status.value}")
        lines.append(f"#{a.id} {rule_text(a.rule, language)} — {status}")
    return Reply(text="\n".join(lines), buttons=_remove_buttons("unalert", alerts, language))


def _remove_buttons(
    verb: str, items: list[Alert] | list[Watch], language: str
) -> tuple[tuple[Button, ...], ...]:
    return tuple(
        (Button(t(language, "alerts.remove_button", id=i.id), f"{verb}:{i.id}"),) for i in items
    )


def firing_text(firing: Firing, language: str, zone: str | None) -> str:
    """Word the message sent when an alert fires."""
    met = met_msg(firing.alert.rule, firing.value, firing.candle_close_at, zone)
    return t(language, "alerts.fired", id=firing.alert.id, met=met)


def price_text(symbol: str, ticker: Ticker, language: str, zone: str | None) -> str:
    """Word the /price reply: last, 24 h change, bid/ask and the time of the quote."""
    parts = [f"{symbol} {Figure(ticker.last).render(language)}"]
    if ticker.change_24h_pct is not None:
        change = signed(ticker.change_24h_pct, language, digits=2)
        parts.append(t(language, "alerts.price.change", change=change))
    if ticker.bid is not None and ticker.ask is not None:
        parts.append(
            t(language, "alerts.price.quote", bid=Figure(ticker.bid), ask=Figure(ticker.ask))
        )
    parts.append(t(language, "alerts.price.as_of", at=Moment(ticker.at, zone)))
    return SEP.join(parts)


# -- watches ---------------------------------------------------------------------------------


def _level(level: Level) -> Figure:
    return Figure(level.value, "%" if level.percent else "")


def trade_msg(spec: WatchSpec) -> Text:
    """Describe the trade a watch proposes, e.g. "BUY 50 USDT of ETH · stop 3% · tp 6%"."""
    base, _, quote = spec.condition.symbol.partition("/")
    side = spec.side.value
    if spec.quote_amount is not None:
        amount = Figure(spec.quote_amount)
        size = msg(f"alerts.trade.{side}_quote", amount=amount, quote=quote, base=base)
    else:
        size = msg(f"alerts.trade.{side}_base", amount=Figure(spec.amount or Decimal(0)), base=base)
    parts: list[Text | str] = [size]
    if spec.stop:
        parts.append(msg("alerts.trade.stop", level=_level(spec.stop)))
    if spec.take_profit:
        parts.append(msg("alerts.trade.tp", level=_level(spec.take_profit)))
    if spec.cooldown_s is None:
        parts.append(msg("alerts.trade.once"))
    else:  # the hours as "%g" wrote them: 4, 0.5, 1.66667
        hours = Decimal(f"{spec.cooldown_s / 3600:g}")
        parts.append(msg("alerts.trade.repeats", hours=Figure(hours)))
    return Joined(tuple(parts), sep=SEP)


def watch_text(watch: Watch, language: str) -> str:
    """Word one line of /watches: "#3 when … → propose …"."""
    rule, trade = rule_msg(watch.spec.condition), trade_msg(watch.spec)
    return t(language, "alerts.watch_line", id=watch.id, rule=rule, trade=trade)


def watch_added(watch: Watch, language: str) -> str:
    """Word the reply to a stored /watch."""
    rule, trade = rule_msg(watch.spec.condition), trade_msg(watch.spec)
    return t(language, "alerts.watch_set", id=watch.id, rule=rule, trade=trade)


def watch_list(watches: list[Watch], language: str) -> Reply:
    """Render the user's watches with a remove button each."""
    if not watches:
        return Reply(text=t(language, "alerts.watch_none", usage=msg(WATCH_USAGE)))
    lines = [t(language, "alerts.watch_yours"), *(watch_text(w, language) for w in watches)]
    return Reply(text="\n".join(lines), buttons=_remove_buttons("unwatch", watches, language))


def trigger_msg(trigger: Trigger, zone: str | None) -> Msg:
    """Word the facts that triggered a watch (the card or the refusal follows)."""
    spec = trigger.watch.spec
    met = met_msg(spec.condition, trigger.value, trigger.candle_close_at, zone)
    return msg("alerts.trigger", id=trigger.watch.id, met=met, price=Figure(trigger.price))


def trigger_text(trigger: Trigger, language: str, zone: str | None) -> str:
    """Word a trigger's facts for one reader."""
    return trigger_msg(trigger, zone).render(language)


def trigger_refused(trigger: Trigger, reason: Text | str, language: str, zone: str | None) -> str:
    """Word a trigger whose trade could not be proposed, and why (`reason`)."""
    return t(language, "alerts.trigger_refused", trigger=trigger_msg(trigger, zone), reason=reason)
