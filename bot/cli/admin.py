"""`qnabot admin web`: the read-only admin console on 127.0.0.1 (login by token)."""

from __future__ import annotations

import ipaddress
import secrets

import typer

from bot.cli.common import guard, settings_or_exit, start_logging, typer_app

app = typer_app("The admin web console.")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command("web")
def web(
    host: str = typer.Option("", help="Listen address (default QNABOT_ADMIN_WEB_HOST)."),
    port: int = typer.Option(-1, help="Port (default QNABOT_ADMIN_WEB_PORT; 0 = any free)."),
) -> None:
    """Serve the admin web console; log in with the token printed here (or set in config)."""
    settings = settings_or_exit()
    start_logging(settings)
    from bot.app import build_services
    from bot.transports.web.guard import allowed_hosts
    from bot.transports.web.server import bind, create_app, make_server

    listen = host or settings.admin_web_host
    chosen = settings.admin_web_port if port < 0 else port
    configured = settings.admin_web_token
    token = configured.get_secret_value() if configured else secrets.token_urlsafe(24)
    if len(token) < 16:
        typer.echo("qnabot: QNABOT_ADMIN_WEB_TOKEN must be at least 16 characters", err=True)
        raise typer.Exit(code=2)
    services = guard(lambda: build_services(settings))
    sock = bind(listen, chosen)
    bound_port = sock.getsockname()[1]
    if not _is_loopback(listen):
        typer.echo(f"warning: listening on {listen}, not loopback; prefer an SSH tunnel", err=True)
    typer.echo(f"admin console: http://{listen}:{bound_port}/")
    if configured is None:
        typer.echo(f"login token (valid until this process stops): {token}")
    else:
        typer.echo("login token: the one in QNABOT_ADMIN_WEB_TOKEN")
    hosts = allowed_hosts(listen)  # Host headers naming anything else are refused
    server = make_server(create_app(services.admin, token, services.clock, hosts))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        services.engine.dispose()
