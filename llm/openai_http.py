"""OpenAI-compatible chat endpoint backend (llama.cpp server, vLLM, ...), streamed over SSE."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence

import httpx

from llm.errors import LlmError, ModelFailed, ModelTimeout, ModelUnavailable
from llm.ports import Generation, Message

log = logging.getLogger(__name__)

# httpx's exceptions, most specific first; the first isinstance match wins.
HTTPX_ERRORS: tuple[tuple[type[Exception], type[LlmError]], ...] = (
    (httpx.ConnectTimeout, ModelUnavailable),
    (httpx.ConnectError, ModelUnavailable),
    (httpx.UnsupportedProtocol, ModelUnavailable),
    (httpx.InvalidURL, ModelUnavailable),
    (httpx.ProxyError, ModelUnavailable),
    (httpx.TimeoutException, ModelTimeout),
    (httpx.NetworkError, ModelUnavailable),
    (httpx.ProtocolError, ModelFailed),
    (httpx.DecodingError, ModelFailed),
    (httpx.TooManyRedirects, ModelFailed),
    (httpx.HTTPStatusError, ModelFailed),
    (httpx.StreamError, ModelFailed),
    (httpx.CookieConflict, ModelFailed),
    (httpx.HTTPError, ModelFailed),
)


def translate_httpx(exc: Exception) -> LlmError:
    """Return the llm error for an httpx exception (by the HTTPX_ERRORS table)."""
    for foreign, ours in HTTPX_ERRORS:
        if isinstance(exc, foreign):
            return ours(f"model server: {type(exc).__name__}")
    return ModelFailed(f"model server: {type(exc).__name__}")


class OpenAIHttpModel:
    """Chat completions from an OpenAI-compatible server at `base_url` (e.g. http://127.0.0.1:8080)."""

    def __init__(
        self, base_url: str, *, model: str = "local", timeout_s: float = 30.0, api_key: str = ""
    ) -> None:
        self.name = f"openai_http:{base_url}"
        self._model = model
        root = base_url.rstrip("/")
        self._endpoint = root if root.endswith("/v1") else f"{root}/v1"
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=min(5.0, timeout_s)), headers=headers
        )

    def _body(
        self, messages: Sequence[Message], params: Generation, *, stream: bool
    ) -> dict[str, object]:
        return {
            "model": self._model,
            "messages": [{"role": m.role.value, "content": m.content} for m in messages],
            "max_tokens": params.max_tokens,
            "temperature": params.temperature,
            "stop": list(params.stop) or None,
            "stream": stream,
        }

    async def stream(self, messages: Sequence[Message], params: Generation) -> AsyncIterator[str]:
        """Yield content deltas from the server's SSE stream."""
        body = self._body(messages, params, stream=True)
        try:
            async with self._client.stream(
                "POST", f"{self._endpoint}/chat/completions", json=body
            ) as response:
                response.raise_for_status()
                async for line in response.aiter_lines():
                    piece = _delta(line)
                    if piece is None:
                        break
                    if piece:
                        yield piece
        except httpx.HTTPError as exc:
            raise translate_httpx(exc) from None
        except (httpx.InvalidURL, httpx.CookieConflict) as exc:
            raise translate_httpx(exc) from None

    async def complete(self, messages: Sequence[Message], params: Generation) -> str:
        """Return the whole answer (non-streamed request)."""
        body = self._body(messages, params, stream=False)
        try:
            response = await self._client.post(f"{self._endpoint}/chat/completions", json=body)
            response.raise_for_status()
            doc = response.json()
        except (httpx.HTTPError, httpx.InvalidURL, httpx.CookieConflict) as exc:
            raise translate_httpx(exc) from None
        except ValueError:
            raise ModelFailed("model server sent malformed JSON") from None
        try:
            return str(doc["choices"][0]["message"]["content"] or "")
        except (KeyError, IndexError, TypeError):
            raise ModelFailed("model server response has no choices") from None

    async def close(self) -> None:
        """Close the HTTP connections."""
        await self._client.aclose()


def _delta(line: str) -> str | None:
    """Return the content delta of one SSE line, "" for other lines, None at [DONE]."""
    if not line.startswith("data:"):
        return ""
    data = line[5:].strip()
    if data == "[DONE]":
        return None
    try:
        doc = json.loads(data)
        return str(doc["choices"][0].get("delta", {}).get("content") or "")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        raise ModelFailed("model server sent a malformed stream chunk") from None
