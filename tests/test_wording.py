"""bot.core.wording: every error class of our packages has user wording, and it fills in."""

from __future__ import annotations

import inspect
import string
from decimal import Decimal
from types import ModuleType

import pytest

import analysis.errors as ae
import llm.errors as le
import privacy.errors as pe
import trading.errors as te
from bot.core.i18n import LANGUAGES, template
from bot.core.wording import CONTEXT, WORDING, entry, say

ERROR_MODULES = (te, le, ae, pe)
OURS = tuple(m.__name__.partition(".")[0] for m in ERROR_MODULES)


def error_classes(module: ModuleType) -> list[type[Exception]]:
    return [
        klass
        for _, klass in inspect.getmembers(module, inspect.isclass)
        if issubclass(klass, Exception) and klass.__module__ == module.__name__
    ]


def nearest(klass: type[Exception]) -> tuple[type[Exception], str] | None:
    """Return the nearest class in klass's MRO (one of ours) with an entry, and the entry."""
    for base in klass.__mro__:
        if base.__module__.partition(".")[0] in OURS and (text := entry(base)) is not None:
            return base, text
    return None


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def own_fields(klass: type[Exception]) -> set[str]:
    """Return the fields an instance carries: its constructor's parameters (our errors keep
    each one as an attribute of the same name)."""
    params = inspect.signature(klass.__init__).parameters
    return {n for n, p in params.items() if n != "self" and p.kind is p.POSITIONAL_OR_KEYWORD}


ALL_CLASSES = [klass for module in ERROR_MODULES for klass in error_classes(module)]


def test_the_four_error_modules_are_enumerated() -> None:
    names = {klass.__name__ for klass in ALL_CLASSES}
    assert {"TradingError", "LlmError", "AnalysisError", "PrivacyError"} <= names
    assert len(ALL_CLASSES) >= 30


@pytest.mark.parametrize("klass", ALL_CLASSES, ids=lambda k: f"{k.__module__}.{k.__name__}")
def test_every_error_class_has_wording_it_can_fill(klass: type[Exception]) -> None:
    found = nearest(klass)
    assert found is not None, f"{klass.__name__} has no wording (nor a base of ours with one)"
    _, template = found
    missing = placeholders(template) - own_fields(klass) - CONTEXT - {"message"}
    assert not missing, f"{klass.__name__}: wording needs {missing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_words_every_error_with_the_english_placeholders(language: str) -> None:
    for klass, key in WORDING.items():
        text = template(key, language)
        assert text.strip(), klass.__name__
        assert placeholders(text) == placeholders(template(key, "en")), klass.__name__


@pytest.mark.parametrize(
    ("err", "context", "expected"),
    [
        (te.UnknownSymbol("DOGE/USDT"), {}, "I don't know the symbol DOGE/USDT on this exchange."),
        (
            te.UnsupportedTimeframe("ETH/USDT", "5m", ("1h", "4h")),
            {},
            "No 5m candles for ETH/USDT right now. Try: 1h, 4h.",
        ),
        # no timeframe to offer: the market-data wording of its base, with the symbol
        (
            te.UnsupportedTimeframe("ETH/USDT", "5m", ()),
            {},
            "Prices for ETH/USDT are unavailable right now.",
        ),
        (
            te.MarketDataError("x"),
            {"symbol": "SOL/USDT"},
            "Prices for SOL/USDT are unavailable right now.",
        ),
        # no symbol known: the trading base's wording, never a hole
        (te.MarketDataError("x"), {}, "That trade cannot be done right now."),
        (te.AlreadyDecided("approved"), {}, "This proposal is already approved."),
        (
            te.RiskRejected("max order size", "max order 10 USDT"),
            {},
            "Refused by the risk rule “max order size”: max order 10 USDT.",
        ),
        (
            te.AmountRefused("write amounts without commas"),
            {},
            "I can't use that number: write amounts without commas.",
        ),
        (
            te.PriceMoved(Decimal("60000"), Decimal("61000"), "prop-1"),
            {},
            "The price moved from 60000 to 61000; here is a fresh proposal.",
        ),
        (
            te.LiveTradingError("no exchange key: use /connect first"),
            {},
            "no exchange key: use /connect first",
        ),
        (
            ae.TooFewCandles(200, 12),
            {"symbol": "BTC/USDT", "timeframe": "1d"},
            "Not enough closed 1d candles for BTC/USDT yet (12; I need 200). "
            "Try a shorter timeframe.",
        ),
        (ae.TooFewCandles(200, 12), {}, "Something went wrong on my side. Please try again."),
        (le.ModelTimeout(), {}, "(The model took too long, so here are my notes.)"),
        (le.ModelFailed("bad json"), {}, "(The model failed on this one, so here are my notes.)"),
        (
            pe.AuditBusyError("busy"),
            {},
            "That could not be recorded right now; please try again in a moment.",
        ),
        (KeyError("k"), {}, "Something went wrong on my side. Please try again."),
    ],
)
def test_say_fills_the_nearest_entry(
    err: Exception, context: dict[str, object], expected: str
) -> None:
    assert say(err, **context) == expected


