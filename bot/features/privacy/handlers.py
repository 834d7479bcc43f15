"""Privacy commands: /privacy (fine-tuning consent), /forget (erase, after confirmation),
/mydata (what is stored)."""

from __future__ import annotations

import logging
import re

from bot.core.conversation import Button, Handled, Reply, Request
from bot.core.errors import UserError
from bot.core.formats import number
from bot.core.i18n import JAPANESE, t
from bot.core.registry import Access, CallbackRoute, Command, Registry
from bot.core.services import Services, UserDataOwner
from bot.features.privacy.stored import owner_name, stored_line
from llm import language_of

log = logging.getLogger(__name__)
FORGET_CONFIRM_S = 300


def _consent_reply(lang: str, on: bool, *, edit: bool = False, toast: str | None = None) -> Reply:
    if on:
        button = Button(t(lang, "privacy.button.turn_off"), "privacy:off")
    else:
        button = Button(t(lang, "privacy.button.opt_in"), "privacy:on")
    text = t(lang, "privacy.consent_on" if on else "privacy.consent_off")
    return Reply(text=text, buttons=((button,),), edit_origin=edit, toast=toast)


async def cmd_privacy(services: Services, req: Request, _args: str) -> Handled:
    return _consent_reply(req.lang, services.privacy.has_consent(req.user_id))


async def on_privacy(services: Services, req: Request, arg: str) -> Handled:
    if arg not in ("on", "off"):
        raise UserError("core.button_invalid")
    on = services.privacy.set_consent(req.user_id, arg == "on")
    return _consent_reply(req.lang, on, edit=True, toast=t(req.lang, "privacy.consent_saved"))


_QUESTION = re.compile(r"[?？]\s*$|何|どう|\bwhat\b|\bhow\b", re.IGNORECASE)


async def cmd_forget(services: Services, req: Request, args: str) -> Handled:
    if _QUESTION.search(args):  # "/forget は何をする？" asks about it, it does not start it
        asked_in = JAPANESE if language_of(args) == JAPANESE else req.lang
        return Reply(text=t(asked_in, "privacy.forget_what"))
    stamp = int(services.clock().timestamp())
    erase = Button(t(req.lang, "privacy.button.erase"), f"forget:{stamp}")
    cancel = Button(t(req.lang, "privacy.button.cancel"), "forget:no")
    return Reply(text=t(req.lang, "privacy.forget_ask"), buttons=((erase, cancel),))


def _owners_in_order(services: Services) -> list[UserDataOwner]:
    # The privacy owner goes last: it records the erasure in the audit trail.
    owners = [o for o in services.user_data_owners if o is not services.privacy]
    return owners + [o for o in services.user_data_owners if o is services.privacy]


async def on_forget(services: Services, req: Request, arg: str) -> Handled:
    lang = req.lang
    if arg == "no":
        toast = t(lang, "privacy.forget_cancelled_toast")
        return Reply(text=t(lang, "privacy.forget_cancelled"), edit_origin=True, toast=toast)
    if not arg.isdigit():
        raise UserError("core.button_invalid")
    age = services.clock().timestamp() - int(arg)
    if not 0 <= age <= FORGET_CONFIRM_S:
        return Reply(text=t(lang, "privacy.forget_expired"), edit_origin=True)
    total = 0
    for owner in _owners_in_order(services):
        total += await owner.forget_user(req.user_id)
    log.info("user erased owners=%d rows=%d", len(services.user_data_owners), total)
    return Reply(
        text=t(lang, "privacy.forget_done", count=number(total, lang)),
        edit_origin=True,
        toast=t(lang, "privacy.forget_done_toast"),
    )


async def cmd_mydata(services: Services, req: Request, _args: str) -> Handled:
    lang = req.lang
    lines = [t(lang, "privacy.mydata_title")]
    for owner in services.user_data_owners:
        name = owner_name(owner.name, lang)
        described = [stored_line(item, lang) for item in await owner.describe_user(req.user_id)]
        for line in described or [t(lang, "privacy.mydata_nothing")]:
            lines.append(t(lang, "privacy.mydata_line", owner=name, line=line))
    lines.append(t(lang, "privacy.mydata_footer"))
    return Reply(text="\n".join(lines))


def register(registry: Registry) -> None:
    """Add /privacy, /forget, /mydata and their buttons."""
    registry.command(Command("privacy", "privacy.cmd.privacy", cmd_privacy, Access.PRIVATE))
    registry.command(Command("forget", "privacy.cmd.forget", cmd_forget, Access.PRIVATE))
    registry.command(Command("mydata", "privacy.cmd.mydata", cmd_mydata, Access.PRIVATE))
    registry.callback(CallbackRoute("privacy", on_privacy, Access.PRIVATE))
    registry.callback(CallbackRoute("forget", on_forget, Access.PRIVATE))
