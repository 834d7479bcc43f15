"""The admin console in real headless Chromium against the real server and database.

The database holds a consenting user's session full of secrets (tests/admin/conftest.py);
the tests log in, filter, open records, export, flag, and crawl every page and API response
for the secrets.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import Session

from privacy import redact
from privacy.models import AuditRow
from privacy.review import read_cases
from tests.admin.conftest import LEAK, Console
from tests.admin.harness import chromium

ROOT = Path(__file__).resolve().parents[2]
# the docs' picture is refreshed only on request, so a test run leaves the checkout unchanged
SCREENSHOT_ENV = "QNABOT_REFRESH_SCREENSHOT"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


@pytest.fixture
def page(browser: Any, console: Console) -> Iterator[Any]:
    """A logged-in tab."""
    tab = browser.new_page()
    tab.goto(f"{console.url}/login")
    tab.fill("#token", console.token)
    tab.click("#login")
    tab.wait_for_url(f"{console.url}/")
    try:
        yield tab
    finally:
        tab.close()


def rows(tab: Any) -> list[list[str]]:
    cells = tab.locator("#records tbody tr").all()
    return [[c.inner_text() for c in row.locator("td").all()] for row in cells]


def leaks(body: str, needles: list[str]) -> list[str]:
    return [n[:6] + "…" for n in needles if n in body]


def test_wrong_token_is_refused(browser: Any, console: Console) -> None:
    tab = browser.new_page()
    try:
        tab.goto(f"{console.url}/")
        assert tab.url == f"{console.url}/login"  # not logged in: sent to the login page
        tab.fill("#token", console.token[:-1] + ("x" if console.token[-1] != "x" else "y"))
        with tab.expect_response(f"{console.url}/login") as answer:
            tab.click("#login")
        assert answer.value.status == 401
        assert tab.inner_text("#error") == "Wrong token."
        assert tab.context.cookies(console.url) == []
        tab.goto(f"{console.url}/stats")
        assert tab.url == f"{console.url}/login"
    finally:
        tab.close()
    for headers in ({}, {"Authorization": "Bearer not-the-token"}):
        response = httpx.get(f"{console.url}/api/records", headers=headers)
        assert response.status_code == 401
        assert "records" not in response.json()


def test_login_list_filter_and_open_a_record(page: Any, console: Console) -> None:
    assert page.title() == "Records · qnabot admin"
    shown = rows(page)
    assert len(shown) == console.kept >= 4  # the consenting user's kept turns; OTHER's none
    pseudonym = console.services.privacy.pseudonym(424242)
    assert {r[2] for r in shown} == {pseudonym}

    page.select_option("#label", "EMAIL")
    page.click("#apply")
    page.wait_for_url("**label=EMAIL**")
    filtered = rows(page)
    assert len(filtered) == 1 and "EMAIL" in filtered[0][3] and "<EMAIL>" in filtered[0][4]

    page.goto(f"{console.url}/?pseudonym=u_0000000000000000")
    assert page.inner_text("#records tbody") == "No records match."
    page.goto(f"{console.url}/?date_from=2000-01-01&date_to=2000-01-02")
    assert page.inner_text("#records tbody") == "No records match."

    page.goto(f"{console.url}/?label=CREDIT_CARD")
    page.click(".record-link")
    page.wait_for_url("**/records/*")
    assert page.inner_text("#prompt") == "charge my card <CREDIT_CARD> for the subscription"
    assert page.inner_text("#reply").strip()  # whatever the bot answered, redacted


def test_export_downloads_the_redacted_jsonl_and_is_audited(page: Any, console: Console) -> None:
    before = console.services.privacy.audit.count()
    with page.expect_download() as download:
        page.click("#export")
    body = Path(download.value.path()).read_text()
    lines = [json.loads(line) for line in body.splitlines()]
    assert len(lines) == console.services.privacy.finetune.count()
    assert all([m["role"] for m in doc["messages"]] == ["user", "assistant"] for doc in lines)
    assert leaks(body, console.needles) == []
    assert "<SEED_PHRASE>" in body
    latest = console.services.privacy.audit.records(limit=1)[0]
    assert latest.action == "export" and latest.actor == "web-console"
    assert latest.detail == f"finetune export: {len(lines)} records"
    assert console.services.privacy.audit.count() == before + 1


def test_no_page_or_api_response_contains_a_canary(
    page: Any, console: Console, tmp_path: Path
) -> None:
    page.goto(f"{console.url}/")
    shot = (
        ROOT / "docs" / "admin-console.png"
        if os.environ.get(SCREENSHOT_ENV)
        else tmp_path / "c.png"
    )
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    ids = [int(r[0]) for r in rows(page)]
    paths = ["/", "/stats", "/audit", *(f"/records/{i}" for i in ids)]
    paths += [f"/?label={label}" for label in console.services.admin.labels()]
    visited = []
    for path in paths:
        response = page.goto(f"{console.url}{path}")
        assert response.status == 200, path
        visited.append((path, page.content()))
    auth = {"Authorization": f"Bearer {console.token}"}
    api = ["/api/records", "/api/stats", "/api/audit", *(f"/api/records/{i}" for i in ids)]
    for path in api:
        response = httpx.get(f"{console.url}{path}", headers=auth)
        assert response.status_code == 200, path
        visited.append((path, response.text))
    found = {path: leaks(body, console.needles) for path, body in visited}
    assert {p: hit for p, hit in found.items() if hit} == {}
    assert len(visited) == len(paths) + len(api) >= 2 * 7 + 5


def test_statistics_and_audit_pages(page: Any, console: Console) -> None:
    page.goto(f"{console.url}/stats")
    stats = dict(
        (row.locator("th").inner_text(), row.locator("td").inner_text())
        for row in page.locator("#stats tr").all()
    )
    assert stats["consented users"] == "1"
    assert stats["messages kept"] == str(console.services.privacy.finetune.count())
    assert stats["users"] == "2"  # the consenting user and the one who opted out again
    assert stats["proposals"] == "0"
    bars = page.locator("#by-label svg.chart g.bar title").all_text_contents()
    counts = console.services.privacy.finetune.counts_by_label()
    assert bars == [f"{label}: {n}" for label, n in counts.items()]
    days = page.locator("#by-day svg.chart g.bar title").all_text_contents()
    assert len(days) == 14 and days[-1].startswith(console.services.clock().date().isoformat())
    assert sum(int(d.rsplit(": ", 1)[1]) for d in days) == console.services.privacy.finetune.count()
    page.goto(f"{console.url}/audit")
    assert page.inner_text("#verification").startswith("Hash chain verified")
    actions = page.locator("#audit tbody tr td:nth-child(4)").all_inner_texts()
    assert actions[0] == "view"  # this very page view is on the trail
    assert {"view", "consent_change"} <= set(actions)


def test_flag_removes_the_record_from_exports_and_adds_a_safe_regression_case(
    page: Any, console: Console
) -> None:
    privacy = console.services.privacy
    leaky = [r for r in privacy.finetune.records() if LEAK in r.chat_json()]
    assert len(leaky) == 1
    record_id = leaky[0].id
    page.goto(f"{console.url}/records/{record_id}")
    page.fill("#leaked", "not in this record")
    page.click("#flag")
    assert page.inner_text("#error") == "That text does not appear in this record; copy it exactly."
    assert privacy.finetune.get(record_id) is not None

    page.fill("#leaked", LEAK)
    page.select_option("#flag-label", "PASSWORD")
    page.click("#flag")
    page.wait_for_url(f"**/?flagged={record_id}")
    assert page.inner_text("#notice").startswith(f"Record {record_id} flagged")
    assert privacy.finetune.get(record_id) is None
    assert str(record_id) not in [r[0] for r in rows(page)]
    with page.expect_download() as download:
        page.click("#export")
    assert LEAK not in Path(download.value.path()).read_text()
    assert page.goto(f"{console.url}/records/{record_id}").status == 404

    assert LEAK not in console.regressions.read_text()
    (case,) = read_cases(console.regressions)
    assert case.label == "PASSWORD" and case.spans
    start, end = case.spans[0]
    stand_in = case.text[start:end]
    assert len(stand_in) == len(LEAK) and stand_in != LEAK
    assert stand_in in redact(case.text).text  # the case still reproduces the miss
    flag = privacy.audit.records(action="flag", limit=1)[0]
    assert flag.detail == f"record {record_id} flagged: PASSWORD"


def test_a_tampered_audit_trail_shows_as_broken(page: Any, console: Console) -> None:
    engine = console.services.engine
    with Session(engine) as session:
        session.exec(update(AuditRow).where(AuditRow.seq == 2).values(detail="edited"))
        session.commit()
    try:
        page.goto(f"{console.url}/audit")
        status = page.inner_text("#verification")
        assert status.startswith("Hash chain BROKEN") and "record 2" in status
        report = httpx.get(
            f"{console.url}/api/audit", headers={"Authorization": f"Bearer {console.token}"}
        ).json()["status"]
        assert report["ok"] is False and report["checked"] == 1
    finally:
        assert console.services.privacy.audit.verify().ok is False
