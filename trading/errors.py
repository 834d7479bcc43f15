"""Errors of the trading package: what a caller should do about each.

- `MarketDataError` family: the symbol/timeframe/exchange cannot give prices. Tell the user
  which (unknown symbol, exchange down, rate limited) and keep serving.
- `ExchangeUnavailable` / `RateLimited`: transient; try again later. For an order this never
  means "not placed": the service reconciles by client order id before deciding anything.
- `ExchangeRefused` / `OrderRejected` (and `InsufficientFunds`): a definite refusal; nothing
  was placed.
- `AuthFailed`: the user's key is wrong or lacks permission; ask them to /connect again.
- `ProposalError` family: the approval cannot go ahead (expired, someone else's, already
  decided, price moved); show the message.
- `RiskRejected`: a risk rule refused the trade; `rule` names it (`AmountRefused`: the
  amount itself, `rule` "amount": show `detail`).
- `LiveTradingError`: live mode is off, or the user has no key / a refused key.

A refusal that explains itself carries `code` (which explanation: "max_notional", "comma")
and `fields` (its numbers, unformatted) beside its English text, so the bot words it in the
reader's language; `str(err)` stays English, for logs.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal


class TradingError(Exception):
    """Base of the trading package's errors."""


class MarketDataError(TradingError):
    """Prices cannot be obtained for this request."""


class UnknownSymbol(MarketDataError):
    """The exchange does not list this symbol."""

    def __init__(self, symbol: str) -> None:
        super().__init__(f"unknown symbol {symbol}")
        self.symbol = symbol


class UnsupportedTimeframe(MarketDataError):
    """No candles of this timeframe for this symbol; `supported` lists the ones there are."""

    def __init__(self, symbol: str, timeframe: str, supported: tuple[str, ...]) -> None:
        super().__init__(f"no {timeframe} candles for {symbol}")
        self.symbol = symbol
        self.timeframe = timeframe
        self.supported = supported


class ExchangeUnavailable(MarketDataError):
    """The exchange did not answer properly (down, timeout, 5xx); try again later."""


class RateLimited(ExchangeUnavailable):
    """The exchange asked us to slow down (HTTP 429/418)."""


class ExchangeRefused(TradingError):
    """The exchange answered with a definite refusal; nothing was done."""


class OrderRejected(ExchangeRefused):
    """The exchange refused the order (filters, precision, permissions); nothing was placed."""


class InsufficientFunds(OrderRejected):
    """Not enough free balance for the order."""


class AuthFailed(ExchangeRefused):
    """The API key or signature was refused."""


class OrderNotFound(TradingError):
    """The exchange does not know this order (may still appear shortly after a timeout)."""


class ProposalError(TradingError):
    """The proposal cannot be approved as asked."""


class ProposalNotFound(ProposalError):
    """No such proposal."""


class ProposalExpired(ProposalError):
    """The proposal is older than its time to live."""


class NotYourProposal(ProposalError):
    """Another user pressed the button."""


class AlreadyDecided(ProposalError):
    """The proposal was already approved, rejected or expired (`code`: that status)."""

    def __init__(self, status: str) -> None:
        super().__init__(f"proposal already {status}")
        self.status = status
        self.code = status


class PriceMoved(ProposalError):
    """The price moved beyond the tolerance since the proposal; a fresh one was made."""

    def __init__(self, old: Decimal, new: Decimal, fresh_id: str) -> None:
        super().__init__("price moved")
        self.old = old
        self.new = new
        self.fresh_id = fresh_id


class RiskRejected(TradingError):
    """A risk rule refused the trade; `rule` names it, `detail` explains the numbers (English);
    `code` and `fields` say the same for wording in any language."""

    def __init__(
        self,
        rule: str,
        detail: str,
        *,
        code: str = "",
        fields: Mapping[str, Decimal | int | str] | None = None,
    ) -> None:
        super().__init__(f"{rule}: {detail}")
        self.rule = rule
        self.detail = detail
        self.code = code
        self.fields = dict(fields or {})


class AmountRefused(RiskRejected):
    """The amount is not a tradable size (not a number, a comma, absurdly large or small)."""

    def __init__(
        self,
        detail: str,
        *,
        code: str = "",
        fields: Mapping[str, Decimal | int | str] | None = None,
    ) -> None:
        super().__init__("amount", detail, code=code, fields=fields)


class LiveTradingError(TradingError):
    """Live trading is not possible for this user (off, not connected, key refused); `code`
    says which ("disabled", "no_key", "key_unreadable", "can_withdraw")."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code
