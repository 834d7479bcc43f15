"""The read-only admin web console: Starlette + Jinja2, server-rendered, no JavaScript.

Login is by the operator's token (compared in constant time); a successful login gets a
random session cookie (HttpOnly, SameSite=Strict) and a per-session CSRF token for the two
forms that act (export, flag). Every page and API response is `no-store` and carries a
strict Content-Security-Policy. Scripts may use `Authorization: Bearer <token>` on /api/*.
Wrong tokens (form or bearer) are limited per client address with a doubling lock; requests
for a foreign Host are refused (DNS rebinding), and a login posted from a foreign page is too.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from bot.core.clock import Clock
from bot.features.admin.service import AdminService, UnknownRecord
from bot.transports.web.charts import bar_chart
from bot.transports.web.guard import LOOPBACK_HOSTS, SECURITY_HEADERS, ConsoleGuard
from bot.transports.web.inputs import BadInput, client_of, jsonable, record_filter, record_id
from bot.transports.web.limits import AttemptLimiter

log = logging.getLogger(__name__)

COOKIE = "qnabot_admin"
SESSION_TTL = timedelta(hours=8)
WEB_ACTOR = "web-console"
TEMPLATES = Path(__file__).with_name("templates")
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi")
Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class Session:
    csrf: str
    expires_at: datetime


class SessionStore:
    """Server-side login sessions (in memory: a restart logs everyone out)."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._sessions: dict[str, Session] = {}

    def open(self) -> str:
        sid = secrets.token_urlsafe(32)
        self._sessions[sid] = Session(secrets.token_urlsafe(24), self._clock() + SESSION_TTL)
        return sid

    def get(self, sid: str | None) -> Session | None:
        session = self._sessions.get(sid or "")
        if session is None or session.expires_at <= self._clock():
            self._sessions.pop(sid or "", None)
            return None
        return session

    def close(self, sid: str | None) -> None:
        self._sessions.pop(sid or "", None)


