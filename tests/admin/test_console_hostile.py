"""The console against a hostile client, over real HTTP: wrong-token floods from one address,
DNS rebinding (a foreign Host), a login posted by a foreign page, out-of-range input, and the
headers and logging of the server's own error pages (issue 13, finding 6)."""

from __future__ import annotations

import io
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from bot.core.logs import configure_logging
from bot.transports.web.server import create_app, make_server
from privacy.logfilter import RedactingFilter
from tests.admin.conftest import Console
from tests.admin.harness import serving
from tests.e2e.harness import MovableClock

SECURITY = ("content-security-policy", "x-frame-options", "x-content-type-options")
ATTACKER = "127.0.0.2"  # another loopback address: another client of the same server
FAR_ID = "1180591620717411303424"


@contextmanager
def fresh_console(console: Console, clock: MovableClock) -> Iterator[str]:
    """A second server over the seeded database, with its own clock and attempt counts."""
    with serving(create_app(console.services.admin, console.token, clock)) as url:
        yield url


def client_from(url: str, address: str = "127.0.0.1", **kwargs: object) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=url, transport=transport, follow_redirects=False, **kwargs)  # type: ignore[arg-type]


def wrong_logins(client: httpx.Client, n: int) -> list[httpx.Response]:
    return [client.post("/login", data={"token": f"wrong-token-{i:08d}"}) for i in range(n)]


def test_wrong_logins_lock_out_only_their_own_address_and_the_lock_ends(console: Console) -> None:
    clock = MovableClock()
    with (
        fresh_console(console, clock) as url,
        client_from(url, ATTACKER) as attacker,
        client_from(url) as owner,
    ):
        codes = [r.status_code for r in wrong_logins(attacker, 12)]
        assert codes[:5] == [401] * 5 and codes[-1] == 429
        locked = attacker.post("/login", data={"token": console.token})
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 0
        spoofed = attacker.post(
            "/login", data={"token": console.token}, headers={"X-Forwarded-For": "10.9.8.7"}
        )
        assert spoofed.status_code == 429  # the limiter's key is the peer, not a header
        assert owner.post("/login", data={"token": console.token}).status_code == 303
        clock.advance(hours=1)
        assert attacker.post("/login", data={"token": console.token}).status_code == 303


def test_the_lock_doubles_with_each_further_wrong_token(console: Console) -> None:
    clock = MovableClock()
    waits = []
    with fresh_console(console, clock) as url, client_from(url, ATTACKER) as attacker:
        wrong_logins(attacker, 5)
        for _ in range(4):
            refused = wrong_logins(attacker, 1)[0]
            assert refused.status_code == 401
            locked = attacker.post("/login", data={"token": "wrong-again-0000"})
            assert locked.status_code == 429
            waits.append(int(locked.headers["retry-after"]))
            clock.advance(seconds=waits[-1])
    assert waits == [2, 4, 8, 16]


def test_bearer_guesses_are_limited_per_address_too(console: Console) -> None:
    clock = MovableClock()
    wrong = {"Authorization": "Bearer wrong-token-00000000"}
    right = {"Authorization": f"Bearer {console.token}"}
    with (
        fresh_console(console, clock) as url,
        client_from(url, ATTACKER) as attacker,
        client_from(url) as owner,
    ):
        codes = [attacker.get("/api/stats", headers=wrong).status_code for _ in range(8)]
        assert codes[0] == 401 and codes[-1] == 429
        assert attacker.get("/api/stats", headers=right).status_code == 429
        assert owner.get("/api/stats", headers=right).status_code == 200


def test_a_login_posted_by_a_foreign_page_is_refused_and_locks_nobody_out(
    console: Console,
) -> None:
    clock = MovableClock()
    port = console.url.rsplit(":", 1)[1]
    evil = [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": f"http://localhost:{int(port) + 1}"},  # another port of this machine
        {"Sec-Fetch-Site": "cross-site"},
    ]
    with fresh_console(console, clock) as url, client_from(url) as browser:
        for i in range(20):
            headers = evil[i % len(evil)]
            forged = browser.post("/login", data={"token": f"wrong-{i:012d}"}, headers=headers)
            assert forged.status_code == 403, headers
        own = {"Origin": url}
        assert browser.post("/login", data={"token": console.token}, headers=own).status_code == 303


