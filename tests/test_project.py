"""Project-level checks: README covers every setting; import contracts hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.settings import Settings, _env_name

ROOT = Path(__file__).resolve().parents[1]


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [_env_name(n) for n in Settings.model_fields if f"`{_env_name(n)}`" not in readme]
    assert missing == []


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


def test_readme_documents_every_bot_command() -> None:
    from bot.handlers import build_registry

    readme = (ROOT / "README.md").read_text()
    missing = [f"/{name}" for name in build_registry().commands if f"`/{name}" not in readme]
    assert missing == []
