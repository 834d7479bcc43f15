"""Settings: defaults, env parsing, and one clear line naming a bad setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.errors import ConfigError
from bot.settings import LlmBackend, Settings, check_model_file, load_settings
from tests.conftest import run_qnabot


def test_defaults_are_local_and_paper(tmp_path: Path) -> None:
    s = load_settings(data_dir=tmp_path)
    assert s.resolved_database_url == f"sqlite:///{tmp_path / 'qnabot.db'}"
    assert s.trading_mode.value == "paper"
    assert s.live_trading_enabled is False
    assert s.resolved_model_path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"


def test_env_lists_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QNABOT_ADMIN_IDS", "11, 22")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    s = Settings()
    assert s.admin_ids == [11, 22]
    assert s.telegram_bot_token is not None
    assert s.telegram_bot_token.get_secret_value() == "123:abc"


@pytest.mark.parametrize(
    ("overrides", "setting"),
    [
        ({"exchange_id": "not-an-exchange"}, "QNABOT_EXCHANGE_ID"),
        ({"database_url": "mysql://x/y"}, "QNABOT_DATABASE_URL"),
        ({"database_url": "::nonsense::"}, "QNABOT_DATABASE_URL"),
        ({"trading_mode": "live"}, "QNABOT_TRADING_MODE"),
        ({"proposal_ttl_s": 1}, "QNABOT_PROPOSAL_TTL_S"),
        ({"log_level": "LOUD"}, "QNABOT_LOG_LEVEL"),
    ],
)
def test_bad_setting_names_the_setting(overrides: dict[str, object], setting: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(**overrides)
    assert info.value.setting == setting
    assert str(info.value).startswith(f"{setting}: ")


def test_missing_model_file_is_a_config_error(tmp_path: Path) -> None:
    s = load_settings(data_dir=tmp_path, llm_backend=LlmBackend.LLAMA_CPP)
    with pytest.raises(ConfigError, match="QNABOT_MODEL_PATH"):
        check_model_file(s)


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"QNABOT_EXCHANGE_ID": "nowhere"}, "QNABOT_EXCHANGE_ID"),
        ({"QNABOT_DATABASE_URL": "oracle://db"}, "QNABOT_DATABASE_URL"),
        ({"QNABOT_MODEL_PATH": "/nonexistent/model.gguf"}, "QNABOT_MODEL_PATH"),
    ],
)
def test_cli_prints_one_line_and_exits_nonzero(
    tmp_path: Path, env: dict[str, str], setting: str
) -> None:
    proc = run_qnabot(tmp_path, "chat", stdin="/help\n", env=env)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert setting in lines[0]
    assert "Traceback" not in proc.stderr
