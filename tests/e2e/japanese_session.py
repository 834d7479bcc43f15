"""One user's session through the real handlers, in Japanese and in English (issue 17).

The session runs the Conversation over the real services: a migrated SQLite database, the
paper exchange over the bundled replayed candles, a scripted chat model, and, for the
exchange faults, the real ccxt client against the local Binance server. Each `Step` is one
thing the user does (types a line, presses a button); what the bot said is kept per case
name, so a test can look at every case on its own. A step that crashes is kept as the
error it raised: the other cases still run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.app import Overrides, Runtime, open_runtime
from bot.core.conversation import ChatKind, Reply, Request, Response, Streamed
from bot.settings import load_settings
from tests.e2e.harness import MovableClock
from tests.fakes.binance_server import FakeBinance
from tests.fakes.scripted_model import ScriptedModel
from trading.ccxt_adapter import CcxtExchange

USER = 4242
GROUP = -100777
ADMIN = 1


@dataclass(frozen=True, slots=True)
class Step:
    """One thing the user does. `press`: press the first button whose callback data starts
    with it, on what the bot said in case `on`; `data`: send this callback data as is;
    `fault`: (method, path, kind) injected into the exchange server first; `wait_min`:
    minutes that pass before the step."""

    case: str
    text: str = ""
    press: str | None = None
    on: str = ""
    data: str | None = None
    group: bool = False
    stranger: bool = False  # another user (who did not get the card) does it
    forwarded: bool = False
    exchange: bool = False  # run against the runtime whose market is the exchange server
    fault: tuple[str, str, str] | None = None
    wait_min: float = 0.0


# The session, in order. Cases with the same name are one case (e.g. approve, then confirm).
SESSION: tuple[Step, ...] = (
    Step("start", "/start"),
    Step("help", "/help"),
    Step("ta", "/ta BTC 1h"),
    Step("mtf", "/mtf BTC"),
    Step("ta_in_words", "BTCの見通しはどうですか？"),  # read as a TA request
    Step("ask", "/ask RSIとは何ですか？"),  # answered from the knowledge base
    Step("levels", "/levels BTC"),
    Step("buy_card", "/buy BTC 50 USDT"),
    Step("approve", press="approve:", on="buy_card"),
    Step("approve", press="confirm:", on="approve"),  # if the emotion guard asks to confirm
    Step("approve_again", press="approve:", on="buy_card"),  # decided already
    Step("balance", "/balance"),
    Step("positions", "/positions"),
    Step("orders", "/orders"),
    Step("pnl", "/pnl"),
    Step("balance_in_words", "残高を見せて"),
    Step("fomo_card", "乗り遅れたくない！BTCを0.0005今すぐ買って"),
    Step("fomo_approve", press="approve:", on="fomo_card"),
    Step("fomo_approve", press="confirm:", on="fomo_approve"),  # "yes, place it"
    Step("sell_half_card", "BTCを半分売って"),
    Step("limit_card", "/limit buy BTC 0.001 at 50000"),
    Step("stop_card", "/stop BTC 0.0005 at 50000"),
    Step("panic_card", "/panic"),
    Step("panic_flatten_card", "/panic flatten"),
    Step("panic_flatten_in_japanese", "/panic 全決済"),
    Step("not_your_proposal", press="approve:", on="limit_card", stranger=True),
    Step("plan", "/plan BTC no-buy"),
    Step("against_plan_card", "/buy BTC 20 USDT"),
    Step("risk", "/risk"),
    Step("price", "/price BTC"),
    Step("chart", "/chart BTC 1h"),
    Step("backtest", "/backtest BTC 1d"),
    Step("watch", "/watch BTC rsi<30 1h buy 20 USDT"),
    Step("watches", "/watches"),
    Step("connect_in_paper_mode", "/connect k3yAbCdEfGhIjKlMnOp s3cQrStUvWxYz0123456"),
    Step("reject_card", "/buy ETH 20 USDT"),
    Step("reject", press="reject:", on="reject_card"),
    Step("expiring_card", "/buy BTC 20 USDT"),
    Step("expired", press="approve:", on="expiring_card", wait_min=5),
    Step("alert", "/alert BTC above 100000"),
    Step("alerts", "/alerts"),
    Step("privacy", "/privacy"),
    Step("mydata", "/mydata"),
    # refusals and errors
    Step("unknown_symbol", "/ta FOO"),
    Step("unknown_symbol_trade", "/buy FOO 10 USDT"),
    Step("bad_timeframe", "/ta BTC 7h"),
    Step("missing_symbol", "/ta"),
    Step("bad_amount", "/buy BTC -5"),
    Step("amount_not_a_number", "/buy BTC abc"),
    Step("not_enough_funds", "/buy BTC 1000000 USDT"),
    Step("nothing_to_sell", "/sell SOL 1"),
    Step("alert_usage", "/alert BTC"),
    Step("unalert_unknown", "/unalert 99"),
    Step("cancel_unknown", "/cancel 99"),
    Step("cancel_usage", "/cancel"),
    Step("unwatch_unknown", "/unwatch 99"),
    Step("ask_usage", "/ask"),
    Step("bad_zone", "/tz Mars/Olympus"),
    Step("bad_language", "/lang xx"),
    Step("unknown_command", "/nope"),
    Step("malformed_callback", data="approve:garbage"),
    Step("unknown_callback", data="zzz:1"),
    Step("too_long", "x" * 5000),
    Step("private_only", "/buy BTC 50 USDT", group=True),
    Step("admins_only", "/stats"),
    Step("forwarded_trade", "/buy BTC 50 USDT", forwarded=True),
    Step("exchange_down", "/ta BTC 1h", exchange=True, fault=("GET", "/api/v3/klines", "500")),
    Step(
        "exchange_rate_limited", "/ta ETH 4h", exchange=True, fault=("GET", "/api/v3/klines", "429")
    ),
    Step(
        "exchange_down_trade",
        "/buy BTC 50 USDT",
        exchange=True,
        fault=("GET", "/api/v3/ticker/24hr", "500"),
    ),
    Step("zone", "/tz Asia/Tokyo"),
    Step("card_in_tokyo_time", "/buy BTC 20 USDT"),
    Step("forget", "/forget"),
    Step("forget_done", press="forget:", on="forget"),  # the first: "Erase everything"
    Step("mydata_after", "/mydata"),
)
CASES: tuple[str, ...] = tuple(dict.fromkeys(s.case for s in SESSION))


@dataclass
class Said:
    """What the bot said in one case: its replies (final texts), or the error a step raised."""

    replies: list[Reply] = field(default_factory=list)
    error: str | None = None

    @property
    def texts(self) -> list[str]:
        """Every text the user sees: message texts, captions, toasts and button labels."""
        out: list[str] = []
        for r in self.replies:
            out += [r.text, r.toast or ""]
            out += [a.caption for a in (r.image, r.document) if a is not None]
            out += [b.label for row in r.buttons for b in row]
        return [x for x in out if x]

    @property
    def buttons(self) -> list[str]:
        """The buttons' callback data (random proposal ids replaced by `ID`)."""
        return [re.sub(r"prop-[0-9a-f]+", "ID", b.data)
                for r in self.replies for row in r.buttons for b in row]  # fmt: skip


