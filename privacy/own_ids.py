"""Ids we mint ourselves (incidents, trade proposals), in a shape the log filter keeps.

A random hex id looks like a key to the redactor, so the log filter used to replace most of
them with `<API_KEY>` and the id a user was shown could not be found in the log. Every id
minted here carries a fixed prefix; `OWN_ID_RE` matches exactly these shapes, nothing else.
"""

from __future__ import annotations

import re
import secrets

INCIDENT_PREFIX = "inc-"
PROPOSAL_PREFIX = "prop-"
INCIDENT_HEX = 8
PROPOSAL_HEX = 11  # "prop-" + 11 = 16 characters, the width of the proposal id column

OWN_ID_RE = re.compile(
    rf"(?<![\w-])(?:{INCIDENT_PREFIX}[0-9a-f]{{{INCIDENT_HEX}}}"
    rf"|{PROPOSAL_PREFIX}[0-9a-f]{{{PROPOSAL_HEX}}})(?![\w-])"
)
MODEL_FILE_RE = re.compile(r"(?<![\w.+-])[\w.+-]+\.gguf(?![\w.+-])")  # a model's file name


def _hex(n: int) -> str:
    return secrets.token_hex((n + 1) // 2)[:n]


def new_incident_id() -> str:
    """Return a fresh incident id (`inc-` and 8 hex digits)."""
    return INCIDENT_PREFIX + _hex(INCIDENT_HEX)


def new_proposal_id() -> str:
    """Return a fresh trade proposal id (`prop-` and 11 hex digits, 16 characters)."""
    return PROPOSAL_PREFIX + _hex(PROPOSAL_HEX)
