"""Every redaction miss an admin flagged (tests/data/redaction_regressions.jsonl) stays fixed.

How a case gets here: flagging a record in the admin console (or via AdminService.flag)
appends a case to QNABOT_REDACTION_REGRESSIONS_FILE with the private part replaced by a random
stand-in of the same shape (privacy.review). Once the redactor is fixed, the maintainer moves
the case into this file; from then on this test fails if the miss comes back. The first
cases are synthetic examples of the format.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from privacy import redact
from privacy.review import read_cases

FILE = Path(__file__).resolve().parents[1] / "data" / "redaction_regressions.jsonl"
CASES = read_cases(FILE)


def test_the_regression_file_has_cases() -> None:
    assert len(CASES) >= 5


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c.label}" for i, c in enumerate(CASES)])
def test_flagged_miss_is_redacted_now(case) -> None:  # type: ignore[no-untyped-def]
    result = redact(case.text)
    for start, end in case.spans:
        assert case.text[start:end] not in result.text
    assert case.label in {s.label.value for s in result.spans} or case.label == "OTHER"
