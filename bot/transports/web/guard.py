"""What every console request passes first: the Host allow-list and the security headers.

A pure ASGI middleware around the whole application, so the headers are on every response,
the router's own 404/405 pages and the 400 for a foreign Host included. Checking Host stops
DNS rebinding: a page on evil.example that re-points its name to 127.0.0.1 still sends
`Host: evil.example`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


# host, or [IPv6], then an optional numeric port: nothing else (no userinfo, no spaces)
_AUTHORITY = re.compile(r"(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9.\-]+))(?::[0-9]{1,5})?\Z")
_BARE_V6 = re.compile(r"[0-9a-f]*:[0-9a-f]*:[0-9a-f:.]*\Z")


def host_name(value: str) -> str:
    """Return the host of a Host or Origin authority, lower-case ('[::1]:80' -> '::1');
    '' when it is not a plain host[:port] (such a request is refused)."""
    text = value.strip().lower()
    if _BARE_V6.match(text):  # an IPv6 listen host as configured, without brackets
        return text
    match = _AUTHORITY.match(text)
    return "" if match is None else match.group("v6") or match.group("name")


def allowed_hosts(configured: str = "") -> frozenset[str]:
    """Return the loopback names plus the configured listen host."""
    extra = host_name(f"[{configured}]" if ":" in configured else configured)
    return frozenset({*LOOPBACK_HOSTS, *([extra] if extra else [])})


def with_security_headers(message: Message) -> Message:
    """Add every security header a response start message lacks."""
    if message["type"] == "http.response.start":
        headers = MutableHeaders(scope=message)
        for name, value in SECURITY_HEADERS.items():
            if name not in headers:
                headers[name] = value
    return message


class ConsoleGuard:
    """Refuse requests for a foreign Host (400); put the security headers on every reply."""

    def __init__(self, app: ASGIApp, hosts: Iterable[str] = LOOPBACK_HOSTS) -> None:
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_guarded(message: Message) -> None:
            await send(with_security_headers(message))

        if host_name(Headers(scope=scope).get("host", "")) not in self.hosts:
            log.warning("admin web refused a request for a foreign host")
            refusal = PlainTextResponse("Invalid host header", status_code=400)
            await refusal(scope, receive, send_guarded)
            return
        await self.app(scope, receive, send_guarded)
