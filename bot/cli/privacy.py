"""Privacy CLI: `qnabot redact` (streaming JSONL filter), `qnabot admin export-finetune`,
`qnabot admin verify-audit`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO

import typer

from bot.cli.common import guard, settings_or_exit, typer_app

if TYPE_CHECKING:
    from bot.core.services import Services
    from privacy import PrivacyService

OPERATOR_ACTOR = "operator"
app = typer_app("Redaction filter.")
admin_app = typer_app("Fine-tuning export and audit verification.")


def redact_line(line: str | bytes, admit: bool = False) -> str | None:
    """Return the output JSON line for one input line, or None when it is malformed.

    Bytes are decoded as UTF-8; a line that is not valid UTF-8 is malformed (never guessed at).
    With `admit`, the line also says whether the admission gate would keep the redacted text.
    """
    from privacy import redact

    try:
        doc = json.loads(line.decode("utf-8") if isinstance(line, bytes) else line)
        text = doc["text"]
        if not isinstance(text, str):
            raise TypeError
    except (ValueError, KeyError, TypeError):  # UnicodeDecodeError is a ValueError
        return None
    result = redact(text)
    spans = [{"start": s.start, "end": s.end, "label": s.label.value} for s in result.spans]
    record = {"id": doc.get("id"), "redacted_text": result.text, "spans": spans}
    if admit:
        from privacy.gate import admit as gate

        record["admitted"] = gate(result.text).admitted
    return json.dumps(record, ensure_ascii=False)


def redact_stream(
    inp: Iterable[str | bytes], out: TextIO, err: TextIO, jobs: int = 1, admit: bool = False
) -> tuple[int, int]:
    """Redact `{"id","text"}` lines to `{"id","redacted_text","spans"[,"admitted"]}`; return
    (ok, bad).

    Streams in order with constant memory; `jobs` > 1 spreads lines over worker processes.
    """
    lines = (line for line in inp if line.strip())
    one = partial(redact_line, admit=admit)
    ok = bad = 0
    if jobs > 1:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            ok, bad = _write(pool.imap(one, lines, chunksize=256), out, err)
    else:
        ok, bad = _write(map(one, lines), out, err)
    return ok, bad


def _write(results: Iterator[str | None], out: TextIO, err: TextIO) -> tuple[int, int]:
    ok = bad = 0
    for number, result in enumerate(results, 1):
        if result is None:
            bad += 1
            err.write(
                f'record {number}: expected a JSON object with a string "text" in UTF-8; skipped\n'
            )
            continue
        out.write(result + "\n")
        ok += 1
    return ok, bad


@app.command("redact")
def redact_cmd(
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="worker processes")] = 1,
    admit: Annotated[
        bool, typer.Option("--admit", help='add "admitted": whether the fine-tuning gate keeps it')
    ] = False,
) -> None:
    """Redact JSONL from stdin ({"id","text"}) to stdout ({"id","redacted_text","spans"})."""
    _, bad = redact_stream(sys.stdin.buffer, sys.stdout, sys.stderr, jobs, admit)
    sys.stdout.flush()
    if bad:
        raise typer.Exit(code=1)


def _open_privacy() -> tuple[Services, PrivacyService]:
    from bot.app import build_services

    settings = settings_or_exit()
    services = guard(lambda: build_services(settings))
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
    """Check the audit trail (both ends, links, MACs, erasures); exit 1 naming the first problem."""
    services, privacy = _open_privacy()
    try:
        result = privacy.audit.verify()
    finally:
        services.engine.dispose()
    if result.ok:
        typer.echo(f"audit trail {result.summary}")
        return
    typer.echo(f"audit trail {result.summary}", err=True)
    raise typer.Exit(code=1)