class AdminWeb:
    """Routes of the console over one AdminService."""

    def __init__(self, admin: AdminService, token: str, clock: Clock) -> None:
        if len(token) < 16:
            raise ValueError("admin web token must be at least 16 characters")
        self.admin = admin
        self._token = token.encode()
        self.sessions = SessionStore(clock)
        self.attempts = AttemptLimiter(clock)
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"])
        )

    # -- auth ---------------------------------------------------------------------------
    def _token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self._token)

    def _session(self, request: Request) -> Session | None:
        return self.sessions.get(request.cookies.get(COOKIE))

    def _checked(self, request: Request, given: str) -> bool:
        """Check a token and count a wrong one against the client's attempts."""
        client = client_of(request)
        if self._token_ok(given):
            self.attempts.succeeded(client)
            return True
        lock = self.attempts.failed(client)
        log.warning("admin web token refused lock_s=%d", lock)
        return False

    def _foreign_origin(self, request: Request) -> bool:
        """True when a page of another origin sent the request (another site, or another
        port of this machine): the browser's Origin must name exactly the Host asked for."""
        origin = request.headers.get("origin")
        site = request.headers.get("sec-fetch-site")  # set by the browser; a page cannot forge it
        if site in ("cross-site", "same-site"):
            return True
        if site == "same-origin":
            return False  # our own form: Chromium sends `Origin: null` under no-referrer
        host = request.headers.get("host", "").lower()
        return origin is not None and urlsplit(origin.lower()).netloc != host

    def too_many(self, request: Request, api: bool = False) -> Response | None:
        """Return the 429 for a locked-out client, or None when it may try a token."""
        wait = self.attempts.retry_after(client_of(request))
        if not wait:
            return None
        headers = {"Retry-After": str(wait)}
        if api:
            return JSONResponse({"error": "too many wrong tokens"}, 429, headers=headers)
        error = f"Too many wrong tokens from this address; try again in {wait} s."
        response = self.page("login.html", code=429, error=error)
        response.headers.update(headers)
        return response

    def page(self, name: str, code: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=code, headers=SECURITY_HEADERS)

    def json(self, payload: Any, status: int = 200) -> JSONResponse:
        return JSONResponse(jsonable(payload), status_code=status, headers=SECURITY_HEADERS)

    def guarded(self, endpoint: Endpoint) -> Endpoint:
        async def wrapper(request: Request) -> Response:
            if self._session(request) is None:
                return RedirectResponse("/login", status_code=303, headers=SECURITY_HEADERS)
            try:
                return await endpoint(request)
            except BadInput as err:
                return self.page("missing.html", code=400, problem=str(err), **self._base(request))

        return wrapper

    def api(self, endpoint: Endpoint) -> Endpoint:
        async def wrapper(request: Request) -> Response:
            bearer = request.headers.get("authorization", "")
            if bearer.lower().startswith("bearer "):
                refused = self.too_many(request, api=True)
                if refused is not None:
                    return refused
                if not self._checked(request, bearer[7:].strip()[:256]):
                    return self.json({"error": "unauthorised"}, status=401)
            elif self._session(request) is None:
                return self.json({"error": "unauthorised"}, status=401)
            try:
                return await endpoint(request)
            except BadInput as err:
                return self.json({"error": str(err)}, status=400)

        return wrapper

    async def login_form(self, request: Request) -> Response:
        return self.page("login.html", error="")

    async def login(self, request: Request) -> Response:
        if self._foreign_origin(request):
            log.warning("admin web login posted from a foreign page refused")
            return self.page("login.html", code=403, error="Log in from this page.")
        refused = self.too_many(request)
        if refused is not None:
            return refused
        form = await request.form()
        if not self._checked(request, str(form.get("token", ""))[:256]):
            return self.page("login.html", code=401, error="Wrong token.")
        sid = self.sessions.open()
        response = RedirectResponse("/", status_code=303, headers=SECURITY_HEADERS)
        response.set_cookie(COOKIE, sid, httponly=True, samesite="strict", path="/")
        log.info("admin web login")
        return response

    async def logout(self, request: Request) -> Response:
        self.sessions.close(request.cookies.get(COOKIE))
        response = RedirectResponse("/login", status_code=303, headers=SECURITY_HEADERS)
        response.delete_cookie(COOKIE, path="/")
        return response

    async def _csrf_form(self, request: Request) -> Any | None:
        session = self._session(request)
        form = await request.form()
        given = str(form.get("csrf", ""))
        if session is None or not hmac.compare_digest(given.encode(), session.csrf.encode()):
            return None
        return form

    # -- pages ----------------------------------------------------------------------------
    def _base(self, request: Request, **extra: Any) -> dict[str, Any]:
        session = self._session(request)
        return {"csrf": session.csrf if session else "", "path": request.url.path, **extra}

    async def records_page(self, request: Request) -> Response:
        flt = record_filter(request.query_params)
        rows = await run_in_threadpool(self.admin.list_records, flt, WEB_ACTOR)
        labels = await run_in_threadpool(self.admin.labels)
        page = flt.offset // flt.limit + 1
        flagged = request.query_params.get("flagged", "")
        notice = f"Record {flagged} flagged" if flagged.isdigit() else ""
        ctx = self._base(request, rows=rows, flt=flt, labels=labels, page=page, notice=notice)
        return self.page("records.html", **ctx, more=len(rows) == flt.limit)

    async def record_page(self, request: Request) -> Response:
        record = await run_in_threadpool(self.admin.get_record, record_id(request), WEB_ACTOR)
        if record is None:
            return self.page("missing.html", code=404, **self._base(request))
        labels = await run_in_threadpool(self.admin.labels)
        ctx = self._base(request, record=record, labels=labels)
        return self.page("record.html", **ctx)

    async def stats_page(self, request: Request) -> Response:
        stats = await run_in_threadpool(self.admin.stats, WEB_ACTOR)
        chart = Markup(bar_chart("Redactions by label", stats.redactions_by_label))
        daily = Markup(bar_chart("Messages kept per day (UTC)", stats.kept_by_day))
        ctx = self._base(request, stats=stats, chart=chart, daily=daily)
        return self.page("stats.html", **ctx)

    async def audit_page(self, request: Request) -> Response:
        entries, status = await run_in_threadpool(self.admin.audit_trail, 200, WEB_ACTOR)
        ctx = self._base(request, entries=entries, status=status)
        return self.page("audit.html", **ctx)

    async def export(self, request: Request) -> Response:
        if await self._csrf_form(request) is None:
            return self.page("login.html", code=403, error="Session expired; log in again.")
        export = await run_in_threadpool(self.admin.export, WEB_ACTOR)
        headers = {
            **SECURITY_HEADERS,
            "Content-Disposition": f'attachment; filename="{export.filename}"',
        }
        return Response(export.content, media_type="application/x-ndjson", headers=headers)

    async def flag(self, request: Request) -> Response:
        form = await self._csrf_form(request)
        if form is None:
            return self.page("login.html", code=403, error="Session expired; log in again.")
        flagged = record_id(request)
        leaked = str(form.get("leaked", ""))[:2000]
        label = str(form.get("label", "OTHER"))[:40]
        try:
            await run_in_threadpool(self.admin.flag, flagged, leaked, label, WEB_ACTOR)
        except UnknownRecord:
            return self.page("missing.html", code=404, **self._base(request))
        except ValueError as err:
            record = await run_in_threadpool(self.admin.get_record, flagged, WEB_ACTOR)
            labels = await run_in_threadpool(self.admin.labels)
            ctx = self._base(request, record=record, labels=labels, error=str(err))
            return self.page("record.html", code=400, **ctx)
        return RedirectResponse(f"/?flagged={flagged}", status_code=303, headers=SECURITY_HEADERS)

    # -- JSON API ---------------------------------------------------------------------------
    async def api_records(self, request: Request) -> Response:
        rows = await run_in_threadpool(
            self.admin.list_records, record_filter(request.query_params), WEB_ACTOR
        )
        return self.json({"records": [asdict(r) for r in rows]})

    async def api_record(self, request: Request) -> Response:
        record = await run_in_threadpool(self.admin.get_record, record_id(request), WEB_ACTOR)
        if record is None:
            return self.json({"error": "no such record"}, status=404)
        return self.json(asdict(record))

    async def api_stats(self, request: Request) -> Response:
        stats = await run_in_threadpool(self.admin.stats, WEB_ACTOR)
        return self.json(asdict(stats))

    async def api_audit(self, request: Request) -> Response:
        entries, status = await run_in_threadpool(self.admin.audit_trail, 200, WEB_ACTOR)
        return self.json({"status": asdict(status), "entries": [asdict(e) for e in entries]})

    def routes(self) -> list[Route]:
        g, a = self.guarded, self.api
        return [
            Route("/login", self.login_form, methods=["GET"]),
            Route("/login", self.login, methods=["POST"]),
            Route("/logout", self.logout, methods=["POST"]),
            Route("/", g(self.records_page), methods=["GET"]),
            Route("/records/{record_id:int}", g(self.record_page), methods=["GET"]),
            Route("/records/{record_id:int}/flag", g(self.flag), methods=["POST"]),
            Route("/stats", g(self.stats_page), methods=["GET"]),
            Route("/audit", g(self.audit_page), methods=["GET"]),
            Route("/export", g(self.export), methods=["POST"]),
            Route("/api/records", a(self.api_records), methods=["GET"]),
            Route("/api/records/{record_id:int}", a(self.api_record), methods=["GET"]),
            Route("/api/stats", a(self.api_stats), methods=["GET"]),
            Route("/api/audit", a(self.api_audit), methods=["GET"]),
        ]


