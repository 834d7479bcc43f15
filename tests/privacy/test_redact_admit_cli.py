"""`qnabot redact --admit`: every output line says whether the gate keeps it; same order, also
with worker processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_qnabot

# The gate is stricter than the redactor by design: six words of a list are not a mnemonic
# (nothing to redact) but may be part of one; sixteen small integers may be key bytes.
LINES = [
    ("clean", "BTC at 67,250.5 on 2024-06-13, RSI 14 on the 4h", True),
    ("email", "mail me at bob@mail.org", True),  # redacted: a placeholder is fine
    ("words", "words: legal winner thank year wave sausage", False),
    ("ints", "levels " + " ".join(str(i) for i in range(1, 17)), False),
]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_admit_flag_adds_the_gate_verdict_in_order(tmp_path: Path, jobs: str) -> None:
    docs = [{"id": f"{name}-{n}", "text": text} for n in range(150) for name, text, _ in LINES]
    stdin = "".join(json.dumps(d) + "\n" for d in docs)
    done = run_qnabot(tmp_path, "redact", "--admit", "-j", jobs, stdin=stdin)
    assert done.returncode == 0, done.stderr
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["id"] for o in out] == [d["id"] for d in docs]
    verdicts = {name: ok for name, _, ok in LINES}
    assert all(o["admitted"] is verdicts[o["id"].split("-")[0]] for o in out)
    assert set(out[0]) == {"id", "redacted_text", "spans", "admitted"}


def test_without_the_flag_lines_have_no_verdict(tmp_path: Path) -> None:
    done = run_qnabot(tmp_path, "redact", stdin='{"id": 1, "text": "hello"}\n')
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"id": 1, "redacted_text": "hello", "spans": []}


def test_a_line_that_is_not_utf8_is_reported_and_skipped(tmp_path: Path) -> None:
    stdin = (
        b'{"id": 1, "text": "mail bob@mail.org"}\n'
        b'{"id": 2, "text": "caf\xe9 \xff"}\n'
        b'{"id": 3, "text": "hello"}\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "redact"],
        input=stdin,
        capture_output=True,
        env={**os.environ, "QNABOT_DATA_DIR": str(tmp_path)},
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == [1, 3]
    assert b"record 2:" in done.stderr and b"Traceback" not in done.stderr
