"""Canary: a terminal-chat session full of secrets, then search every place data can land.

Runs the real app (migrations, conversation layer, every feature's handlers, the Q&A answerer,
turn hooks, log filter) on SQLite and on PostgreSQL. The model is the scripted ChatModel,
queued with answers that repeat the user's secrets (the worst case for leaks).
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from bot.app import Overrides, Runtime, open_runtime
from bot.console import run_console
from bot.logs import configure_logging
from privacy.logfilter import RedactingFilter
from tests.canaries import make_canaries, secret_messages
from tests.canaries import needles as needles_of
from tests.fakes.scripted_model import ScriptedModel

USER = 424242
OTHER = 515151


def _script(c: dict[str, str]) -> str:
    return "\n".join(
        [
            "/privacy",
            "1",  # press "Opt in"
            *secret_messages(c),
            "",
        ]
    )


def _files_containing(root: Path, needles: list[str]) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            hits += [f"{path.name}: {n[:6]}…" for n in needles if n.encode() in blob]
    return hits


def _rows_containing(engine: Engine, needles: list[str]) -> list[str]:
    hits = []
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        assert {"privacy_finetune", "privacy_audit", "kv_store"} <= set(tables)  # searched all
        for table in tables:
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                blob = " ".join(str(v) for v in row)
                hits += [f"{table}: {n[:6]}…" for n in needles if n in blob]
    return hits


async def _chat(runtime: Runtime, script: str, user: int, data_dir: Path) -> str:
    out = io.StringIO()
    await run_console(
        runtime.conversation, io.StringIO(script), out, user_id=user, outbox=data_dir / "outbox"
    )
    return out.getvalue()


@pytest.fixture
def logged(tmp_path: Path):
    log_file = tmp_path / "data" / "logs" / "qnabot.log"
    handler = configure_logging(
        "DEBUG", "json", extra_filters=(RedactingFilter(),), log_file=log_file
    )
    yield log_file
    logging.getLogger().removeHandler(handler)
    handler.close()


async def test_no_canary_anywhere_and_forget_leaves_nothing(
    make_settings, store: tuple[str, str | None], logged: Path
) -> None:
    url, schema = store
    settings = make_settings(database_url=url, database_schema=schema or "")
    model = ScriptedModel()
    c = make_canaries()
    model.enqueue(*(f"Noted: {value}." for value in c.values()))
    runtime = await open_runtime(settings, overrides=Overrides(chat_model=model))
    try:
        shown = await _chat(runtime, _script(c), USER, settings.data_dir)
        await _chat(runtime, f"my card is {c['card']}\n", OTHER, settings.data_dir)
        # a careless log line and exception are caught by the filter, not by luck
        logging.getLogger("canary").warning("user sent %s", c["key"])
        try:
            raise ValueError(f"bad seed {c['seed']}")
        except ValueError:
            logging.getLogger("canary").exception("failed")
        privacy = runtime.services.privacy
        assert privacy is not None
        export = settings.data_dir / "export.jsonl"
        kept = privacy.export_finetune(export, "operator")
        assert kept >= 5, shown
        assert model.calls and "Noted: " in shown  # the leaky model really answered
        needles = needles_of(c)
        assert _files_containing(settings.data_dir, needles) == []
        assert _rows_containing(runtime.services.engine, needles) == []
        exported = export.read_text()
        assert "<SEED_PHRASE>" in exported and "RSI 14 on BTC/USDT 4h" in exported
        assert privacy.finetune.count() == kept  # OTHER never opted in: nothing of theirs kept

        await _chat(runtime, "/forget\n1\n", USER, settings.data_dir)
        who = privacy.pseudonym(USER)
        ids = [who, str(USER)]
        assert _rows_containing(runtime.services.engine, ids) == []
        assert privacy.audit.verify().ok
    finally:
        await runtime.close()
