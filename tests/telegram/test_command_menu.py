"""The Telegram command menu per language: a catalog-key summary is rendered in the menu's
language, any other summary is shown as written, and Telegram's 256-character limit holds."""

from __future__ import annotations

from bot.core.conversation import Handled, Reply, Request
from bot.core.registry import Access, Command, Registry
from bot.core.services import Services
from bot.transports.telegram.application import MENU_LANGUAGES, command_menu, described


async def _answer(_s: Services, _r: Request, _a: str) -> Handled:
    return Reply(text="ok")


def test_a_catalog_key_is_rendered_and_any_other_summary_shown_as_written() -> None:
    assert described("help.cmd.help", "en") == "list the commands"
    assert described("help.cmd.help", "ja") == "コマンドの一覧を表示"
    assert described("list the commands", "ja") == "list the commands"
    assert described("Help.cmd", "ja") == "Help.cmd"  # not key-shaped: not looked up


def test_the_default_menu_is_english_and_japanese_has_its_own() -> None:
    assert MENU_LANGUAGES == ((None, "en"), ("ja", "ja"))


def test_menu_lists_visible_commands_with_descriptions_within_telegrams_limit() -> None:
    registry = Registry()
    registry.command(Command("help", "help.cmd.help", _answer))
    registry.command(Command("long", "x" * 300, _answer))
    registry.command(Command("secret", "hidden one", _answer, hidden=True))
    registry.command(Command("stats", "admins' numbers", _answer, access=Access.ADMIN))
    ja = command_menu(registry, "ja", admin=False)
    assert (ja[0].command, ja[0].description) == ("help", "コマンドの一覧を表示")
    assert [c.command for c in ja] == ["help", "long"]
    assert len(ja[1].description) == 256 and ja[1].description.endswith("…")
    assert [c.command for c in command_menu(registry, "en", admin=True)] == [
        "help",
        "long",
        "stats",
    ]
