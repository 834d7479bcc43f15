"""Privacy commands: /privacy (fine-tuning consent), /forget (erase, after confirmation),
/mydata (what is stored)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from bot.core.conversation import Button, Handled, Reply, Request
from bot.core.errors import UserError
from bot.core.registry import Access, CallbackRoute, Command, Registry
from bot.core.services import Services, UserDataOwner

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)
FORGET_CONFIRM_S = 300

CONSENT_ON = (
    "Fine-tuning consent: ON. Your messages and my replies are kept on this machine, with "
    "names, numbers, addresses, keys and balances removed, to improve the model."
)
CONSENT_OFF = "Fine-tuning consent: OFF (the default). Nothing you write is kept for training."
FORGET_ASK = (
    "This erases everything I store about you: consent, kept conversation turns, alerts, "
    "trade proposals, exchange keys and settings. It cannot be undone. Erase it?"
)


def _consent_reply(on: bool, *, edit: bool = False, toast: str | None = None) -> Reply:
    button = Button("Turn off", "privacy:off") if on else Button("Opt in", "privacy:on")
    return Reply(
        text=CONSENT_ON if on else CONSENT_OFF, buttons=((button,),), edit_origin=edit, toast=toast
    )


async def cmd_privacy(services: Services, req: Request, _args: str) -> Handled:
    return _consent_reply(services.privacy.has_consent(req.user_id))


async def on_privacy(services: Services, req: Request, arg: str) -> Handled:
    if arg not in ("on", "off"):
        raise UserError("That button is not valid any more.")
    on = services.privacy.set_consent(req.user_id, arg == "on")
    return _consent_reply(on, edit=True, toast="Consent saved.")


FORGET_WHAT = (
    "/forget erases everything I store about you: consent, kept conversation turns, alerts, "
    "watches, trade proposals, exchange keys and settings. It asks you to confirm with a button "
    "first. Send /forget on its own to start."
)
FORGET_WHAT_JA = (
    "/forget は、私が保存しているあなたのデータ（同意、保存された会話、アラート、ウォッチ、"
    "取引の提案、取引所のAPIキー、設定）をすべて消去します。消去の前にボタンで確認します。"
    "始めるには /forget だけを送ってください。"
)
_QUESTION = re.compile(r"[?？]\s*$|何|どう|\bwhat\b|\bhow\b", re.IGNORECASE)


async def cmd_forget(services: Services, req: Request, args: str) -> Handled:
    if _QUESTION.search(args):  # "/forget は何をする？" asks about it, it does not start it
        japanese = any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in args)
        return Reply(text=FORGET_WHAT_JA if japanese else FORGET_WHAT)
    stamp = int(services.clock().timestamp())
    buttons = ((Button("Erase everything", f"forget:{stamp}"), Button("Cancel", "forget:no")),)
    return Reply(text=FORGET_ASK, buttons=buttons)


def _owners_in_order(services: Services) -> list[UserDataOwner]:
    # The privacy owner goes last: it records the erasure in the audit trail.
    owners = [o for o in services.user_data_owners if o is not services.privacy]
    return owners + [o for o in services.user_data_owners if o is services.privacy]


async def on_forget(services: Services, req: Request, arg: str) -> Handled:
    if arg == "no":
        return Reply(text="Cancelled. Nothing was erased.", edit_origin=True, toast="Cancelled.")
    if not arg.isdigit():
        raise UserError("That button is not valid any more.")
    age = services.clock().timestamp() - int(arg)
    if not 0 <= age <= FORGET_CONFIRM_S:
        return Reply(text="That confirmation expired. Send /forget again.", edit_origin=True)
    total = 0
    for owner in _owners_in_order(services):
        total += await owner.forget_user(req.user_id)
    log.info("user erased owners=%d rows=%d", len(services.user_data_owners), total)
    return Reply(
        text=f"Done: everything I stored about you is erased ({total} records).",
        edit_origin=True,
        toast="Erased.",
    )


async def cmd_mydata(services: Services, req: Request, _args: str) -> Handled:
    lines = ["What I store about you:"]
    for owner in services.user_data_owners:
        described = await owner.describe_user(req.user_id) or ["nothing stored."]
        lines += [f"• {owner.name}: {line}" for line in described]
    lines.append("Send /forget to erase it, /privacy to change fine-tuning consent.")
    return Reply(text="\n".join(lines))


def register(registry: Registry) -> None:
    """Add /privacy, /forget, /mydata and their buttons."""
    registry.command(
        Command("privacy", "fine-tuning consent (default off)", cmd_privacy, Access.PRIVATE)
    )
    registry.command(
        Command("forget", "erase everything stored about you", cmd_forget, Access.PRIVATE)
    )
    registry.command(Command("mydata", "show what is stored about you", cmd_mydata, Access.PRIVATE))
    registry.callback(CallbackRoute("privacy", on_privacy, Access.PRIVATE))
    registry.callback(CallbackRoute("forget", on_forget, Access.PRIVATE))