def test_japanese_wording_of_errors() -> None:
    assert say(le.ModelBusy(), "ja") == "（質問が混み合っているため、資料の本文を表示します。）"
    assert say(te.UnknownSymbol("X/USDT"), "ja") == "この取引所に X/USDT という銘柄はありません。"
    assert say(te.InsufficientFunds("no"), "ja") == "この注文に使える残高が足りません。"
    supported = say(te.UnsupportedTimeframe("ETH/USDT", "5m", ("1h", "4h")), "ja")
    assert supported == "ETH/USDT の 5m 足は現在ありません。使える時間足: 1h、4h。"


def _raised(call) -> Exception:  # type: ignore[no-untyped-def]
    try:
        call()
    except Exception as err:
        return err
    raise AssertionError("nothing raised")


def test_coded_refusals_are_worded_from_their_code_and_numbers_in_each_language() -> None:
    from datetime import UTC, datetime

    from trading.amounts import parse_amount
    from trading.ports import Side
    from trading.risk import RiskLimits, TradeFacts, check

    facts = TradeFacts(
        side=Side.BUY,
        notional=Decimal("1234.56789"),
        has_stop=True,
        opens_new_position=True,
        open_positions=0,
        realized_today=Decimal(0),
        recent_results=(),
        min_notional=Decimal(5),
        now=datetime(2026, 1, 1, tzinfo=UTC),
    )
    risk = _raised(lambda: check(RiskLimits(), facts))
    assert str(risk) == "max order size: order value 1234.57 > 1000"  # logs stay English
    assert say(risk) == "Refused by the risk rule “max order size”: order value 1234.57 > 1000."
    assert (
        say(risk, "ja")
        == "1回あたりの注文上限を超えるため、見送りました（注文額 1234.57、上限 1000）。"
    )
    comma = _raised(lambda: parse_amount("1,5"))
    assert say(comma) == (
        "I can't use that number: write amounts without commas, with a dot for decimals (2.5)."
    )
    assert "カンマ" in say(comma, "ja")
    digits = _raised(lambda: parse_amount("1" * 32))
    assert (
        say(digits, "ja") == "その数値は使えません: 32 桁もの数量は取引できる大きさではありません。"
    )
    live = te.LiveTradingError("no exchange key: use /connect first", code="no_key")
    assert say(live) == "no exchange key: use /connect first"
    assert say(live, "ja").startswith("取引所のAPIキーが登録されていません。")
    assert say(te.AlreadyDecided("rejected"), "ja") == "この提案はすでに却下済みです。"
    # a code without an entry falls back to the class's wording
    odd = te.RiskRejected("max order size", "max order 10 USDT", code="nope")
    assert say(odd) == "Refused by the risk rule “max order size”: max order 10 USDT."


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_coded_entry_fills_with_its_fields(language: str) -> None:
    from tests.i18n.test_catalogs import entries

    for key, text in entries("errors", "en").items():
        if key.count(".") == 2:
            fields = {name: "1" for name in placeholders(text)}
            assert template(key, language).format_map(fields).strip(), key
