"""Canary: a terminal-chat session full of secrets, then search every place data can land.

Runs the real app (migrations, conversation layer, every feature's handlers, the Q&A answerer,
turn hooks, log filter) on SQLite and on PostgreSQL. The model is the scripted ChatModel,
queued with answers that repeat the user's secrets (the worst case for leaks).
"""

from __future__ import annotations

import io
import logging
import random
import secrets
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, text

from bot.app import Overrides, Runtime, open_runtime
from bot.core.logs import configure_logging
from bot.transports.console import run_console
from privacy.logfilter import RedactingFilter
from tests.canaries import make_canaries, secret_messages
from tests.canaries import needles as needles_of
from tests.fakes.scripted_model import ScriptedModel
from tests.redaction_families.chain import mnemonic
from tests.redaction_families.money import card, iban

USER = 424242
OTHER = 515151


def obfuscated_canaries() -> dict[str, str]:
    """Fresh secrets written the ways that slipped through before (issue 12), random per run."""
    rng = random.Random(secrets.randbits(64))
    number = card(rng, "5", 16)
    words = mnemonic(rng).split()
    split = [f"{w[:2]} {w[2:]}" if len(w) > 4 else w for w in mnemonic(rng).split()]
    key = rng.randbytes(32).hex()
    account = iban(rng)
    return {
        "zw_card": "\u200b".join(number[i : i + 4] for i in range(0, 16, 4)),
        "slash_seed": "/".join(words),
        "grouped_key": " ".join(key[i : i + 4] for i in range(0, 64, 4)),
        "iban": " ".join(account[i : i + 4] for i in range(0, len(account), 4)).lower(),
        "split_seed": " ".join(split),
    }


def obfuscated_needles(o: dict[str, str]) -> list[str]:
    """The obfuscated canaries and their plain fragments (a partial or normalised leak counts)."""
    digits = o["zw_card"].replace("\u200b", "")
    words = o["slash_seed"].split("/")
    key = o["grouped_key"].replace(" ", "")
    compact = o["iban"].replace(" ", "")
    split_words = o["split_seed"].split()
    return [
        *o.values(),
        digits,
        digits[-8:],
        "/".join(words[4:8]),
        " ".join(words[4:8]),
        o["grouped_key"][20:45],
        key[16:48],
        compact,
        compact.upper(),
        o["iban"][5:19],
        " ".join(split_words[4:9]),
    ]


def obfuscated_messages(o: dict[str, str]) -> list[str]:
    """A user's messages carrying the obfuscated canaries."""
    return [
        f"backup words {o['slash_seed']} ok?",
        f"charge my card {o['zw_card']} please",
        f"copied it like this {o['grouped_key']} is that fine?",
        f"my iban is {o['iban']}",
        f"my phrase (typed fast) {o['split_seed']}",
    ]


def _script(c: dict[str, str], o: dict[str, str]) -> str:
    return "\n".join(
        [
            "/privacy",
            "1",  # press "Opt in"
            "/watch BTC above 1000000 buy 0.001",  # a watch rule: /forget must erase it too
            *secret_messages(c),
            *obfuscated_messages(o),
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
    c, o = make_canaries(), obfuscated_canaries()
    model.enqueue(*(f"Noted: {value}." for value in [*c.values(), *o.values()]))
    runtime = await open_runtime(settings, overrides=Overrides(chat_model=model))
    try:
        shown = await _chat(runtime, _script(c, o), USER, settings.data_dir)
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
        # the leaky model really answered; its "Noted: <secret>" says nothing the notes say, so
        # the claim check withdrew it and the terminal, printing only checked replies, never
        # showed it (issue 16)
        assert model.calls and sum(runtime.services.answers.rejections.values()) > 0
        assert "Noted: " not in shown
        needles = needles_of(c) + obfuscated_needles(o)
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