@pytest.mark.parametrize(
    "host",
    [
        "evil.example",
        "evil.example:{port}",
        "127.0.0.1.evil.example",
        "[::2]:{port}",
        # hostile review II: malformed authorities that only looked local before the colon
        "localhost:80@evil.example",
        "127.0.0.1:{port} evil.example",
        "localhost:x",
        "[::1]evil",
    ],
)
def test_a_foreign_host_header_is_refused(console: Console, host: str) -> None:
    port = console.url.rsplit(":", 1)[1]
    with client_from(console.url) as client:
        response = client.get("/login", headers={"Host": host.format(port=port)})
        api = client.get("/api/stats", headers={"Host": host.format(port=port)})
    assert response.status_code == 400 and api.status_code == 400
    assert all(name in response.headers for name in SECURITY)


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}"])
def test_loopback_host_names_are_served(console: Console, host: str) -> None:
    port = console.url.rsplit(":", 1)[1]
    with client_from(console.url) as client:
        assert client.get("/login", headers={"Host": host.format(port=port)}).status_code == 200


def test_the_configured_listen_host_is_served(console: Console) -> None:
    from bot.transports.web.guard import allowed_hosts

    app = create_app(
        console.services.admin, console.token, MovableClock(), allowed_hosts("qnabot.lan")
    )
    with serving(app) as url, client_from(url) as client:
        assert client.get("/login", headers={"Host": "qnabot.lan:8080"}).status_code == 200
        assert client.get("/login", headers={"Host": "other.lan"}).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/?date_to=9999-12-31",
        "/?date_from=0001-01-01",
        "/?date_from=yesterday",
        f"/records/{FAR_ID}",
        "/records/0",
    ],
)
def test_out_of_range_dates_and_ids_are_400_on_pages(console: Console, path: str) -> None:
    with client_from(console.url) as client:
        client.post("/login", data={"token": console.token})
        response = client.get(path)
    assert response.status_code == 400, response.text[:200]
    assert all(name in response.headers for name in SECURITY)


@pytest.mark.parametrize(
    "path",
    [
        "/api/records?date_to=9999-12-31",
        "/api/records?date_from=2024-13-01",
        f"/api/records/{FAR_ID}",
    ],
)
def test_out_of_range_dates_and_ids_are_400_on_the_api(console: Console, path: str) -> None:
    auth = {"Authorization": f"Bearer {console.token}"}
    with client_from(console.url, headers=auth) as client:
        response = client.get(path)
    assert response.status_code == 400 and "error" in response.json()


def test_far_record_ids_cannot_be_flagged(console: Console) -> None:
    with client_from(console.url) as client:
        client.post("/login", data={"token": console.token})
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/").text)
        assert csrf is not None
        data = {"csrf": csrf.group(1), "leaked": "xxxxx", "label": "OTHER"}
        assert client.post(f"/records/{FAR_ID}/flag", data=data).status_code == 400


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/nowhere", 404),
        ("GET", "/logout", 405),
        ("DELETE", "/", 405),
        ("GET", "/api/stats", 401),
    ],
)
def test_the_servers_own_error_pages_carry_the_security_headers(
    console: Console, method: str, path: str, code: int
) -> None:
    with client_from(console.url) as client:
        response = client.request(method, path)
    assert response.status_code == code
    assert all(name in response.headers for name in SECURITY), dict(response.headers)
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_uvicorn_logs_pass_the_redacting_filter(console: Console) -> None:
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    out = io.StringIO()
    try:
        configure_logging("INFO", extra_filters=(RedactingFilter(),), stream=out)
        make_server(create_app(console.services.admin, console.token, MovableClock()))
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
            logging.getLogger(name).error("peer said alice.w@example.org via %s", name)
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
    text = out.getvalue()
    assert "alice.w@example.org" not in text
    assert text.count("<EMAIL>") == 3, text


ROOT = Path(__file__).resolve().parents[2]


def test_qnabot_admin_web_answers_bad_input_without_a_traceback(tmp_path: Path) -> None:
    token = "an-admin-token-of-thirty-two-chars"
    env = {
        **os.environ,
        "QNABOT_DATA_DIR": str(tmp_path / "data"),
        "QNABOT_ADMIN_WEB_PORT": "0",
        "QNABOT_ADMIN_WEB_TOKEN": token,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "admin", "web"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = re.fullmatch(r"admin console: (http://\S+)/\n", proc.stdout.readline())
        assert url, "no url line"
        auth = {"Authorization": f"Bearer {token}"}
        deadline = time.monotonic() + 20
        while True:
            try:
                far = httpx.get(f"{url.group(1)}/api/records?date_to=9999-12-31", headers=auth)
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        page = httpx.get(f"{url.group(1)}/api/records/{FAR_ID}", headers=auth)
        assert (far.status_code, page.status_code) == (400, 400)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "Traceback" not in err and token not in err, err[-2000:]
