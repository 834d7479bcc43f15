"""The command registry and the router over it (`Conversation`).

Features add commands, button callbacks and natural-language intents to a `Registry`;
`Conversation.handle` routes a Request to them, enforces who may use what, turns a UserError
into a short reply and runs the turn hooks once a reply is final.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Generic, TypeVar

from bot.core.conversation import MAX_MESSAGE_CHARS, Handled, Reply, Request, Response, Streamed
from bot.core.errors import UserError
from bot.core.i18n import t
from bot.core.services import Services, TurnHook
from privacy.streaming import redacted_stream

log = logging.getLogger(__name__)


class Access(StrEnum):
    """Who may use a command: anyone (also in groups), private chats only, or admins only."""

    ANYONE = "anyone"
    PRIVATE = "private"
    ADMIN = "admin"


CommandHandler = Callable[[Services, Request, str], Awaitable[Handled]]
CallbackHandler = Callable[[Services, Request, str], Awaitable[Handled]]
# Called after a private chat's message is answered; it may add one more reply (an offer).
Followup = Callable[[Services, Request, Sequence[Response]], Awaitable[Reply | None]]
T = TypeVar("T")


class Refused(UserError):
    """The bot declined the input (too long, not allowed): answered, but never kept."""


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    summary: str
    handler: CommandHandler
    access: Access = Access.ANYONE
    usage: str = ""
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class CallbackRoute:
    verb: str
    handler: CallbackHandler
    access: Access = Access.ANYONE


@dataclass(frozen=True, slots=True)
class Intent(Generic[T]):
    """A deterministic natural-language route: `parse` returns a value or None."""

    name: str
    parse: Callable[[str], T | None]
    handler: Callable[[Services, Request, T], Awaitable[Handled]]
    access: Access = Access.ANYONE


@dataclass
class Registry:
    """Commands, callbacks and intents contributed by the feature modules."""

    commands: dict[str, Command] = field(default_factory=dict)
    callbacks: dict[str, CallbackRoute] = field(default_factory=dict)
    intents: list[Intent[object]] = field(default_factory=list)
    fallback: CommandHandler | None = None
    followups: list[Followup] = field(default_factory=list)

    def command(self, cmd: Command) -> None:
        if cmd.name in self.commands:
            raise ValueError(f"command /{cmd.name} registered twice")
        self.commands[cmd.name] = cmd

    def callback(self, route: CallbackRoute) -> None:
        if route.verb in self.callbacks:
            raise ValueError(f"callback verb {route.verb!r} registered twice")
        self.callbacks[route.verb] = route

    def intent(self, intent: Intent[T]) -> None:
        self.intents.append(intent)  # type: ignore[arg-type]

    def followup(self, followup: Followup) -> None:
        self.followups.append(followup)

    def visible_commands(self, *, admin: bool) -> list[Command]:
        """Return the commands to show in /help and the Telegram menu."""
        return [
            c
            for c in self.commands.values()
            if not c.hidden and (admin or c.access is not Access.ADMIN)
        ]


def split_callback(data: str) -> tuple[str, str]:
    """Split callback data "verb:arg" into its parts; raise UserError when malformed."""
    verb, sep, arg = data.partition(":")
    if not sep or not verb or not verb.isascii() or not verb.replace("_", "").isalnum():
        raise UserError("core.button_invalid")
    return verb, arg


def split_command(text: str) -> tuple[str, str]:
    """Split "/name@bot args" into ("name", "args")."""
    head, _, args = text.strip().partition(" ")
    name = head[1:].split("@", 1)[0].lower()
    return name, args.strip()


def as_list(handled: Handled) -> list[Response]:
    """Normalise what a handler returned to a list of responses."""
    if isinstance(handled, Reply | Streamed):
        return [handled]
    return list(handled)


def shown_redacted(response: Response) -> Response:
    """Let a stream show only redacted, settled text: a model may echo a secret from the
    question before the final check replaces its answer (every transport reads `tokens`)."""
    if isinstance(response, Streamed):
        return Streamed(redacted_stream(response.tokens), response.final)
    return response


def _observed_final(
    final: Callable[[], Awaitable[Reply]], req: Request, hooks: Sequence[TurnHook]
) -> Callable[[], Awaitable[Reply]]:
    async def wrapped() -> Reply:
        reply = await final()
        for hook in hooks:
            await hook(req, reply.text)
        return reply

    return wrapped


def _said(req: Request, key: str, /, **fields: object) -> Reply:
    """Reply with a catalog entry in the request's language."""
    return Reply(text=t(req.lang, key, **fields))


