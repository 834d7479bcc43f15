"""One table from our error classes to the catalog keys of what a user reads.

Every feature's render words an error with `say(err, language, symbol=..., timeframe=...)`.
An entry (domain `errors` of the catalogs) is a format string; its placeholders name the
error's own fields (`{symbol}` of `UnknownSymbol`, `{status}` of `AlreadyDecided`),
`{message}` (the error's fixed text, for the few reasons the raising package words itself),
or context the caller passes (`CONTEXT`). An error that carries a `code` (and `fields`, its
numbers) is worded by the entry `<its key>.<code>` first ("errors.risk_rejected.max_notional"),
numbers as typed (`formats.figure`); without such an entry, as below. The error's class is
looked up first, then its bases in order; an entry whose placeholders the caller cannot fill
is skipped for the next base, so a reply is always whole. Sequences are joined with ", "
(、 in Japanese). Texts never hold raw user text: only symbols, timeframes and counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

import analysis.errors as ae
import llm.errors as le
import privacy.errors as pe
import trading.errors as te
from bot.core import formats
from bot.core.i18n import ENGLISH, JAPANESE, template
from trading.alerts import AlertLimitReached
from trading.watches import WatchLimitReached

# What a caller may pass beside the error's own fields.
CONTEXT = frozenset({"symbol", "timeframe", "supported"})

# Error class -> catalog key (domain "errors": bot/locale/<language>/LC_MESSAGES/errors.po).
WORDING: dict[type[Exception], str] = {
    Exception: "errors.generic",
    # trading: market data
    te.TradingError: "errors.trading",
    te.MarketDataError: "errors.market_data",
    te.UnknownSymbol: "errors.unknown_symbol",
    te.UnsupportedTimeframe: "errors.unsupported_timeframe",
    te.ExchangeUnavailable: "errors.exchange_unavailable",
    te.RateLimited: "errors.rate_limited",
    # trading: orders and keys
    te.ExchangeRefused: "errors.exchange_refused",
    te.OrderRejected: "errors.order_rejected",
    te.InsufficientFunds: "errors.insufficient_funds",
    te.AuthFailed: "errors.auth_failed",
    te.OrderNotFound: "errors.order_not_found",
    te.LiveTradingError: "errors.live_trading",  # trading.venues words its reasons (fixed texts)
    # trading: proposals and risk
    te.ProposalError: "errors.proposal",
    te.ProposalNotFound: "errors.proposal_not_found",
    te.ProposalExpired: "errors.proposal_expired",
    te.NotYourProposal: "errors.not_your_proposal",
    te.AlreadyDecided: "errors.already_decided",
    te.PriceMoved: "errors.price_moved",
    te.RiskRejected: "errors.risk_rejected",
    te.AmountRefused: "errors.amount_refused",
    AlertLimitReached: "errors.alert_limit",
    WatchLimitReached: "errors.watch_limit",
    # analysis
    ae.AnalysisError: "errors.analysis",
    ae.TooFewCandles: "errors.too_few_candles",
    # llm: the reply falls back to the notes; this line says why
    le.LlmError: "errors.llm",
    le.ModelUnavailable: "errors.model_unavailable",
    le.ModelTimeout: "errors.model_timeout",
    le.ModelBusy: "errors.model_busy",
    # privacy
    pe.PrivacyError: "errors.privacy",
    pe.DecryptionError: "errors.decryption",
    pe.AuditBusyError: "errors.audit_busy",
}


def entry(klass: type[BaseException], language: str = ENGLISH) -> str | None:
    """Return the class's own template in `language` (English when untranslated), or None."""
    if not issubclass(klass, Exception) or klass not in WORDING:
        return None
    return template(WORDING[klass], language)


def say(err: Exception, language: str = ENGLISH, **context: object) -> str:
    """Return the user's words for `err` (its class's entry, else its nearest base's)."""
    coded = _coded(err, language)
    if coded is not None:
        return coded
    own = {k: v for k, v in vars(err).items() if not k.startswith("_")}
    fields = _shown({**own, **context, "message": str(err)}, language)
    for klass in type(err).__mro__:
        text = entry(klass, language)
        if text is None:
            continue
        try:
            return text.format_map(fields)
        except KeyError:  # a placeholder the caller cannot fill: a base's wording is whole
            continue
    return template(WORDING[Exception], language)


def _coded(err: Exception, language: str) -> str | None:
    """Return the wording of the error's `code` with its `fields`, or None if it has none."""
    code = getattr(err, "code", "")
    if not isinstance(code, str) or not code:
        return None
    given = getattr(err, "fields", None)
    fields = {
        name: formats.figure(value, language) if isinstance(value, Decimal | int) else value
        for name, value in (given.items() if isinstance(given, Mapping) else ())
    }
    for klass in type(err).__mro__:
        if klass not in WORDING:
            continue
        try:
            return template(f"{WORDING[klass]}.{code}", language).format_map(fields)
        except (LookupError, KeyError):
            continue
    return None


@dataclass(frozen=True, slots=True)
class Worded:
    """An error to be worded later, in the reader's language (a `bot.core.i18n.Text`)."""

    error: Exception
    context: Mapping[str, object] = field(default_factory=dict)

    def render(self, language: str) -> str:
        return say(self.error, language, **self.context)


def _shown(fields: Mapping[str, object], language: str) -> dict[str, object]:
    """Join sequences with ", " (、 in Japanese); drop empty ones (an entry needing one falls
    to its base)."""
    joiner = "、" if language == JAPANESE else ", "
    out: dict[str, object] = {}
    for name, value in fields.items():
        if isinstance(value, Iterable) and not isinstance(value, str):
            value = joiner.join(str(v) for v in value)
            if not value:
                continue
        out[name] = value
    return out
