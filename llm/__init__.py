"""Local language-model backends, knowledge base and grounding."""

from __future__ import annotations
