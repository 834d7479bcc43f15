"""TA feature: /ta, /mtf, /chart, /levels, /backtest and natural analysis phrasing.

Parse (bot.features.ta.parse), call the market service (trading.market: cached closed candles,
CPU work in a thread), render (bot.features.ta.render). Bad input gets a short, specific reply;
unknown symbols get suggestions from the symbols the market source lists.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from bot.core.charts import candle_labels, zone_name
from bot.core.conversation import Attachment, Button, Handled, Reply, Request
from bot.core.errors import UserError
from bot.core.i18n import Msg, msg, t
from bot.core.registry import (
    CallbackHandler,
    CallbackRoute,
    Command,
    CommandHandler,
    Intent,
    Registry,
)
from bot.core.services import Services
from bot.core.symbols import (
    looks_like_timeframe,
    parse_symbol,
    parse_timeframe,
)
from bot.features.ta import render as ta_render
from bot.features.ta.parse import AnalysisKind, AnalysisRequest, parse_analysis

if TYPE_CHECKING:
    from trading.market import MarketService

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_TIMEFRAME = "1h"
TF_HINT = ta_render.TF_HINT
SYMBOL_USAGE = "ta.cmd.symbol_usage"
SYMBOL_TIMEFRAME_USAGE = "ta.cmd.symbol_timeframe_usage"


def usage_line(name: str, *, with_timeframe: bool) -> Msg:
    """Return the usage line of a TA command ("Usage: /ta SYMBOL [5m|…], e.g. /ta BTC 4h")."""
    args = msg(SYMBOL_TIMEFRAME_USAGE if with_timeframe else SYMBOL_USAGE)
    return msg("ta.usage", name=name, args=args, example="BTC 4h" if with_timeframe else "BTC")


def parse_target(args: str, usage: Msg | None, *, with_timeframe: bool = True) -> tuple[str, str]:
    """Return (symbol, timeframe) from "BTC 4h" / "4h btc"; raise UserError when unclear."""
    tokens = args.split()[:4]
    symbol = timeframe = None
    for token in tokens:
        tf = parse_timeframe(token) if with_timeframe else None
        if tf is not None and timeframe is None:
            timeframe = tf
        elif with_timeframe and looks_like_timeframe(token):
            raise UserError("ta.bad_timeframe", supported=ta_render.Listed(TF_HINT))
        elif symbol is None and (sym := parse_symbol(token)) is not None:
            symbol = sym
        elif usage is None:
            raise UserError("core.button_invalid")
        else:
            raise UserError("ta.unreadable", usage=usage)
    if symbol is None:
        raise UserError(usage or msg("core.button_invalid"))
    return symbol, timeframe or DEFAULT_TIMEFRAME


async def _suggest(market: MarketService, symbol: str) -> Msg:
    known = sorted(await market.symbols())
    base, _, quote = symbol.partition("/")
    # Compare base assets (every pair shares "/USDT"); same base, other quote also counts.
    bases = {s.partition("/")[0] for s in known}
    near = set(difflib.get_close_matches(base, sorted(bases), n=3, cutoff=0.6))
    close = [s for s in known if s.partition("/")[0] == base]
    close += [s for s in known if s.partition("/")[0] in near and s.endswith("/" + quote)]
    close = list(dict.fromkeys(close))
    if close:
        return msg(
            "ta.unknown_symbol.near", symbol=symbol, close=ta_render.Listed(tuple(close[:3]))
        )
    shown = ta_render.Listed((*known[:8], *(["…"] if len(known) > 8 else [])))
    return msg("ta.unknown_symbol.list", symbol=symbol, shown=shown)


async def _guarded(market: MarketService, symbol: str, timeframe: str, work: Awaitable[T]) -> T:
    """Await market/analysis work, turning its typed errors into specific user replies."""
    from analysis import AnalysisError, TooFewCandles
    from trading.errors import MarketDataError, UnknownSymbol

    try:
        return await work
    except UnknownSymbol:
        raise UserError(await _suggest(market, symbol)) from None
    except (MarketDataError, AnalysisError) as err:
        if isinstance(err, AnalysisError) and not isinstance(err, TooFewCandles):
            kind = type(err).__name__
            log.warning("analysis failed symbol=%s tf=%s error=%s", symbol, timeframe, kind)
        raise UserError(ta_render.error_text(err, symbol, timeframe)) from None


def _buttons(symbol: str, timeframe: str, language: str) -> tuple[tuple[Button, ...], ...]:
    arg = f"{symbol} {timeframe}"
    return (
        (
            Button(t(language, "ta.button.chart"), f"tachart:{arg}"),
            Button(t(language, "ta.button.levels"), f"talevels:{arg}"),
            Button(t(language, "ta.button.mtf"), f"tamtf:{symbol}"),
        ),
    )


async def show_report(services: Services, req: Request, symbol: str, timeframe: str) -> Reply:
    """Return the /ta reply."""
    market = services.market
    report = await _guarded(market, symbol, timeframe, market.report(symbol, timeframe))
    text = ta_render.report_text(report, req.lang, req.zone)
    return Reply(text=text, buttons=_buttons(symbol, timeframe, req.lang))


async def show_momentum(services: Services, req: Request, symbol: str, timeframe: str) -> Reply:
    """Return the answer to "is X overbought?"."""
    market = services.market
    report = await _guarded(market, symbol, timeframe, market.report(symbol, timeframe))
    text = ta_render.momentum_text(report, req.lang, req.zone)
    return Reply(text=text, buttons=_buttons(symbol, timeframe, req.lang))


async def show_levels(services: Services, req: Request, symbol: str, timeframe: str) -> Reply:
    """Return the /levels reply."""
    market = services.market
    report = await _guarded(market, symbol, timeframe, market.report(symbol, timeframe))
    return Reply(text=ta_render.levels_text(report, req.lang, req.zone))


async def show_mtf(services: Services, req: Request, symbol: str, _timeframe: str = "") -> Reply:
    """Return the /mtf reply."""
    market = services.market
    rows = await _guarded(market, symbol, "multi", market.multi_timeframe(symbol))
    if all(r.report is None for r in rows):
        raise UserError("ta.mtf.no_candles", symbol=symbol, timeframes=ta_render.Listed(TF_HINT))
    return Reply(text=ta_render.mtf_text(symbol, rows, req.lang))


async def show_chart(services: Services, req: Request, symbol: str, timeframe: str) -> Reply:
    """Return the /chart reply (a PNG photo)."""
    market = services.market
    # The first call looks through the installed fonts: off the event loop.
    labels = await asyncio.to_thread(
        candle_labels, symbol, timeframe, req.lang, req.zone, req.received_at
    )
    png = await _guarded(market, symbol, timeframe, market.chart(symbol, timeframe, labels))
    name = f"{symbol.replace('/', '-')}_{timeframe}.png"
    zone = zone_name(req.received_at, req.zone)
    caption = t(req.lang, "ta.chart.caption", symbol=symbol, timeframe=timeframe, zone=zone)
    # The caption travels with the photo (Telegram) or after the saved path (terminal).
    return Reply(image=Attachment(content=png, filename=name, caption=caption))


async def show_backtest(services: Services, req: Request, symbol: str, timeframe: str) -> Reply:
    """Return the /backtest reply."""
    market = services.market
    result = await _guarded(market, symbol, timeframe, market.backtest(symbol, timeframe))
    return Reply(text=ta_render.backtest_text(symbol, timeframe, result, req.lang, req.zone))


Show = Callable[[Services, Request, str, str], Awaitable[Reply]]
_BY_KIND: dict[AnalysisKind, Show] = {
    AnalysisKind.REPORT: show_report,
    AnalysisKind.MOMENTUM: show_momentum,
    AnalysisKind.LEVELS: show_levels,
    AnalysisKind.CHART: show_chart,
    AnalysisKind.MTF: show_mtf,
    AnalysisKind.BACKTEST: show_backtest,
}


def _command(show: Show, name: str, *, with_timeframe: bool = True) -> CommandHandler:
    shown = usage_line(name, with_timeframe=with_timeframe)

    async def handler(services: Services, req: Request, args: str) -> Handled:
        symbol, timeframe = parse_target(args, shown, with_timeframe=with_timeframe)
        return await show(services, req, symbol, timeframe)

    return handler


def _callback(show: Show) -> CallbackHandler:
    async def handler(services: Services, req: Request, arg: str) -> Handled:
        try:
            symbol, timeframe = parse_target(arg, None)
        except UserError:
            raise UserError("core.button_invalid") from None
        return await show(services, req, symbol, timeframe)

    return handler


async def on_analysis(services: Services, req: Request, parsed: AnalysisRequest) -> Handled:
    """Answer natural phrasing ("btc 4h analysis", "is eth overbought?")."""
    show = _BY_KIND[parsed.kind]
    return await show(services, req, parsed.symbol, parsed.timeframe or DEFAULT_TIMEFRAME)


def register(registry: Registry) -> None:
    """Add the TA commands, buttons and the natural-phrasing intent."""
    specs = (
        ("ta", show_report, True),
        ("mtf", show_mtf, False),
        ("chart", show_chart, True),
        ("levels", show_levels, True),
        ("backtest", show_backtest, True),
    )
    for name, show, with_tf in specs:
        registry.command(
            Command(
                name,
                f"ta.cmd.{name}",
                _command(show, name, with_timeframe=with_tf),
                usage=SYMBOL_TIMEFRAME_USAGE if with_tf else SYMBOL_USAGE,
            )
        )
    registry.callback(CallbackRoute("tachart", _callback(show_chart)))
    registry.callback(CallbackRoute("talevels", _callback(show_levels)))
    registry.callback(CallbackRoute("tamtf", _callback(show_mtf)))
    registry.intent(Intent("analysis", parse_analysis, on_analysis))
