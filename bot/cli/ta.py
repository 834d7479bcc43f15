"""CLI commands of the TA feature: `qnabot indicators INPUT.csv -o OUTPUT.csv`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import typer_app

app = typer_app("Technical analysis from the command line.")


@app.command()
def indicators(
    input_csv: Annotated[
        Path, typer.Argument(help="Candles CSV: timestamp,open,high,low,close,volume")
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Where to write the indicators CSV")
    ],
) -> None:
    """Write `timestamp` plus one column per indicator (names as in the TA-Lib reference)."""
    import pandas as pd

    from analysis import AnalysisError, indicator_table

    try:
        frame = pd.read_csv(input_csv)
    except (OSError, ValueError) as err:
        typer.echo(f"qnabot: cannot read {input_csv}: {type(err).__name__}", err=True)
        raise typer.Exit(code=2) from None
    try:
        table = indicator_table(frame)
    except AnalysisError as err:
        typer.echo(f"qnabot: {input_csv}: {err}", err=True)
        raise typer.Exit(code=2) from None
    table.to_csv(output, index=False, float_format="%.15g", na_rep="")
    typer.echo(f"wrote {len(table)} rows x {len(table.columns) - 1} indicators to {output}")
