"""Local language-model backends, knowledge base and grounding.

Public surface: the ChatModel protocol and its values (ports), the backends (llama.cpp,
OpenAI-compatible HTTP, extractive), ModelGate (fair sharing with timeouts), KnowledgeBase,
prompt building and the grounding check.
"""

from __future__ import annotations

from llm.claims import ClaimVerdict, Definition, Evidence, Rejection, check_claims
from llm.errors import LlmError, ModelBusy, ModelFailed, ModelTimeout, ModelUnavailable
from llm.extractive import ExtractiveModel
from llm.gate import ModelGate
from llm.grounding import MAJOR_TICKERS, Grounding, check, informative_words
from llm.knowledge import Entry, Hit, KnowledgeBase
from llm.ports import ChatModel, Fact, Generation, Message, Role
from llm.prompts import build_messages, language_of, read_context
from llm.safety import safety_entries

__all__ = [
    "MAJOR_TICKERS",
    "ChatModel",
    "ClaimVerdict",
    "Definition",
    "Entry",
    "Evidence",
    "ExtractiveModel",
    "Fact",
    "Generation",
    "Grounding",
    "Hit",
    "KnowledgeBase",
    "LlmError",
    "Message",
    "ModelBusy",
    "ModelFailed",
    "ModelGate",
    "ModelTimeout",
    "ModelUnavailable",
    "Rejection",
    "Role",
    "build_messages",
    "check",
    "check_claims",
    "informative_words",
    "language_of",
    "read_context",
    "safety_entries",
]
