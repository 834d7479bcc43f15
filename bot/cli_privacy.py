"""Privacy CLI: `qnabot redact` (streaming JSONL filter), `qnabot admin export-finetune`,
`qnabot admin verify-audit`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from bot.cli import _guard, _settings, admin_app, app

if TYPE_CHECKING:
    from bot.services import Services
    from privacy import PrivacyService

OPERATOR_ACTOR = "operator"


def redact_stream(inp: TextIO, out: TextIO, err: TextIO) -> tuple[int, int]:
    """Redact `{"id","text"}` lines to `{"id","redacted_text","spans"}`; return (ok, bad)."""
    from privacy import redact

    ok = bad = 0
    for number, line in enumerate(inp, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
            text = doc["text"]
            if not isinstance(text, str):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            bad += 1
            err.write(f'line {number}: expected a JSON object with a string "text"; skipped\n')
            continue
        result = redact(text)
        spans = [{"start": s.start, "end": s.end, "label": s.label.value} for s in result.spans]
        record = {"id": doc.get("id"), "redacted_text": result.text, "spans": spans}
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        ok += 1
    return ok, bad


@app.command("redact")
def redact_cmd() -> None:
    """Redact JSONL from stdin ({"id","text"}) to stdout ({"id","redacted_text","spans"})."""
    _, bad = redact_stream(sys.stdin, sys.stdout, sys.stderr)
    sys.stdout.flush()
    if bad:
        raise typer.Exit(code=1)


def _open_privacy() -> tuple[Services, PrivacyService]:
    from bot.app import build_services

    settings = _settings()
    services = _guard(lambda: build_services(settings))
    if services.privacy is None:  # build_services always builds it; keep mypy honest
        services.engine.dispose()
        raise typer.Exit(code=2)
    return services, services.privacy


@admin_app.command("export-finetune")
def export_finetune(
    output: Annotated[Path, typer.Option("-o", "--output", help="JSONL file to write.")],
) -> None:
    """Export the redacted fine-tuning log (chat format); the export is audited."""
    services, privacy = _open_privacy()
    try:
        n = privacy.export_finetune(output, OPERATOR_ACTOR)
    finally:
        services.engine.dispose()
    typer.echo(f"exported {n} records to {output}")


@admin_app.command("verify-audit")
def verify_audit() -> None:
    """Check the audit trail's hash chain; exit 1 and name the first broken record."""
    services, privacy = _open_privacy()
    try:
        result = privacy.audit.verify()
    finally:
        services.engine.dispose()
    if result.ok:
        typer.echo(f"audit trail OK: {result.checked} records verified")
        return
    typer.echo(
        f"audit trail BROKEN at record {result.first_broken}: {result.reason} "
        f"({result.checked} records before it verified)",
        err=True,
    )
    raise typer.Exit(code=1)
