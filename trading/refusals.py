"""Which exchange answers are definite refusals of an order, decided by Binance error code.

After an order request was sent, only a definite refusal means "nothing was placed":
insufficient balance, a filter or parameter failure, an unknown symbol, a refused key. Any
other answer (a generic error, a 5xx with a JSON body, an unknown code) leaves the outcome
unknown, to be settled by looking the order up by its client id. The code decides, not
ccxt's exception class: ccxt applies its spot code table only on api.binance.com, so the same
answer raises a generic `ExchangeError` on any other host (api1-4, api-gcp, a proxy).
"""

from __future__ import annotations

import re

from trading import errors as te

_CODE = re.compile(r'"code"\s*:\s*"?(-?\d+)')
_MSG = re.compile(r'"msg"\s*:\s*"([^"]*)"')

AUTH_CODES = frozenset({-1002, -1022, -1099, -2014, -2015})
# -1013 filter failure, -1014 unsupported combination, -1020 unsupported operation,
# -1100..-1130 illegal/missing/invalid parameters (-1121 is the invalid symbol)
ORDER_CODES = frozenset({-1013, -1014, -1020, *range(-1130, -1099)}) - {-1121}
NEW_ORDER_REJECTED = -2010
INVALID_SYMBOL = -1121
CLOCK_SKEW = -1021  # timestamp outside recvWindow: refused before it reached the book

Refusal = type[te.ExchangeRefused] | type[te.UnknownSymbol]


def error_code(text: str) -> int | None:
    """Return the Binance error code in an error's text (ccxt quotes the body), or None."""
    found = _CODE.search(text)
    return int(found.group(1)) if found else None


def refusal_for(code: int, text: str) -> Refusal | None:
    """Return our error for a code that is a definite refusal, None for any other code."""
    if code == NEW_ORDER_REJECTED:
        message = _MSG.search(text)
        broke = message is not None and "insufficient balance" in message.group(1).lower()
        return te.InsufficientFunds if broke else te.OrderRejected
    if code == INVALID_SYMBOL:
        return te.UnknownSymbol
    if code in AUTH_CODES:
        return te.AuthFailed
    if code in ORDER_CODES:
        return te.OrderRejected
    if code == CLOCK_SKEW:
        return te.ExchangeRefused
    return None
