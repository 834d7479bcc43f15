"""One table from our error classes to what a user reads: the keys a translation catalog uses.

Every feature's render words an error with `say(err, language, symbol=..., timeframe=...)`.
An entry is a format string; its placeholders name the error's own fields (`{symbol}` of
`UnknownSymbol`, `{status}` of `AlreadyDecided`), `{message}` (the error's fixed text, for the
few reasons the raising package words itself), or context the caller passes (`CONTEXT`).
The error's class is looked up first, then its bases in order; an entry whose placeholders
the caller cannot fill is skipped for the next base, so a reply is always whole. Sequences
are joined with ", ". Texts never hold raw user text: only symbols, timeframes and counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import analysis.errors as ae
import llm.errors as le
import privacy.errors as pe
import trading.errors as te
from trading.alerts import AlertLimitReached
from trading.watches import WatchLimitReached

# What a caller may pass beside the error's own fields.
CONTEXT = frozenset({"symbol", "timeframe", "supported"})
ENGLISH = "en"

WORDING: dict[type[Exception], str] = {
    Exception: "Something went wrong on my side. Please try again.",
    # trading: market data
    te.TradingError: "That trade cannot be done right now.",
    te.MarketDataError: "Prices for {symbol} are unavailable right now.",
    te.UnknownSymbol: "I don't know the symbol {symbol} on this exchange.",
    te.UnsupportedTimeframe: "No {timeframe} candles for {symbol} right now. Try: {supported}.",
    te.ExchangeUnavailable: "The exchange is not answering right now; please try again soon.",
    te.RateLimited: "The exchange is rate-limiting us; please try again in a minute.",
    # trading: orders and keys
    te.ExchangeRefused: "The exchange refused the request.",
    te.OrderRejected: "The exchange refused the order (size or price outside its limits).",
    te.InsufficientFunds: "Not enough free balance for this order.",
    te.AuthFailed: "The exchange refused the API key. Check it and /connect again.",
    te.OrderNotFound: "No open order with that id. See /orders.",
    te.LiveTradingError: "{message}",  # trading.venues words its four reasons (fixed texts)
    # trading: proposals and risk
    te.ProposalError: "This proposal cannot be approved now.",
    te.ProposalNotFound: "That proposal does not exist any more.",
    te.ProposalExpired: "This proposal expired. Send the command again for a fresh price.",
    te.NotYourProposal: "Only the person who asked for this trade can approve it.",
    te.AlreadyDecided: "This proposal is already {status}.",
    te.PriceMoved: "The price moved from {old} to {new}; here is a fresh proposal.",
    te.RiskRejected: "Refused by the risk rule “{rule}”: {detail}.",
    te.AmountRefused: "I can't use that number: {detail}.",
    AlertLimitReached: "You have too many alerts; remove one with /unalert ID.",
    WatchLimitReached: "You have too many watches; remove one with /unwatch ID.",
    # analysis
    ae.AnalysisError: "The {timeframe} candles for {symbol} look broken; try another timeframe.",
    ae.TooFewCandles: "Not enough closed {timeframe} candles for {symbol} yet "
    "({got}; I need {needed}). Try a shorter timeframe.",
    # llm: the reply falls back to the notes; this line says why
    le.LlmError: "(The model failed on this one, so here are my notes.)",
    le.ModelUnavailable: "(The language model is not available right now, so here are my notes.)",
    le.ModelTimeout: "(The model took too long, so here are my notes.)",
    le.ModelBusy: "(Many questions are waiting for the model, so here are my notes.)",
    # privacy
    pe.PrivacyError: "That could not be done safely right now; nothing was changed.",
    pe.DecryptionError: "A stored secret cannot be read any more; please /connect again.",
    pe.AuditBusyError: "That could not be recorded right now; please try again in a moment.",
}

# Translations keyed like WORDING; a missing entry falls back to the English one.
TRANSLATIONS: dict[str, dict[type[Exception], str]] = {
    "ja": {
        te.UnknownSymbol: "この取引所に {symbol} という銘柄はありません。",
        le.LlmError: "（モデルでエラーが起きたため、資料の本文を表示します。）",
        le.ModelUnavailable: "（言語モデルが利用できないため、資料の本文を表示します。）",
        le.ModelTimeout: "（モデルの応答が遅すぎたため、資料の本文を表示します。）",
        le.ModelBusy: "（質問が混み合っているため、資料の本文を表示します。）",
    },
}


def entry(klass: type[BaseException], language: str = ENGLISH) -> str | None:
    """Return the class's own entry in `language` (English when untranslated), or None."""
    if not issubclass(klass, Exception):
        return None
    return TRANSLATIONS.get(language, {}).get(klass) or WORDING.get(klass)


def say(err: Exception, language: str = ENGLISH, **context: object) -> str:
    """Return the user's words for `err` (its class's entry, else its nearest base's)."""
    own = {k: v for k, v in vars(err).items() if not k.startswith("_")}
    fields = _shown({**own, **context, "message": str(err)})
    for klass in type(err).__mro__:
        template = entry(klass, language)
        if template is None:
            continue
        try:
            return template.format_map(fields)
        except KeyError:  # a placeholder the caller cannot fill: a base's wording is whole
            continue
    return WORDING[Exception]


def _shown(fields: Mapping[str, object]) -> dict[str, object]:
    """Join sequences with ", "; drop empty ones (an entry needing one falls to its base)."""
    out: dict[str, object] = {}
    for name, value in fields.items():
        if isinstance(value, Iterable) and not isinstance(value, str):
            value = ", ".join(str(v) for v in value)
            if not value:
                continue
        out[name] = value
    return out
