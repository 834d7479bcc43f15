"""Admin commands: /audit [N], /stats, /export (QNABOT_ADMIN_IDS only, private chats only).

Each reads through `services.admin` (bot.features.admin.service.AdminService), which records
the view or export in the audit trail under the admin's pseudonym. Texts shown are already redacted.
"""

from __future__ import annotations

import asyncio

from bot.core.conversation import MAX_MESSAGE_CHARS, Attachment, Handled, Reply, Request
from bot.core.errors import UserError
from bot.core.formats import number, when
from bot.core.i18n import ENGLISH, t
from bot.core.registry import Access, Command, Registry
from bot.core.services import Services
from bot.features.admin.views import RecordFilter, RecordView

AUDIT_DEFAULT = 5
AUDIT_MAX = 20
PREVIEW_CHARS = 300


def parse_count(args: str) -> int:
    """Return N of `/audit [N]` (1..20), or raise UserError with the usage."""
    if not args:
        return AUDIT_DEFAULT
    if not args.isdigit() or not 1 <= int(args) <= AUDIT_MAX:
        raise UserError("admin.audit_usage", max=AUDIT_MAX)
    return int(args)


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def render_record(record: RecordView, language: str = ENGLISH, zone: str | None = None) -> str:
    """Render one redacted record for a chat message."""
    sep = t(language, "admin.list_sep")
    labels = sep.join(record.labels) or t(language, "admin.record_no_labels")
    return t(
        language,
        "admin.record",
        id=record.id,
        at=when(record.created_at, language, zone),
        pseudonym=record.pseudonym,
        labels=labels,
        prompt=_preview(record.prompt),
        reply=_preview(record.reply),
    )


async def cmd_audit(services: Services, req: Request, args: str) -> Handled:
    count = parse_count(args.strip())
    admin = services.admin
    actor = admin.actor_for(req.user_id)
    rows = await asyncio.to_thread(admin.list_records, RecordFilter(limit=count), actor)
    if not rows:
        return Reply(text=t(req.lang, "admin.audit_empty"))
    body = "\n\n".join(render_record(r, req.lang, req.zone) for r in rows)
    title = t(req.lang, "admin.audit_title", count=number(len(rows), req.lang))
    return Reply(text=f"{title}\n\n{body}"[:MAX_MESSAGE_CHARS])


def _counted(pairs: tuple[tuple[str, int], ...], language: str) -> str:
    sep = t(language, "admin.list_sep")
    shown = sep.join(f"{name} {number(n, language)}" for name, n in pairs)
    return shown or t(language, "admin.stats_none")


async def cmd_stats(services: Services, req: Request, _args: str) -> Handled:
    admin = services.admin
    stats = await asyncio.to_thread(admin.stats, admin.actor_for(req.user_id))
    lang = req.lang
    lines = [t(lang, "admin.stats_title")]
    lines += [t(lang, "admin.stats_line", name=n, value=v) for n, v in stats.rows(lang)]
    lines.append(t(lang, "admin.stats_by_label", items=_counted(stats.redactions_by_label, lang)))
    lines.append(t(lang, "admin.stats_by_reason", items=_counted(stats.gate_drops_by_reason, lang)))
    return Reply(text="\n".join(lines))


async def cmd_export(services: Services, req: Request, _args: str) -> Handled:
    admin = services.admin
    export = await asyncio.to_thread(admin.export, admin.actor_for(req.user_id))
    if export.records == 0:
        return Reply(text=t(req.lang, "admin.export_empty"))
    key = "admin.export_caption_one" if export.records == 1 else "admin.export_caption_many"
    caption = t(req.lang, key, count=number(export.records, req.lang))
    document = Attachment(export.content, export.filename, caption)
    return Reply(document=document)  # one message: the file with its caption


def register(registry: Registry) -> None:
    """Add the admin commands."""
    registry.command(
        Command(
            "audit",
            "admin.cmd.audit",
            cmd_audit,
            Access.ADMIN,
            usage="admin.cmd.audit.usage",
        )
    )
    registry.command(Command("stats", "admin.cmd.stats", cmd_stats, Access.ADMIN))
    registry.command(Command("export", "admin.cmd.export", cmd_export, Access.ADMIN))
