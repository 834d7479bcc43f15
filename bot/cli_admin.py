"""`qnabot admin web`: the read-only admin console on 127.0.0.1 (login by token)."""

from __future__ import annotations

import ipaddress
import secrets

import typer

from bot.cli import _guard, _settings, _start_logging, admin_app


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@admin_app.command("web")
def web(
    host: str = typer.Option("", help="Listen address (default QNABOT_ADMIN_WEB_HOST)."),
    port: int = typer.Option(-1, help="Port (default QNABOT_ADMIN_WEB_PORT; 0 = any free)."),
) -> None:
    """Serve the admin web console; log in with the token printed here (or set in config)."""
    settings = _settings()
    _start_logging(settings)
    from bot.app import build_services
    from bot.web.server import bind, create_app, make_server

    listen = host or settings.admin_web_host
    chosen = settings.admin_web_port if port < 0 else port
    configured = settings.admin_web_token
    token = configured.get_secret_value() if configured else secrets.token_urlsafe(24)
    if len(token) < 16:
        typer.echo("qnabot: QNABOT_ADMIN_WEB_TOKEN must be at least 16 characters", err=True)
        raise typer.Exit(code=2)
    services = _guard(lambda: build_services(settings))
    if services.admin is None:
        typer.echo("qnabot: the admin service is not available", err=True)
        raise typer.Exit(code=2)
    sock = bind(listen, chosen)
    bound_port = sock.getsockname()[1]
    if not _is_loopback(listen):
        typer.echo(f"warning: listening on {listen}, not loopback; prefer an SSH tunnel", err=True)
    typer.echo(f"admin console: http://{listen}:{bound_port}/")
    if configured is None:
        typer.echo(f"login token (valid until this process stops): {token}")
    else:
        typer.echo("login token: the one in QNABOT_ADMIN_WEB_TOKEN")
    server = make_server(create_app(services.admin, token, services.clock))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        services.engine.dispose()