async def server_error(request: Request, exc: Exception) -> Response:
    """Answer an unexpected error with a bare 500 that still carries the security headers."""
    return PlainTextResponse("Internal Server Error", status_code=500, headers=SECURITY_HEADERS)


def create_app(
    admin: AdminService, token: str, clock: Clock, hosts: frozenset[str] = frozenset(LOOPBACK_HOSTS)
) -> Starlette:
    """Return the console's ASGI application, answering only requests for `hosts`."""
    return Starlette(
        routes=AdminWeb(admin, token, clock).routes(),
        middleware=[Middleware(ConsoleGuard, hosts=hosts)],
        exception_handlers={500: server_error},
    )


def bind(host: str, port: int) -> socket.socket:
    """Open the listening socket (port 0 = any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def make_server(app: Starlette) -> uvicorn.Server:
    """Return a uvicorn server for the app.

    uvicorn installs no handlers of its own (`log_config=None`), so its records reach the
    root handler and its redacting filters; there is no access log (URLs carry filter
    values), and X-Forwarded-For is not trusted (it would pick the attempt limiter's key).
    """
    config = uvicorn.Config(
        app,
        log_config=None,
        log_level="warning",
        access_log=False,
        lifespan="off",
        proxy_headers=False,
        server_header=False,
    )
    for name in UVICORN_LOGGERS:  # undo handlers an earlier uvicorn set-up may have left
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    return uvicorn.Server(config)
