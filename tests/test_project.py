"""Project-level checks: the docs cover every setting and command; import contracts hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.settings import Settings, _env_name

ROOT = Path(__file__).resolve().parents[1]


def test_configuration_doc_documents_every_setting() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text()
    missing = [_env_name(n) for n in Settings.model_fields if f"`{_env_name(n)}`" not in doc]
    assert missing == []


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


def test_commands_doc_documents_every_bot_command() -> None:
    from bot.app import build_registry

    doc = (ROOT / "docs" / "commands.md").read_text()
    missing = [f"/{name}" for name in build_registry().commands if f"`/{name}" not in doc]
    assert missing == []


PACKAGES = ("bot", "analysis", "trading", "llm", "privacy")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50


def _sources() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_no_module_over_400_lines_and_no_function_over_50() -> None:
    import ast

    too_long = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(ROOT))
        if text.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}:{node.lineno} {node.name}() {length} lines")
    assert too_long == []
