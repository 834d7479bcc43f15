"""Admin commands: /audit [N], /stats, /export (QNABOT_ADMIN_IDS only, private chats only).

Each reads through `services.admin` (bot.features.admin.service.AdminService), which records
the view or export in the audit trail under the admin's pseudonym. Texts shown are already redacted.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.core.conversation import Attachment, Handled, Reply, Request
from bot.core.errors import UserError
from bot.core.registry import Access, Command, Registry
from bot.core.services import Services
from bot.features.admin.views import RecordFilter, RecordView

if TYPE_CHECKING:
    pass

AUDIT_DEFAULT = 5
AUDIT_MAX = 20
PREVIEW_CHARS = 300


def parse_count(args: str) -> int:
    """Return N of `/audit [N]` (1..20), or raise UserError with the usage."""
    if not args:
        return AUDIT_DEFAULT
    if not args.isdigit() or not 1 <= int(args) <= AUDIT_MAX:
        raise UserError(f"Usage: /audit [N] with N from 1 to {AUDIT_MAX}.")
    return int(args)


def render_record(record: RecordView) -> str:
    """Render one redacted record for a chat message."""
    labels = ", ".join(record.labels) or "no redactions"
    prompt = record.prompt if len(record.prompt) <= PREVIEW_CHARS else record.prompt[:299] + "…"
    reply = record.reply if len(record.reply) <= PREVIEW_CHARS else record.reply[:299] + "…"
    stamp = record.created_at.strftime("%Y-%m-%d %H:%M")
    return f"#{record.id} {stamp} UTC {record.pseudonym} [{labels}]\nQ: {prompt}\nA: {reply}"


async def cmd_audit(services: Services, req: Request, args: str) -> Handled:
    count = parse_count(args.strip())
    admin = services.admin
    actor = admin.actor_for(req.user_id)
    rows = await asyncio.to_thread(admin.list_records, RecordFilter(limit=count), actor)
    if not rows:
        return Reply(text="No fine-tuning records are kept yet.")
    body = "\n\n".join(render_record(r) for r in rows)
    return Reply(text=f"Latest {len(rows)} redacted records:\n\n{body}"[:4096])


async def cmd_stats(services: Services, req: Request, _args: str) -> Handled:
    admin = services.admin
    stats = await asyncio.to_thread(admin.stats, admin.actor_for(req.user_id))
    lines = [f"{name}: {value}" for name, value in stats.rows()]
    by_label = ", ".join(f"{label} {n}" for label, n in stats.redactions_by_label) or "none"
    lines.append(f"redactions by label: {by_label}")
    dropped = ", ".join(f"{reason} {n}" for reason, n in stats.gate_drops_by_reason) or "none"
    lines.append(f"gate drops by reason: {dropped}")
    return Reply(text="Stats\n" + "\n".join(lines))


async def cmd_export(services: Services, req: Request, _args: str) -> Handled:
    admin = services.admin
    export = await asyncio.to_thread(admin.export, admin.actor_for(req.user_id))
    if export.records == 0:
        return Reply(text="Nothing to export: no fine-tuning records are kept yet.")
    plural = "" if export.records == 1 else "s"
    caption = f"{export.records} redacted record{plural} (JSONL). The export is in the audit trail."
    document = Attachment(export.content, export.filename, caption)
    return Reply(document=document)  # one message: the file with its caption


def register(registry: Registry) -> None:
    """Add the admin commands."""
    registry.command(
        Command(
            "audit",
            "latest redacted fine-tuning records (admins)",
            cmd_audit,
            Access.ADMIN,
            usage="[N]",
        )
    )
    registry.command(
        Command("stats", "usage and redaction counts (admins)", cmd_stats, Access.ADMIN)
    )
    registry.command(
        Command("export", "redacted fine-tuning data as JSONL (admins)", cmd_export, Access.ADMIN)
    )
