"""Wording of alerts: rules, the list with remove buttons, the firing message, prices."""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import TYPE_CHECKING

from bot.core.conversation import Button, Reply
from bot.core.wording import say
from bot.features.alerts.parse import USAGE
from bot.features.alerts.watch_parse import WATCH_USAGE

if TYPE_CHECKING:
    from datetime import datetime

    from trading.alerts import Alert, AlertRule, Firing
    from trading.ports import Ticker
    from trading.watches import Trigger, Watch, WatchSpec


def plain(value: Decimal) -> str:
    """Return the number without exponent or trailing zeros."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def rule_text(rule: AlertRule) -> str:
    """Describe a rule in words, e.g. "BTC/USDT closes above 70000 (5m candles)"."""
    if rule.is_macd:
        way = "above" if rule.kind.value.endswith("up") else "below"
        return f"{rule.symbol} MACD(12,26,9) crosses {way} its signal ({rule.timeframe} candles)"
    above = rule.kind.value.endswith("above")
    word = "above" if above else "below"
    what = f"RSI(14) {word}" if rule.is_rsi else f"closes {word}"
    return f"{rule.symbol} {what} {plain(rule.threshold)} ({rule.timeframe} candles)"


def seen_text(rule: AlertRule, value: Decimal) -> str:
    """Word the value a rule saw: "RSI 28.4", "MACD 12.5", "close 61000"."""
    if rule.is_rsi:  # 2 decimals, rounded away from the level: "below 30" never reads "30"
        way = ROUND_UP if rule.kind.value.endswith("above") else ROUND_DOWN
        return f"RSI {plain(value.quantize(Decimal('0.01'), rounding=way))}"
    return f"MACD {plain(value)}" if rule.is_macd else f"close {plain(value)}"


def met_text(rule: AlertRule, value: Decimal, at: datetime) -> str:
    """Word a met rule: its words, the value seen and the candle's close time."""
    return (
        f"{rule_text(rule)} — {seen_text(rule, value)} on the candle closed {at:%Y-%m-%d %H:%M UTC}"
    )


def _status(alert: Alert) -> str:
    return "watching" if alert.status.value == "active" else "triggered, message on its way"


def list_reply(alerts: list[Alert]) -> Reply:
    """Render the user's alerts with a remove button each."""
    if not alerts:
        return Reply(text="You have no alerts. " + USAGE)
    lines = ["Your alerts:"]
    lines += [f"#{a.id} {rule_text(a.rule)} — {_status(a)}" for a in alerts]
    buttons = tuple((Button(f"Remove #{a.id}", f"unalert:{a.id}"),) for a in alerts)
    return Reply(text="\n".join(lines), buttons=buttons)


def firing_text(firing: Firing) -> str:
    """Word the message sent when an alert fires."""
    met = met_text(firing.alert.rule, firing.value, firing.candle_close_at)
    return f"Alert #{firing.alert.id}: {met}. This alert is now done; set a new one with /alert."


def price_text(symbol: str, ticker: Ticker) -> str:
    """Word the /price reply: last, 24 h change, bid/ask and the time of the quote."""
    parts = [f"{symbol} {plain(ticker.last)}"]
    if ticker.change_24h_pct is not None:
        parts.append(f"{ticker.change_24h_pct:+.2f}% in 24 h")
    if ticker.bid is not None and ticker.ask is not None:
        parts.append(f"bid {plain(ticker.bid)} / ask {plain(ticker.ask)}")
    parts.append(ticker.at.strftime("as of %Y-%m-%d %H:%M UTC"))
    return " · ".join(parts)


def error_text(err: Exception, symbol: str) -> str:
    """Word a market-data or alert-limit error about this symbol."""
    return say(err, symbol=symbol)


# -- watches ---------------------------------------------------------------------------------


def trade_text(spec: WatchSpec) -> str:
    """Describe the trade a watch proposes, e.g. "BUY 50 USDT of ETH · stop 3% · tp 6%"."""
    base, _, quote = spec.condition.symbol.partition("/")
    size = (
        f"{plain(spec.quote_amount)} {quote} of {base}"
        if spec.quote_amount is not None
        else f"{plain(spec.amount or Decimal(0))} {base}"
    )
    parts = [f"{spec.side.value.upper()} {size}"]
    if spec.stop:
        parts.append(f"stop {spec.stop.text()}")
    if spec.take_profit:
        parts.append(f"tp {spec.take_profit.text()}")
    hours = (spec.cooldown_s or 0) / 3600
    parts.append("once" if spec.cooldown_s is None else f"repeats, at most every {hours:g} h")
    return " · ".join(parts)


def watch_text(watch: Watch) -> str:
    return f"#{watch.id} when {rule_text(watch.spec.condition)} → propose {trade_text(watch.spec)}"


def watch_added(watch: Watch) -> str:
    return (
        f"Watch #{watch.id} set: when {rule_text(watch.spec.condition)}, I send you a card to "
        f"approve: {trade_text(watch.spec)}. I never trade by myself. "
        f"/watches lists yours, /unwatch {watch.id} removes it."
    )


def watch_list(watches: list[Watch]) -> Reply:
    """Render the user's watches with a remove button each."""
    if not watches:
        return Reply(text="You have no watches. " + WATCH_USAGE)
    lines = ["Your watches:", *(watch_text(w) for w in watches)]
    buttons = tuple((Button(f"Remove #{w.id}", f"unwatch:{w.id}"),) for w in watches)
    return Reply(text="\n".join(lines), buttons=buttons)


def trigger_text(trigger: Trigger) -> str:
    """Word the facts that triggered a watch (the card or the refusal follows)."""
    met = met_text(trigger.watch.spec.condition, trigger.value, trigger.candle_close_at)
    return f"🔔 Watch #{trigger.watch.id}: {met} (close {plain(trigger.price)})."


def trigger_refused(trigger: Trigger, reason: str) -> str:
    """Word a trigger whose trade could not be proposed."""
    return f"{trigger_text(trigger)}\nNo card this time: {reason}"
