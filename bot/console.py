"""Terminal chat: stdin lines in, replies out, through the same conversation layer.

Inline buttons are shown as numbered choices; typing the number presses the button.
Images and documents are saved under <data_dir>/outbox and their path is printed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.conversation import Attachment, Button, ChatKind, Conversation, Reply, Request
from bot.incidents import incident_reply

PROMPT = "you> "


@dataclass
class ConsoleSession:
    """State of one terminal chat: the numbered buttons currently on screen."""

    conversation: Conversation
    out: TextIO
    user_id: int
    outbox: Path
    choices: list[Button] = field(default_factory=list)

    def request_for(self, line: str) -> Request:
        """Turn a typed line into a Request; a number picks one of the shown buttons."""
        stripped = line.strip()
        if stripped.isdigit() and self.choices and 1 <= int(stripped) <= len(self.choices):
            button = self.choices[int(stripped) - 1]
            return Request(user_id=self.user_id, chat_id=self.user_id, callback_data=button.data)
        return Request(
            user_id=self.user_id, chat_id=self.user_id, chat_kind=ChatKind.PRIVATE, text=line
        )

    async def handle_line(self, line: str) -> None:
        """Answer one typed line and print everything the bot says."""
        req = self.request_for(line)
        try:
            responses = await self.conversation.handle(req)
        except Exception as exc:  # the terminal transport's single incident boundary
            responses = [incident_reply(exc)]
        for response in responses:
            if isinstance(response, Reply):
                self.show(response)
            else:
                await self.show_stream(response.tokens)
                final = await response.final()
                self.show(final, streamed=True)

    async def show_stream(self, tokens: object) -> None:
        async for token in tokens:  # type: ignore[attr-defined]
            self.out.write(token)
            self.out.flush()
        self.out.write("\n")

    def save(self, item: Attachment) -> Path:
        self.outbox.mkdir(parents=True, exist_ok=True)
        path = self.outbox / Path(item.filename).name
        path.write_bytes(item.content)
        return path

    def show(self, reply: Reply, *, streamed: bool = False) -> None:
        """Print a reply: toast, text, attachments, numbered buttons."""
        if reply.toast and not reply.text:
            self.out.write(f"[{reply.toast}]\n")
        if reply.text:
            prefix = "— " if streamed else ""
            self.out.write(f"{prefix}{reply.text}\n")
        for item in (reply.image, reply.document):
            if item is not None:
                caption = f" ({item.caption})" if item.caption else ""
                self.out.write(f"[file saved: {self.save(item)}]{caption}\n")
        buttons = [b for row in reply.buttons for b in row]
        if buttons:
            self.choices = buttons
            self.out.write("  ".join(f"[{i}] {b.label}" for i, b in enumerate(buttons, 1)) + "\n")
        self.out.flush()


async def run_console(
    conversation: Conversation, inp: TextIO, out: TextIO, *, user_id: int, outbox: Path
) -> None:
    """Read lines until EOF (or /quit) and answer each one."""
    session = ConsoleSession(conversation, out, user_id, outbox)
    interactive = inp.isatty()
    if interactive:
        out.write("qnabot terminal chat — /help for commands, Ctrl-D to quit.\n")
    while True:
        if interactive:
            out.write(PROMPT)
            out.flush()
        line = await asyncio.to_thread(inp.readline)
        if not line:
            break
        if line.strip() in {"/quit", "/exit"}:
            break
        if line.strip():
            await session.handle_line(line.rstrip("\n"))
    out.flush()