@dataclass
class _Session:
    runtime: Runtime
    exchange_runtime: Runtime
    binance: FakeBinance
    clock: MovableClock
    language: str
    said: dict[str, Said] = field(default_factory=dict)

    async def run(self, step: Step) -> None:
        said = self.said.setdefault(step.case, Said())
        if said.error is not None:
            return
        try:
            said.replies += await self._do(step)
        except Exception as err:  # a crashing handler fails its own case, not the session
            said.error = f"{type(err).__name__}: {err}"

    async def _do(self, step: Step) -> list[Reply]:
        self.clock.advance(minutes=step.wait_min)
        data = step.data
        if step.press is not None:
            data = self._button(step.press, step.on)
            if data is None:
                return []  # e.g. no confirmation was asked
        if step.fault is not None:
            self.binance.inject(*step.fault)
        req = Request(
            user_id=USER + 1 if step.stranger else USER,
            chat_id=GROUP if step.group else USER,
            chat_kind=ChatKind.GROUP if step.group else ChatKind.PRIVATE,
            text=step.text if data is None else "",
            callback_data=data,
            forwarded=step.forwarded,
            language=self.language,
            received_at=self.clock(),
        )
        runtime = self.exchange_runtime if step.exchange else self.runtime
        return [await _final(r) for r in await runtime.conversation.handle(req)]

    def _button(self, prefix: str, case: str) -> str | None:
        shown = self.said[case].replies if case in self.said else []
        found = [b.data for r in shown for row in r.buttons for b in row]
        found = [data for data in found if data.startswith(prefix)]
        if found:
            return found[0]
        if prefix == "confirm:":
            return None
        raise LookupError(f"no button {prefix!r} in what was said for {case!r}")


async def _final(response: Response) -> Reply:
    if isinstance(response, Streamed):
        async for _ in response.tokens:
            pass
        return await response.final()
    return response


async def run_session(language: str, data_dir: Path) -> dict[str, Said]:
    """Run the whole SESSION as one user speaking `language`; return what was said per case."""
    clock = MovableClock()
    # no cache TTLs: they run on the wall clock, and the session must read the moved clock alone
    common = {"llm_backend": "extractive", "admin_ids": [ADMIN], "proposal_ttl_s": 60,
              "market_candle_ttl_s": 0, "market_ticker_ttl_s": 0}  # fmt: skip
    model = ScriptedModel()
    replay = await open_runtime(
        load_settings(data_dir=data_dir / "replay", **common),
        clock=clock,
        overrides=Overrides(chat_model=model),
    )
    try:
        async with FakeBinance() as binance:
            source = CcxtExchange("binance", api_url=binance.url, timeout_s=5, rate_limit=False)
            exchange = await open_runtime(
                load_settings(data_dir=data_dir / "exchange", **common),
                clock=clock,
                overrides=Overrides(market=source, chat_model=model),
            )
            try:
                session = _Session(replay, exchange, binance, clock, language)
                for step in SESSION:
                    await session.run(step)
            finally:
                await exchange.close()
                await source.close()
    finally:
        await replay.close()
    return session.said
