"""The docs stay true: generated pages match the code, links resolve, the README stays short."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from bot.cli.docs import (
    GENERATED,
    REGENERATE,
    cell,
    default_text,
    number_text,
    render_configuration,
    see_also,
    stale,
)
from bot.settings import Settings, _env_name

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *DOCS]
# [text](target) and ![alt](target); the target ends at whitespace or ")".
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


@pytest.mark.parametrize("relative", sorted(GENERATED))
def test_generated_doc_is_current(relative: str) -> None:
    committed = (ROOT / relative).read_text(encoding="utf-8")
    assert committed == GENERATED[relative](), f"{relative} is stale: run `{REGENERATE}`"


def test_stale_names_the_file_that_differs(tmp_path: Path) -> None:
    for relative, render in GENERATED.items():
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text(render(), encoding="utf-8")
    assert stale(tmp_path) == []
    edited = tmp_path / "docs/configuration.md"
    edited.write_text(edited.read_text().replace("QNABOT_DATA_DIR", "QNABOT_DATADIR"))
    assert stale(tmp_path) == ["docs/configuration.md"]
    (tmp_path / "docs/commands.md").unlink()
    assert stale(tmp_path) == ["docs/configuration.md", "docs/commands.md"]


def test_configuration_lists_every_setting_with_its_description() -> None:
    doc = (ROOT / "docs/configuration.md").read_text(encoding="utf-8")
    rows = {line.split(" | ")[0].strip("| `"): line for line in doc.splitlines() if "| `" in line}
    for name, info in Settings.model_fields.items():
        row = rows.get(_env_name(name))
        assert row is not None, f"{_env_name(name)} missing from docs/configuration.md"
        assert info.description, f"Settings.{name} has no description"
        assert cell(info.description) in row


def test_configuration_shows_defaults_and_bounds() -> None:
    doc = render_configuration()
    row = next(line for line in doc.splitlines() if line.startswith("| `QNABOT_USER_BURST`"))
    info = Settings.model_fields["user_burst"]
    assert default_text(info.default) in row
    low = next(m.ge for m in info.metadata if hasattr(m, "ge"))
    assert f"≥ {low}" in row


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "*(unset)*"),
        ("", "*(empty)*"),
        ([], "*(empty)*"),
        ([11, 22], "`11,22`"),
        (False, "`false`"),
        (Path("var"), "`var`"),
        (Settings.model_fields["replay_start"].default, "`2024-08-06T00:00:00Z`"),
    ],
)
def test_default_text(value: object, shown: str) -> None:
    assert default_text(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"), [(0, "0"), (20, "20"), (0.5, "0.5"), (1e9, "1,000,000,000"), (3600, "3600")]
)
def test_number_text(value: object, shown: str) -> None:
    assert number_text(value) == shown


def test_see_also_links_pages_naming_the_whole_variable() -> None:
    pages = {"a.md": "see `QNABOT_X_Y`", "b.md": "set QNABOT_X.", "c.md": "QNABOT_X9"}
    assert see_also("QNABOT_X", pages) == "[b](b.md)"


def test_cell_escapes_what_breaks_a_table() -> None:
    assert cell("a | b\n<data_dir>") == "a \\| b \\<data_dir\\>"


def test_commands_doc_lists_every_button_and_phrasing_route() -> None:
    from bot.app import build_registry

    doc = (ROOT / "docs/commands.md").read_text(encoding="utf-8")
    registry = build_registry()
    unrouted = [verb for verb in registry.callbacks if f"| `{verb}` |" not in doc]
    unrouted += [intent.name for intent in registry.intents if f"| `{intent.name}` |" not in doc]
    assert unrouted == []


def _code_spans(page: Path) -> list[str]:
    return re.findall(r"`([^`\n]+)`", FENCE.sub("", page.read_text(encoding="utf-8")))


def _resolves(dotted: str) -> bool:
    """Import the longest module prefix of `a.b.C.d`, then look the rest up as attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_named_in_the_docs_exists(page: Path) -> None:
    dotted = re.compile(r"(?:bot|trading|privacy|llm|analysis)(?:\.\w+)+")
    path = re.compile(r"(?:bot|trading|privacy|llm|analysis|tests|benchmarks|docs)/[\w./-]*")
    missing = [s for s in _code_spans(page) if dotted.fullmatch(s) and not _resolves(s)]
    missing += [s for s in _code_spans(page) if path.fullmatch(s) and not (ROOT / s).exists()]
    assert missing == [], f"{page.name} names code that does not exist"


def _links(page: Path) -> list[str]:
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)  # code spans are not links
    return LINK.findall(text)


def _anchors(page: Path) -> set[str]:
    """GitHub's heading slugs: lower case, punctuation dropped, spaces to hyphens."""
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", text, re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def _broken(page: Path) -> list[str]:
    broken = []
    for target in _links(page):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto: — not ours to check offline
        path_part, _, anchor = target.partition("#")
        dest = (page.parent / path_part).resolve() if path_part else page
        unknown_anchor = anchor and dest.suffix == ".md" and anchor not in _anchors(dest)
        if not dest.exists() or unknown_anchor:
            broken.append(target)
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    assert _broken(page) == [], f"{page.name}: broken links"


def test_readme_is_short_and_links_every_doc() -> None:
    readme = ROOT / "README.md"
    assert len(readme.read_text(encoding="utf-8").splitlines()) <= 150
    linked = {(ROOT / t.partition("#")[0]).resolve() for t in _links(readme)}
    unlinked = [p.name for p in [ROOT / "CONTRIBUTING.md", *DOCS] if p.resolve() not in linked]
    assert unlinked == []


def test_link_checker_sees_broken_links(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# Where it is\n")
    page.write_text(
        "[ok](there.md#where-it-is) [gone](missing.md) [bad anchor](there.md#elsewhere)\n"
        "`[code](nope.md)` [web](https://x.y) ![pic](there.md)\n"
    )
    assert _broken(page) == ["missing.md", "there.md#elsewhere"]