class Conversation:
    """Routes requests to feature handlers and enforces access rules."""

    def __init__(self, registry: Registry, services: Services) -> None:
        self.registry = registry
        self.services = services

    async def handle(self, req: Request) -> list[Response]:
        """Answer one request; a UserError becomes a short reply, never a crash."""
        req = self.services.prefs.resolve(req)  # the user's /lang and /tz, else Telegram's
        try:
            responses = await self._route(req)
        except UserError as err:
            said = err.render(req.lang)
            responses = [Reply(text=said, toast=said[:190] if req.callback_data else None)]
            if isinstance(err, Refused):  # no turn hook sees refused input: none of it is kept
                return responses
        responses = [shown_redacted(r) for r in responses]
        observed = req.callback_data is None and req.text.strip() and responses
        if observed and self.services.turn_hooks:
            responses = await self._observe(req, responses)
        if observed and req.is_private:  # after the hooks: an offer is no part of the turn
            responses += await self._followed(req, responses)
        return responses

    async def _followed(self, req: Request, responses: list[Response]) -> list[Response]:
        extra: list[Response] = []
        for followup in self.registry.followups:
            reply = await followup(self.services, req, responses)
            if reply is not None:
                extra.append(reply)
        return extra

    async def _observe(self, req: Request, responses: list[Response]) -> list[Response]:
        """Run the turn hooks once the reply text is final (after streaming, if any)."""
        hooks = self.services.turn_hooks
        streamed = [r for r in responses if isinstance(r, Streamed)]
        if not streamed:
            text = "\n".join(r.text for r in responses if isinstance(r, Reply))
            for hook in hooks:
                await hook(req, text)
            return responses
        out: list[Response] = []
        for response in responses:
            if isinstance(response, Streamed):
                out.append(Streamed(response.tokens, _observed_final(response.final, req, hooks)))
            else:
                out.append(response)
        return out

    def _denied(self, access: Access, req: Request) -> str | None:
        if access is Access.ADMIN and req.user_id not in self.services.settings.admin_ids:
            return "core.admins_only"
        if access in (Access.PRIVATE, Access.ADMIN) and not req.is_private:
            return "core.private_only"
        return None

    async def _route(self, req: Request) -> list[Response]:
        if req.callback_data is not None:
            return await self._on_callback(req)
        text = req.text.strip()
        if not text:
            return [] if not req.is_private else [_said(req, "core.send_help")]
        if len(text) > MAX_MESSAGE_CHARS:
            raise Refused("core.too_long", length=len(text), limit=MAX_MESSAGE_CHARS)
        if text.startswith("/"):
            return await self._on_command(req, text)
        if not req.addressed:
            return []
        for intent in self.registry.intents:
            parsed = intent.parse(text)
            if parsed is not None:
                denied = self._denied(intent.access, req)
                if denied:
                    raise Refused(denied)
                return as_list(await intent.handler(self.services, req, parsed))
        if self.registry.fallback is not None:
            return as_list(await self.registry.fallback(self.services, req, text))
        return [_said(req, "core.not_understood")]

    async def _on_command(self, req: Request, text: str) -> list[Response]:
        name, args = split_command(text)
        cmd = self.registry.commands.get(name)
        if cmd is None:
            if not req.addressed:
                return []
            return [_said(req, "core.unknown_command", name=name[:32])]
        denied = self._denied(cmd.access, req)
        if denied:
            raise Refused(denied)
        log.info("command name=%s", cmd.name)
        return as_list(await cmd.handler(self.services, req, args))

    async def _on_callback(self, req: Request) -> list[Response]:
        verb, arg = split_callback(req.callback_data or "")
        route = self.registry.callbacks.get(verb)
        if route is None:
            raise UserError("core.button_invalid")
        denied = self._denied(route.access, req)
        if denied:
            return [Reply(toast=t(req.lang, denied))]
        log.info("callback verb=%s", verb)
        return as_list(await route.handler(self.services, req, arg))
