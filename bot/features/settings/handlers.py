"""Settings commands: /lang (answer language), /tz (time zone) and the Japan time offer.

A Japanese reader whose zone is still UTC is offered Japan time once (a button; the offer is
recorded so it is never repeated): with /lang ja, with /tz, or after the first reply to any
private message that carries no buttons of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.core.conversation import Handled, Reply, Request, Response
from bot.core.errors import UserError
from bot.core.i18n import JAPANESE
from bot.core.registry import CallbackRoute, Command, Registry
from bot.core.services import Services
from bot.features.settings import render
from bot.features.settings.parse import parse_language, parse_zone

log = logging.getLogger(__name__)


def _offer_claimed(services: Services, user_id: int) -> bool:
    """Return True when Japan time should be offered now (and record that it was)."""
    prefs = services.prefs.get(user_id)
    if prefs.zone is not None or prefs.zone_offered:
        return False
    return services.prefs.claim_zone_offer(user_id)


def _with_offer(services: Services, req: Request, reply: Reply) -> Reply:
    if not req.is_private or req.lang != JAPANESE or not _offer_claimed(services, req.user_id):
        return reply
    log.info("japan time offered")
    text = "\n\n".join((reply.text, render.japan_time_offer()))
    return Reply(text=text, buttons=render.japan_time_button())


async def cmd_lang(services: Services, req: Request, args: str) -> Handled:
    if not args.strip():
        chosen = services.prefs.get(req.user_id).language is not None
        return Reply(text=render.language_now(req.lang, chosen=chosen))
    language = parse_language(args)
    if language is None:
        raise UserError("settings.lang.bad")
    services.prefs.set_language(req.user_id, language)
    log.info("language chosen language=%s", language)
    reply = Reply(text=render.language_saved(language))
    return _with_offer(services, services.prefs.resolve(req), reply)


async def cmd_tz(services: Services, req: Request, args: str) -> Handled:
    now = services.clock()
    if not args.strip():
        zone = services.prefs.get(req.user_id).zone
        return _with_offer(services, req, Reply(text=render.zone_now(req.lang, zone, now)))
    zone = parse_zone(args)
    if zone is None:
        raise UserError("settings.tz.bad")
    services.prefs.set_zone(req.user_id, zone)
    log.info("zone chosen")
    return Reply(text=render.zone_saved(req.lang, zone, now))


async def on_tz(services: Services, req: Request, arg: str) -> Handled:
    zone = parse_zone(arg)
    if zone is None:
        raise UserError("core.button_invalid")
    services.prefs.set_zone(req.user_id, zone)
    text = render.zone_saved(req.lang, zone, services.clock())
    return Reply(text=text, edit_origin=True, toast=render.zone_saved_toast(req.lang))


async def offer_japan_time(
    services: Services, req: Request, responses: Sequence[Response]
) -> Reply | None:
    """After a reply to a Japanese reader, offer Japan time once (never over other buttons)."""
    if services.prefs.resolve(req).lang != JAPANESE:  # fresh: /lang en may have just run
        return None
    if any(isinstance(r, Reply) and r.buttons for r in responses):
        return None  # the reply's own buttons stay the ones to press
    if not _offer_claimed(services, req.user_id):
        return None
    log.info("japan time offered")
    return Reply(text=render.japan_time_offer(), buttons=render.japan_time_button())


def register(registry: Registry) -> None:
    """Add /lang, /tz, the Japan time button and its one-time offer."""
    lang_usage, tz_usage = "settings.cmd.lang_usage", "settings.cmd.tz_usage"
    registry.command(Command("lang", "settings.cmd.lang", cmd_lang, usage=lang_usage))
    registry.command(Command("tz", "settings.cmd.tz", cmd_tz, usage=tz_usage))
    registry.callback(CallbackRoute("tz", on_tz))
    registry.followup(offer_japan_time)
