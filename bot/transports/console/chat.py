"""Terminal chat: stdin lines in, replies out, through the same conversation layer.

A streamed answer (Q&A) is printed once, after it has been checked: the model's text never
appears on screen only to be withdrawn. Inline buttons are shown as numbered choices; typing
the number presses the button, but only while the message that carried them is the latest one
shown: any later message (a reply, a chart, an alert or an order update from the background
jobs) retires them, and the number is then read as text. Images and documents are saved under
<data_dir>/outbox and their path is printed. The periodic jobs (bot.core.jobs: alerts, trades,
retention) run in the background as in the Telegram transport; what they send to this chat's
user is printed here.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.core.conversation import Attachment, Button, ChatKind, Reply, Request
from bot.core.i18n import ENGLISH, language_for, t
from bot.core.incidents import incident_reply
from bot.core.jobs import MonotonicClock, Scheduler
from bot.core.registry import Conversation

PROMPT = "you> "
# Bytes that are not UTF-8 arrive as lone surrogates (the "surrogateescape" error handler).
_UNDECODABLE = re.compile("[\udc80-\udcff]")


@dataclass
class ConsoleSession:
    """State of one terminal chat: the buttons of the latest message, if it had any."""

    conversation: Conversation
    out: TextIO
    user_id: int
    outbox: Path
    choices: list[Button] = field(default_factory=list)
    interactive: bool = False
    language: str = ENGLISH  # QNABOT_CONSOLE_LANGUAGE: what the user reads and writes in

    def request_for(self, line: str) -> Request:
        """Turn a typed line into a Request; a number picks one of the shown buttons."""
        stripped = line.strip()
        if stripped.isdigit() and self.choices and 1 <= int(stripped) <= len(self.choices):
            button = self.choices[int(stripped) - 1]
            return Request(
                user_id=self.user_id,
                chat_id=self.user_id,
                callback_data=button.data,
                language=self.language,
            )
        return Request(
            user_id=self.user_id,
            chat_id=self.user_id,
            chat_kind=ChatKind.PRIVATE,
            text=line,
            language=self.language,
        )

    async def handle_line(self, line: str) -> None:
        """Answer one typed line and print everything the bot says."""
        req = self.request_for(line)
        try:
            responses = await self.conversation.handle(req)
        except Exception as exc:  # the terminal transport's single incident boundary
            responses = [incident_reply(exc, self.language)]
        for response in responses:
            if isinstance(response, Reply):
                self.show(response)
            else:
                # A terminal cannot take a printed line back and the claim check may withdraw
                # the model's text, so only the checked reply is shown: the tokens are left
                # unread (final() generates them itself, without redacting each for display).
                self.show(await response.final(), streamed=True)

    def save(self, item: Attachment) -> Path:
        self.outbox.mkdir(parents=True, exist_ok=True)
        path = self.outbox / Path(item.filename).name
        path.write_bytes(item.content)
        return path

    async def notify(self, chat_id: int, reply: Reply) -> bool:
        """Print what a background job sends to this chat; another chat's message waits."""
        if chat_id != self.user_id:
            return False
        self.out.write("\n" if self.interactive else "")
        self.show(reply)
        if self.interactive:
            self.out.write(PROMPT)
            self.out.flush()
        return True

    def show(self, reply: Reply, *, streamed: bool = False) -> None:
        """Print a reply: toast, text, attachments, numbered buttons.

        A message (text or attachment) replaces the choices: its own buttons, or none.
        """
        if reply.text or reply.image is not None or reply.document is not None:
            self.choices = []
        if reply.toast and not reply.text:
            self.out.write(f"[{reply.toast}]\n")
        if reply.text:
            prefix = "— " if streamed else ""
            self.out.write(f"{prefix}{reply.text}\n")
        for item in (reply.image, reply.document):
            if item is not None:
                caption = f" ({item.caption})" if item.caption else ""
                saved = t(self.language, "core.file_saved", path=self.save(item))
                self.out.write(f"{saved}{caption}\n")
        buttons = [b for row in reply.buttons for b in row]
        if buttons:
            self.choices = buttons
            self.out.write("  ".join(f"[{i}] {b.label}" for i, b in enumerate(buttons, 1)) + "\n")
        self.out.flush()


async def run_console(
    conversation: Conversation,
    inp: TextIO,
    out: TextIO,
    *,
    user_id: int,
    outbox: Path,
    jobs_clock: MonotonicClock = time.monotonic,
    language: str | None = None,
) -> None:
    """Read lines until EOF (or /quit) and answer each one; run the periodic jobs meanwhile."""
    if isinstance(inp, io.TextIOWrapper):  # stdin: a bad byte must not end the chat
        inp.reconfigure(encoding="utf-8", errors="surrogateescape")
    interactive = inp.isatty()
    session = ConsoleSession(
        conversation, out, user_id, outbox, interactive=interactive, language=language_for(language)
    )
    scheduler = Scheduler(conversation, session.notify, started=jobs_clock())
    jobs = asyncio.create_task(scheduler.run_forever(jobs_clock), name="periodic-jobs")
    try:
        await _read_lines(session, inp, out, interactive)
    finally:
        jobs.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await jobs
    out.flush()


async def _read_lines(session: ConsoleSession, inp: TextIO, out: TextIO, interactive: bool) -> None:
    if interactive:
        out.write(t(session.language, "core.console_banner") + "\n")
    while True:
        if interactive:
            out.write(PROMPT)
            out.flush()
        line = await asyncio.to_thread(inp.readline)
        if not line:
            break
        if line.strip() in {"/quit", "/exit"}:
            break
        if _UNDECODABLE.search(line):  # refused, so never passed on (nothing of it is kept)
            out.write(t(session.language, "core.not_utf8") + "\n")
            out.flush()
        elif line.strip():
            await session.handle_line(line.rstrip("\n"))
