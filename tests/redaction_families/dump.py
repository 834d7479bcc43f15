"""Show the TUNE half of the families to a detector author; the held-out half stays unseen.

`python -m tests.redaction_families.dump [--misses] [--n N] [--label L]` prints tune-family
records (with `--misses`, only those the redactor leaks) and, for the held-out half, one
aggregate line and nothing else: no family names, no texts.
"""

from __future__ import annotations

import argparse
import json

from tests.redaction_families.compose import generate
from tests.redaction_families.measure import halves, our_redactor, run
from tests.redaction_families.scoring import overall


def main() -> None:
    """Print tune-half records (optionally only misses) and the held-out aggregate."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--misses", action="store_true")
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--label", default="")
    args = ap.parse_args()
    tune, held = halves(generate())
    result = run(tune + held, our_redactor())
    shown = 0
    for rec in tune:
        if args.label and not any(s["label"] == args.label for s in rec["spans"]):
            continue
        out = result.outputs[rec["id"]]
        leaked = any(rec["text"][s["start"] : s["end"]] in out for s in rec["spans"])
        if args.misses and not leaked and not (rec["clean"] and out != rec["text"]):
            continue
        print(
            json.dumps(
                {"family": rec.get("family"), "text": rec["text"], "out": out}, ensure_ascii=False
            )
        )
        shown += 1
        if shown >= args.n:
            break
    for name, part in (("tune", tune), ("held", held)):
        row = overall(part, result.outputs)
        print(f"# {name}: {json.dumps(row)}")


if __name__ == "__main__":
    main()
