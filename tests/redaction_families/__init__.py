"""Our own hard labelled cases for the redactor, in the kit's record format.

Format families per label (compose.FAMILIES; `seen` marks the few baseline shapes the kit's
dev set also has), a transformation suite applied to every label (transforms.suite) and a
self-contained scorer (scoring). Seeded and deterministic; used by tests/privacy and by
benchmarks/redaction.py. Written independently of the kit's generator and of privacy.redact.
"""

from __future__ import annotations

from tests.redaction_families.compose import FAMILIES, LABELS, generate
from tests.redaction_families.transforms import TRANSFORMS, suite

__all__ = ["FAMILIES", "LABELS", "TRANSFORMS", "generate", "suite"]
