"""The read-only admin web console: Starlette + Jinja2, server-rendered, no JavaScript.

Login is by the operator's token (compared in constant time); a successful login gets a
random session cookie (HttpOnly, SameSite=Strict) and a per-session CSRF token for the two
forms that act (export, flag). Every page and API response is `no-store` and carries a
strict Content-Security-Policy. Scripts may use `Authorization: Bearer <token>` on /api/*.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import uvicorn
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.services import Clock
from bot.web.charts import bar_chart
from bot.web.service import AdminService, UnknownRecord
from bot.web.views import RecordFilter

log = logging.getLogger(__name__)

COOKIE = "qnabot_admin"
SESSION_TTL = timedelta(hours=8)
MAX_FAILED_LOGINS = 10
WEB_ACTOR = "web-console"
TEMPLATES = Path(__file__).with_name("templates")
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


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def record_filter(params: Any, page_size: int = 50) -> RecordFilter:
    """Build a RecordFilter from query parameters, ignoring malformed values."""
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


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class AdminWeb:
    """Routes of the console over one AdminService."""

    def __init__(self, admin: AdminService, token: str, clock: Clock) -> None:
        if len(token) < 16:
            raise ValueError("admin web token must be at least 16 characters")
        self.admin = admin
        self._token = token.encode()
        self.sessions = SessionStore(clock)
        self._failed = 0
        self.env = Environment(
            loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"])
        )

    # -- auth ---------------------------------------------------------------------------
    def _token_ok(self, given: str) -> bool:
        return hmac.compare_digest(given.encode(), self._token)

    def _session(self, request: Request) -> Session | None:
        return self.sessions.get(request.cookies.get(COOKIE))

    def _api_allowed(self, request: Request) -> bool:
        bearer = request.headers.get("authorization", "")
        if bearer.lower().startswith("bearer "):
            return self._token_ok(bearer[7:].strip())
        return self._session(request) is not None

    def page(self, name: str, code: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=code, headers=SECURITY_HEADERS)

    def json(self, payload: Any, status: int = 200) -> JSONResponse:
        return JSONResponse(_jsonable(payload), status_code=status, headers=SECURITY_HEADERS)

    def guarded(self, endpoint: Endpoint) -> Endpoint:
        async def wrapper(request: Request) -> Response:
            if self._session(request) is None:
                return RedirectResponse("/login", status_code=303, headers=SECURITY_HEADERS)
            return await endpoint(request)

        return wrapper

    def api(self, endpoint: Endpoint) -> Endpoint:
        async def wrapper(request: Request) -> Response:
            if not self._api_allowed(request):
                return self.json({"error": "unauthorised"}, status=401)
            return await endpoint(request)

        return wrapper

    async def login_form(self, request: Request) -> Response:
        return self.page("login.html", error="")

    async def login(self, request: Request) -> Response:
        if self._failed >= MAX_FAILED_LOGINS:
            return self.page("login.html", code=429, error="Too many wrong tokens; restart.")
        form = await request.form()
        given = str(form.get("token", ""))[:256]
        if not self._token_ok(given):
            self._failed += 1
            log.warning("admin web login refused failures=%d", self._failed)
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
        record_id = int(request.path_params["record_id"])
        record = await run_in_threadpool(self.admin.get_record, record_id, WEB_ACTOR)
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
        record_id = int(request.path_params["record_id"])
        leaked = str(form.get("leaked", ""))[:2000]
        label = str(form.get("label", "OTHER"))[:40]
        try:
            await run_in_threadpool(self.admin.flag, record_id, leaked, label, WEB_ACTOR)
        except UnknownRecord:
            return self.page("missing.html", code=404, **self._base(request))
        except ValueError as err:
            record = await run_in_threadpool(self.admin.get_record, record_id, WEB_ACTOR)
            labels = await run_in_threadpool(self.admin.labels)
            ctx = self._base(request, record=record, labels=labels, error=str(err))
            return self.page("record.html", code=400, **ctx)
        return RedirectResponse(f"/?flagged={record_id}", status_code=303, headers=SECURITY_HEADERS)

    # -- JSON API ---------------------------------------------------------------------------
    async def api_records(self, request: Request) -> Response:
        rows = await run_in_threadpool(
            self.admin.list_records, record_filter(request.query_params), WEB_ACTOR
        )
        return self.json({"records": [asdict(r) for r in rows]})

    async def api_record(self, request: Request) -> Response:
        record_id = int(request.path_params["record_id"])
        record = await run_in_threadpool(self.admin.get_record, record_id, WEB_ACTOR)
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


def create_app(admin: AdminService, token: str, clock: Clock) -> Starlette:
    """Return the console's ASGI application."""
    return Starlette(routes=AdminWeb(admin, token, clock).routes())


def bind(host: str, port: int) -> socket.socket:
    """Open the listening socket (port 0 = any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def make_server(app: Starlette) -> uvicorn.Server:
    """Return a uvicorn server for the app; no access log (URLs carry filter values)."""
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    return uvicorn.Server(config)
