"""Residency end to end: the real CLI refuses remote proxies and libpq hosts before connecting.

Non-local values are TEST-NET addresses that the check must refuse before any connection;
where a client could still honour NO_PROXY, it points at our loopback servers, so even a
regression sends nothing off this machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from bot.core.errors import ConfigError
from bot.core.residency import guard_database_peer, llm_address_rule
from bot.core.storage import make_engine
from llm import Generation, Message, ModelUnavailable, Role
from llm.openai_http import OpenAIHttpModel
from privacy.residency import is_local_address
from tests.conftest import run_qnabot
from tests.fakes.serving import serve_on_loopback
from tests.llm.openai_server import OpenAIServer

REMOTE_PROXY = "http://192.0.2.1:3128"
SECRET_TEXT = "ann.lee@example.org asks: what is a stop loss?"


class CountingServer:
    """A loopback TCP server that counts connections (a proxy or Bot API that must stay idle)."""

    def __init__(self) -> None:
        self.connections = 0
        self.url = ""
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            writer.close()

        self._server = await asyncio.start_server(on_connect, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()


@pytest.fixture
async def llm_server() -> AsyncIterator[tuple[OpenAIServer, str]]:
    fake = OpenAIServer()
    runner, url = await serve_on_loopback(fake.app)
    try:
        yield fake, url
    finally:
        await runner.cleanup()


@pytest.fixture
async def counting() -> AsyncIterator[CountingServer]:
    server = CountingServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


async def test_chat_refuses_to_start_behind_a_remote_proxy(tmp_path: Path, llm_server) -> None:
    fake, url = llm_server
    env = {
        "QNABOT_LLM_BACKEND": "openai_http",
        "QNABOT_LLM_URL": url,
        "HTTPS_PROXY": REMOTE_PROXY,
        "HTTP_PROXY": REMOTE_PROXY,
        "ALL_PROXY": REMOTE_PROXY,
        "NO_PROXY": "127.0.0.1,localhost",  # safety net only: the check ignores it
    }
    proc = await asyncio.to_thread(run_qnabot, tmp_path, "chat", stdin=SECRET_TEXT + "\n", env=env)
    line = _one_line(proc.stderr)
    assert proc.returncode == 2
    assert "QNABOT_ALLOW_REMOTE" in line and "192.0.2.1" in line and "_PROXY)" in line
    assert fake.requests == [] and "ann.lee" not in proc.stdout + proc.stderr


async def test_a_local_proxy_is_allowed_and_the_llm_client_bypasses_it(
    tmp_path: Path, llm_server, counting: CountingServer
) -> None:
    fake, url = llm_server
    env = {
        "QNABOT_LLM_BACKEND": "openai_http",
        "QNABOT_LLM_URL": url,
        "HTTPS_PROXY": counting.url,
        "HTTP_PROXY": counting.url,
        "ALL_PROXY": counting.url,
    }
    proc = await asyncio.to_thread(run_qnabot, tmp_path, "chat", stdin=SECRET_TEXT + "\n", env=env)
    assert proc.returncode == 0, proc.stderr
    assert fake.requests, "the question reached the model server directly"
    assert counting.connections == 0


async def test_llm_client_ignores_proxy_variables(
    llm_server, counting: CountingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, url = llm_server
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, counting.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    fake.answers.append("direct")
    model = OpenAIHttpModel(url)
    try:
        reply = await model.complete([Message(Role.USER, SECRET_TEXT)], Generation())
    finally:
        await model.close()
    assert reply == "direct" and counting.connections == 0
    # the same request through a default client goes to the "proxy": the variables are live
    async with httpx.AsyncClient(timeout=2) as client:
        with pytest.raises(httpx.HTTPError):
            await client.get(f"{url}/v1/models")
    assert counting.connections == 1


async def test_run_refuses_a_remote_proxy_before_telegram_is_called(
    tmp_path: Path, counting: CountingServer
) -> None:
    env = {
        "QNABOT_LLM_BACKEND": "extractive",
        "TELEGRAM_BOT_TOKEN": "123456:TEST-token-never-valid",
        "QNABOT_TELEGRAM_API_URL": counting.url,
        "HTTPS_PROXY": REMOTE_PROXY,
        "HTTP_PROXY": REMOTE_PROXY,
        "NO_PROXY": "127.0.0.1",  # safety net: a regression would reach our counter, not 192.0.2.1
    }
    proc = await asyncio.to_thread(run_qnabot, tmp_path, "run", env=env)
    line = _one_line(proc.stderr)
    assert proc.returncode == 2 and "192.0.2.1" in line and "_PROXY)" in line
    assert counting.connections == 0


LIBPQ_CASES = [
    ("chat", "postgresql://postgres@localhost/test?host=192.0.2.1", {}, "QNABOT_DATABASE_URL"),
    ("chat", "postgresql:///test?host=192.0.2.1", {}, "QNABOT_DATABASE_URL"),
    ("chat", "postgresql:///test?user=postgres", {"PGHOST": "192.0.2.1"}, "PGHOST"),
    ("chat", "postgresql:///test?user=postgres", {"PGHOSTADDR": "192.0.2.1"}, "PGHOSTADDR"),
    ("chat", "postgresql://postgres@127.0.0.1/test?hostaddr=192.0.2.1", {},
     "QNABOT_DATABASE_URL"),
    ("migrate", "postgresql:///test?user=postgres", {"PGHOST": "192.0.2.1"}, "PGHOST"),
]  # fmt: skip


@pytest.mark.parametrize(("command", "url", "pg_env", "source"), LIBPQ_CASES)
def test_libpq_hosts_are_refused_before_connecting(
    tmp_path: Path, command: str, url: str, pg_env: dict[str, str], source: str
) -> None:
    env = {"QNABOT_LLM_BACKEND": "extractive", "QNABOT_DATABASE_URL": url, **pg_env}
    proc = run_qnabot(tmp_path, command, stdin="/help\n", env=env)
    line = _one_line(proc.stderr)
    assert proc.returncode == 2
    assert f"'192.0.2.1' (from {source})" in line and "not on this machine" in line


def test_a_service_file_host_is_refused(tmp_path: Path) -> None:
    services = tmp_path / "services.conf"
    services.write_text("[prod]\nhost=192.0.2.1\ndbname=test\n")
    env = {
        "QNABOT_LLM_BACKEND": "extractive",
        "QNABOT_DATABASE_URL": "postgresql:///test?user=postgres",
        "PGSERVICE": "prod",
        "PGSERVICEFILE": str(services),
    }
    proc = run_qnabot(tmp_path, "chat", stdin="/help\n", env=env)
    assert proc.returncode == 2 and "service 'prod'" in _one_line(proc.stderr)


def test_post_connect_check_sees_the_address_libpq_reached(pg_schema_url) -> None:
    url, _ = pg_schema_url
    seen: list[tuple[str, str]] = []

    def strict(host: str, hostaddr: str, allow: object) -> str:
        seen.append((host, hostaddr))
        return "reached an address this test calls remote"

    engine = make_engine(url)
    guard_database_peer(engine, (), judge=strict)
    try:
        with pytest.raises(ConfigError, match="test calls remote"), engine.connect():
            pass
    finally:
        engine.dispose()
    assert seen == [("127.0.0.1", "127.0.0.1")]
    checked = make_engine(url)
    guard_database_peer(checked, ())
    try:
        with checked.connect() as conn:
            assert conn.execute(text("select 1")).scalar() == 1
    finally:
        checked.dispose()


async def test_llm_client_checks_every_address_at_connect_time(llm_server) -> None:
    fake, url = llm_server
    refused = OpenAIHttpModel(url, address_rule=lambda address: False)
    try:
        with pytest.raises(ModelUnavailable):
            await refused.complete([Message(Role.USER, SECRET_TEXT)], Generation())
    finally:
        await refused.close()
    assert fake.requests == []
    seen: list[str] = []

    def rule(address: str) -> bool:
        seen.append(address)
        return is_local_address(address)

    fake.answers.append("by name")
    by_name = OpenAIHttpModel(url.replace("127.0.0.1", "localhost"), address_rule=rule)
    try:
        assert await by_name.complete([Message(Role.USER, "hi")], Generation()) == "by name"
    finally:
        await by_name.close()
    assert "127.0.0.1" in seen and len(fake.requests) == 1


@pytest.mark.parametrize(
    ("url", "allow", "checks"),
    [("http://127.0.0.1:8000", "", True), ("http://localhost:8000", "192.0.2.10", True),
     ("http://gpu.test:8000", "gpu.test", False), ("http://192.0.2.10:8000", "192.0.2.10", False)],
)  # fmt: skip
def test_the_bot_gives_its_llm_client_the_address_rule(
    make_settings, url: str, allow: str, checks: bool
) -> None:
    rule = llm_address_rule(make_settings(llm_url=url, allow_remote=allow))
    assert (rule is not None) is checks  # a host allow-listed by name needs no address check
    if rule is not None:
        assert rule("127.0.0.1") and rule("::1") and not rule("192.0.2.99")
        assert rule("192.0.2.10") is bool(allow)
