"""QNABOT_CONSOLE_LANGUAGE: the terminal chat speaks the configured language until /lang."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.errors import ConfigError
from bot.settings import ConsoleLanguage, load_settings
from tests.conftest import run_qnabot


def test_console_language_defaults_to_english_and_refuses_others(tmp_path: Path) -> None:
    assert load_settings(data_dir=tmp_path).console_language is ConsoleLanguage.EN
    assert load_settings(data_dir=tmp_path, console_language="ja").console_language == "ja"
    with pytest.raises(ConfigError) as err:
        load_settings(data_dir=tmp_path, console_language="fr")
    assert err.value.setting == "QNABOT_CONSOLE_LANGUAGE"


def test_terminal_chat_speaks_the_configured_language_until_lang(tmp_path: Path) -> None:
    env = {"QNABOT_LLM_BACKEND": "extractive", "QNABOT_CONSOLE_LANGUAGE": "ja"}
    proc = run_qnabot(tmp_path, "chat", stdin="/lang\n/lang en\n/lang\n", env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    assert "現在は日本語でお答えしています（アプリの言語設定に合わせています）。" in out
    assert "日本時間" in out  # a Japanese user with no zone is offered Japan time
    assert "Done: I will answer you in English from now on." in out
    assert "I answer you in English (your /lang choice)." in out
    (tmp_path / "en").mkdir()
    english = run_qnabot(
        tmp_path / "en", "chat", stdin="/lang\n", env={"QNABOT_LLM_BACKEND": "extractive"}
    )
    assert "I answer you in English (your app's language setting)." in english.stdout
