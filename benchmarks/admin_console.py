"""Admin paths with a realistic volume: 10,000 kept records, 2,000 audit entries (each page
view appends one more, so the trail grows during the run).

Measured over real HTTP against the real console server (uvicorn) on SQLite, plus the
Telegram admin commands through the conversation layer. Targets: every page p95 ≤ 200 ms,
the audit page (verifies the whole hash chain) p95 ≤ 500 ms, export of 10,000 records ≤ 2 s,
/audit and /stats commands p95 ≤ 200 ms.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.report import print_table, summary_ms, timed, write_json
from bot.app import build_services, open_runtime
from bot.core.conversation import Request
from bot.settings import load_settings
from bot.transports.web.server import create_app
from privacy import redact
from tests.admin.harness import serving

RECORDS = 10_000
AUDIT_ENTRIES = 2_000
RUNS = 30
ADMIN = 7
TARGETS_MS = {"page": 200.0, "audit page": 500.0, "export": 2000.0, "command": 200.0}
TEMPLATES = [
    ("mail me at ana.{i}@example.com about BTC", "Noted."),
    ("my card 4111 1111 1111 1111 was charged twice", "Sorry to hear."),
    ("what is RSI {i} on ETH/USDT 1h?", "RSI measures momentum."),
    ("call +44 7700 900{i:03d} tomorrow", "Will do."),
    ("send to 0x52908400098527886E0F7030069857D2E4169EE7", "Address noted."),
]


def populate(data_dir: Path) -> None:
    settings = load_settings(data_dir=data_dir, llm_backend="extractive", admin_ids=[ADMIN])
    services = build_services(settings)
    privacy = services.privacy
    assert privacy is not None
    pre = [(redact(u.format(i=i)), redact(a)) for i, (u, a) in enumerate(TEMPLATES)]
    for n in range(RECORDS):
        user, reply = pre[n % len(pre)]
        privacy.finetune.append(f"u_{n % 40:016x}", user, reply)
    for n in range(AUDIT_ENTRIES):
        privacy.audit.record("u_0000000000000001", "view", f"seed {n}")
    services.engine.dispose()


def http_rows(data_dir: Path) -> list[dict[str, object]]:
    settings = load_settings(data_dir=data_dir, llm_backend="extractive", admin_ids=[ADMIN])
    services = build_services(settings)
    assert services.admin is not None
    token = "benchmark-token-0123456789"
    rows: list[dict[str, object]] = []
    with serving(create_app(services.admin, token, services.clock)) as url:
        client = httpx.Client(base_url=url, timeout=30)
        client.post("/login", data={"token": token})
        page = client.get("/").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf is not None
        form = {"csrf": csrf[1]}
        checks = [
            ("GET / (50 of 10k records)", "page", lambda: client.get("/")),
            ("GET /?label=EMAIL", "page", lambda: client.get("/?label=EMAIL")),
            ("GET /?pseudonym=…", "page", lambda: client.get(f"/?pseudonym=u_{3:016x}")),
            ("GET /records/5000", "page", lambda: client.get("/records/5000")),
            ("GET /stats", "page", lambda: client.get("/stats")),
            ("GET /audit (verify chain)", "audit page", lambda: client.get("/audit")),
            ("POST /export (10k)", "export", lambda: client.post("/export", data=form)),
        ]
        for name, kind, call in checks:
            runs = 5 if kind == "export" else RUNS
            rows.append(row(name, kind, timed(call, runs, warmup=False)))
        client.close()
    services.engine.dispose()
    return rows


def row(name: str, kind: str, samples: list[float]) -> dict[str, object]:
    stats = summary_ms(samples)
    target = TARGETS_MS[kind]
    return {
        "path": name,
        "p50_ms": stats["p50_ms"],
        "p95_ms": stats["p95_ms"],
        "target_ms": target,
        "ok": stats["p95_ms"] <= target,
    }


async def command_rows(data_dir: Path) -> list[dict[str, object]]:
    settings = load_settings(data_dir=data_dir, llm_backend="extractive", admin_ids=[ADMIN])
    runtime = await open_runtime(settings)
    rows = []
    try:
        for text in ("/audit 5", "/stats"):
            samples = []
            for _ in range(RUNS):
                start = time.perf_counter()
                await runtime.conversation.handle(Request(user_id=ADMIN, chat_id=ADMIN, text=text))
                samples.append(time.perf_counter() - start)
            rows.append(row(f"Telegram {text}", "command", samples))
    finally:
        await runtime.close()
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        start = time.perf_counter()
        populate(data_dir)
        print(
            f"populated {RECORDS} records and {AUDIT_ENTRIES} audit entries in "
            f"{time.perf_counter() - start:.1f} s"
        )
        rows = http_rows(data_dir) + asyncio.run(command_rows(data_dir))
    print_table("admin console and commands (SQLite, 10k records, 2k+ audit entries)", rows)
    write_json(
        "admin_console",
        {"records": RECORDS, "audit_entries": AUDIT_ENTRIES, "runs": RUNS, "rows": rows},
    )


if __name__ == "__main__":
    main()
