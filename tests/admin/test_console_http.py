"""The console over plain HTTP: headers, CSRF, bearer API, the `qnabot admin web` command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.admin.conftest import Console

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def logged_in(console: Console) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=console.url, follow_redirects=False) as client:
        response = client.post("/login", data={"token": console.token})
        assert response.status_code == 303 and response.headers["location"] == "/"
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        yield client


def test_pages_carry_strict_security_headers(console: Console) -> None:
    with logged_in(console) as client:
        response = client.get("/")
    assert response.status_code == 200
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
    assert "<script" not in response.text


def test_export_and_flag_need_the_session_csrf_token(console: Console) -> None:
    with logged_in(console) as client:
        page = client.get("/").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf is not None
        assert client.post("/export", data={"csrf": "forged"}).status_code == 403
        flag = client.post("/records/1/flag", data={"leaked": "x" * 5, "csrf": "forged"})
        assert flag.status_code == 403
        assert console.services.privacy.finetune.get(1) is not None
        export = client.post("/export", data={"csrf": csrf.group(1)})
        assert export.status_code == 200
        assert export.headers["content-disposition"].startswith("attachment; filename=")
        assert len(export.text.splitlines()) == console.services.privacy.finetune.count()
        client.post("/logout")
        assert client.get("/").headers["location"] == "/login"


def test_api_with_bearer_token_and_malformed_input(console: Console) -> None:
    auth = {"Authorization": f"Bearer {console.token}"}
    with httpx.Client(base_url=console.url, headers=auth) as client:
        records = client.get("/api/records", params={"label": "EMAIL"}).json()["records"]
        assert [r["labels"] for r in records] == [["EMAIL", "PHONE"]]
        assert client.get("/api/records/999999").status_code == 404
        assert client.get("/api/records/abc").status_code == 404
        odd = client.get("/api/records", params={"page": "x"})
        assert odd.status_code == 200  # a malformed page is page 1, not a crash
        assert len(odd.json()["records"]) == console.services.privacy.finetune.count()
        bad_date = client.get("/api/records", params={"date_from": "yesterday"})
        assert bad_date.status_code == 400  # a date filter is never silently dropped


def test_qnabot_admin_web_binds_loopback_and_prints_a_login_token(tmp_path: Path) -> None:
    env = {**os.environ, "QNABOT_DATA_DIR": str(tmp_path / "data"), "QNABOT_ADMIN_WEB_PORT": "0"}
    env.pop("QNABOT_ADMIN_WEB_TOKEN", None)
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
        url_line = proc.stdout.readline()
        token_line = proc.stdout.readline()
        url = re.fullmatch(r"admin console: (http://127\.0\.0\.1:\d+)/\n", url_line)
        token = re.fullmatch(r"login token \(valid until this process stops\): (\S+)\n", token_line)
        assert url and token, (url_line, token_line)
        deadline = time.monotonic() + 20
        while True:
            try:
                refused = httpx.post(f"{url.group(1)}/login", data={"token": "wrong" * 5})
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert refused.status_code == 401
        ok = httpx.post(f"{url.group(1)}/login", data={"token": token.group(1)})
        assert ok.status_code == 303
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_pages_of_records_keep_the_filters(console: Console) -> None:
    with logged_in(console) as client:
        first = client.get("/", params={"label": "EMAIL", "pseudonym": "u_&x"}).text
        assert 'id="older"' not in first and 'id="newer"' not in first
        second = client.get("/", params={"label": "EMAIL", "page": "2"}).text
    newer = re.search(r'href="\?([^"]+)" id="newer"', second)
    assert newer is not None
    assert newer.group(1).replace("&amp;", "&").endswith("label=EMAIL&pseudonym=&page=1")
