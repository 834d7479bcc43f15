"""A local HTTP server speaking the OpenAI chat-completions API (JSON and SSE streaming).

`answers` queues replies; `status` forces an HTTP error; `delay_s` delays every chunk. It
records each request body so tests can check what the backend sent.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from typing import Any

from aiohttp import web


class OpenAIServer:
    """aiohttp app implementing POST /v1/chat/completions."""

    def __init__(self) -> None:
        self.answers: deque[str] = deque()
        self.status = 200
        self.delay_s = 0.0
        self.requests: list[dict[str, Any]] = []
        self.app = web.Application()
        self.app.router.add_post("/v1/chat/completions", self.chat)

    async def chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        if self.status != 200:
            return web.json_response({"error": {"message": "boom"}}, status=self.status)
        text = self.answers.popleft() if self.answers else "no answer queued"
        if not body.get("stream"):
            return web.json_response(
                {"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]}
            )
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for word in text.split(" "):
            await asyncio.sleep(self.delay_s)
            chunk = {"choices": [{"index": 0, "delta": {"content": word + " "}}]}
            await response.write(f"data: {json.dumps(chunk)}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        return response
