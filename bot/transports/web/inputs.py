"""Reading the console's query and path values: dates, pages, record ids, the client address.

A value no record could match (a malformed or far-off date, an id beyond BIGINT) raises
BadInput, which the routes answer with 400 instead of letting the database raise.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from starlette.requests import Request

from bot.features.admin.views import RecordFilter

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2999, 12, 31)
MAX_RECORD_ID = 2**63 - 1  # SQLite and PostgreSQL BIGINT


class BadInput(ValueError):
    """A query or path value the console cannot use: answer 400 with this message."""


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadInput("dates are YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadInput(f"dates are between {FIRST_DAY} and {LAST_DAY}")
    return day


def record_id(request: Request) -> int:
    """Return the record id of the path; raise BadInput when no record can have it."""
    value = int(request.path_params["record_id"])
    if not 1 <= value <= MAX_RECORD_ID:
        raise BadInput("no record can have that id")
    return value


def client_of(request: Request) -> str:
    """Return the client's address (the server trusts no X-Forwarded-For)."""
    return request.client.host if request.client else "unknown"


def record_filter(params: Any, page_size: int = 50) -> RecordFilter:
    """Build a RecordFilter from query parameters; bad dates raise BadInput, a bad page is 1."""
    try:
        page = max(1, min(int(params.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    return RecordFilter(
        date_from=_parse_date(params.get("date_from")),
        date_to=_parse_date(params.get("date_to")),
        label=(params.get("label") or "").strip()[:40] or None,
        pseudonym=(params.get("pseudonym") or "").strip()[:40] or None,
        limit=page_size,
        offset=(page - 1) * page_size,
    )


def jsonable(value: Any) -> Any:
    """Return the value with dates as ISO strings, for a JSON response."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value
