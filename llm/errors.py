"""Errors of the llm package. Every one means "no model answer this time": the caller answers
from the retrieved knowledge instead and tells the user why in one short line.

- ModelUnavailable: the model cannot be used at all (file missing/corrupt, server unreachable);
  retrying soon will not help, the operator must fix the configuration.
- ModelTimeout: generation took longer than the configured timeout; the model was stopped.
- ModelBusy: too many questions are waiting for the shared model; ask again in a moment.
- ModelFailed: the backend answered with an error (bad response, server error).
"""

from __future__ import annotations


class LlmError(Exception):
    """Base of every error raised by a ChatModel."""


class ModelUnavailable(LlmError):
    """The model cannot be loaded or reached."""


class ModelTimeout(LlmError):
    """Generation exceeded the timeout and was cancelled."""


class ModelBusy(LlmError):
    """The shared model's queue is full (or this user already has a question running)."""


class ModelFailed(LlmError):
    """The backend returned an error or a malformed response."""
