"""OpenAI-compatible chat endpoint backend (llama.cpp server, vLLM, ...), streamed over SSE."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator, Callable, Iterable, Sequence

import httpcore
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


AddressRule = Callable[[str], bool]
"""Return True for an IP address the client may connect to (the caller's residency rule)."""


class CheckedBackend(httpcore.AsyncNetworkBackend):
    """Resolve once per connection, refuse addresses the rule rejects, connect to the checked one.

    The start-time check saw a name resolve here; this keeps a later DNS answer (rebinding,
    an edited hosts file) from sending a prompt anywhere else.
    """

    def __init__(self, rule: AddressRule) -> None:
        self._rule = rule
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            lookup = loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            infos = await asyncio.wait_for(lookup, timeout)
        except (OSError, TimeoutError):
            raise httpcore.ConnectError("model server host does not resolve") from None
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses or not all(self._rule(a) for a in addresses):
            raise httpcore.ConnectError("model server address refused (data residency)")
        failure = httpcore.ConnectError("model server unreachable")
        for address in addresses:  # in the resolver's order, as a plain connect would
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as err:
                failure = err
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return await self._inner.connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _transport(rule: AddressRule | None) -> httpx.AsyncHTTPTransport | None:
    if rule is None:
        return None
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    # httpx has no network_backend argument: give its pool one (httpx's default limits).
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=CheckedBackend(rule),
    )
    return transport


class OpenAIHttpModel:
    """Chat completions from an OpenAI-compatible server at `base_url` (e.g. http://127.0.0.1:8080)."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str = "local",
        timeout_s: float = 30.0,
        api_key: str = "",
        address_rule: AddressRule | None = None,
    ) -> None:
        self.name = f"openai_http:{base_url}"
        self._model = model
        root = base_url.rstrip("/")
        self._endpoint = root if root.endswith("/v1") else f"{root}/v1"
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # trust_env=False: proxy variables never reroute prompts (data residency).
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s, connect=min(5.0, timeout_s)),
            headers=headers,
            trust_env=False,
            transport=_transport(address_rule),
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
