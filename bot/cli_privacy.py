"""Privacy CLI: `qnabot redact` (streaming JSONL filter), `qnabot admin export-finetune`,
`qnabot admin verify-audit`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from bot.cli import _guard, _settings, admin_app, app

if TYPE_CHECKING:
    from bot.services import Services
    from privacy import PrivacyService

OPERATOR_ACTOR = "operator"


def redact_line(line: str) -> str | None:
    """Return the output JSON line for one input line, or None when it is malformed."""
    from privacy import redact

    try:
        doc = json.loads(line)
        text = doc["text"]
        if not isinstance(text, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return None
    result = redact(text)
    spans = [{"start": s.start, "end": s.end, "label": s.label.value} for s in result.spans]
    record = {"id": doc.get("id"), "redacted_text": result.text, "spans": spans}
    return json.dumps(record, ensure_ascii=False)


def redact_stream(inp: TextIO, out: TextIO, err: TextIO, jobs: int = 1) -> tuple[int, int]:
    """Redact `{"id","text"}` lines to `{"id","redacted_text","spans"}`; return (ok, bad).

    Streams in order with constant memory; `jobs` > 1 spreads lines over worker processes.
    """
    lines = (line for line in inp if line.strip())
    ok = bad = 0
    if jobs > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            ok, bad = _write(pool.imap(redact_line, lines, chunksize=256), out, err)
    else:
        ok, bad = _write(map(redact_line, lines), out, err)
    return ok, bad


def _write(results: Iterator[str | None], out: TextIO, err: TextIO) -> tuple[int, int]:
    ok = bad = 0
    for number, result in enumerate(results, 1):
        if result is None:
            bad += 1
            err.write(f'record {number}: expected a JSON object with a string "text"; skipped\n')
            continue
        out.write(result + "\n")
        ok += 1
    return ok, bad


@app.command("redact")
def redact_cmd(
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="worker processes")] = 1,
) -> None:
    """Redact JSONL from stdin ({"id","text"}) to stdout ({"id","redacted_text","spans"})."""
    _, bad = redact_stream(sys.stdin, sys.stdout, sys.stderr, jobs)
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
