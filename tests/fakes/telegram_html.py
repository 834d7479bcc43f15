"""Telegram's HTML parse mode, parsed as strictly as the real Bot API parses it."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip


class BadRequest(Exception):
    """Answer the call with {"ok": false, "error_code": code, "description": ...}."""

    def __init__(self, description: str, code: int = 400, **extra: Any) -> None:
        super().__init__(description)
        self.code = code
        self.extra = extra


class _EntityParser(HTMLParser):
    """Parse Telegram's HTML subset strictly; collect the plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise BadRequest(f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise BadRequest(f'Bad Request: can\'t parse entities: Unexpected end tag "{tag}"')

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def parse_html(text: str) -> str:
    """Return the plain text of Telegram-HTML `text`; raise BadRequest like Telegram does."""
    # Telegram rejects a bare '<' or '&' that does not start a tag or an entity.
    for match in re.finditer(r"&", text):
        if not re.match(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);", text[match.start() :]):
            raise BadRequest(
                "Bad Request: can't parse entities: Can't find end of the entity starting at "
                f"byte offset {match.start()}"
            )
    for match in re.finditer(r"<", text):
        if not re.match(r"</?[a-z][a-z-]*(\s[^<>]*)?>", text[match.start() :]):
            raise BadRequest(
                "Bad Request: can't parse entities: Unsupported start tag at byte offset "
                f"{match.start()}"
            )
    parser = _EntityParser()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise BadRequest(f'Bad Request: can\'t parse entities: unclosed tag "{parser.stack[-1]}"')
    return html.unescape("".join(parser.parts))
