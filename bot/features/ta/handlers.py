"""TA feature: /ta, /mtf, /chart, /levels, /backtest and natural analysis phrasing.

Parse (bot.features.ta.parse), call the market service (trading.market: cached closed candles,
CPU work in a thread), render (bot.features.ta.render). Bad input gets a short, specific reply;
unknown symbols get suggestions from the symbols the market source lists.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from bot.core.conversation import Attachment, Button, Handled, Reply, Request
from bot.core.errors import UserError
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
    SUPPORTED_TIMEFRAMES,
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


def parse_target(args: str, usage: str, *, with_timeframe: bool = True) -> tuple[str, str]:
    """Return (symbol, timeframe) from "BTC 4h" / "4h btc"; raise UserError when unclear."""
    tokens = args.split()[:4]
    symbol = timeframe = None
    for token in tokens:
        tf = parse_timeframe(token) if with_timeframe else None
        if tf is not None and timeframe is None:
            timeframe = tf
        elif with_timeframe and looks_like_timeframe(token):
            raise UserError(f"I don't have that timeframe. Try one of: {TF_HINT}.")
        elif symbol is None and (sym := parse_symbol(token)) is not None:
            symbol = sym
        else:
            raise UserError(f"I could not read that. {usage}")
    if symbol is None:
        raise UserError(usage)
    return symbol, timeframe or DEFAULT_TIMEFRAME


async def _suggest(market: MarketService, symbol: str) -> str:
    known = sorted(await market.symbols())
    base, _, quote = symbol.partition("/")
    # Compare base assets (every pair shares "/USDT"); same base, other quote also counts.
    bases = {s.partition("/")[0] for s in known}
    near = set(difflib.get_close_matches(base, sorted(bases), n=3, cutoff=0.6))
    close = [s for s in known if s.partition("/")[0] == base]
    close += [s for s in known if s.partition("/")[0] in near and s.endswith("/" + quote)]
    close = list(dict.fromkeys(close))
    if close:
        return f"I don't know {symbol} here. Did you mean {', '.join(close[:3])}?"
    shown = ", ".join(known[:8]) + (" …" if len(known) > 8 else "")
    return f"I don't know {symbol} here. Available: {shown}."


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


def _buttons(symbol: str, timeframe: str) -> tuple[tuple[Button, ...], ...]:
    arg = f"{symbol} {timeframe}"
    return (
        (
            Button("Chart", f"tachart:{arg}"),
            Button("Levels", f"talevels:{arg}"),
            Button("All timeframes", f"tamtf:{symbol}"),
        ),
    )


async def show_report(services: Services, symbol: str, timeframe: str) -> Reply:
    """Return the /ta reply."""
    market = services.market
    report = await _guarded(market, symbol, timeframe, market.report(symbol, timeframe))
    return Reply(text=ta_render.report_text(report), buttons=_buttons(symbol, timeframe))


async def show_momentum(services: Services, symbol: str, timeframe: str) -> Reply:
    """Return the answer to "is X overbought?"."""
    market = services.market
    report = await _guarded(market, symbol, timeframe, market.report(symbol, timeframe))
    return Reply(text=ta_render.momentum_text(report), buttons=_buttons(symbol, timeframe))


async def show_levels(services: Services, symbol: str, timeframe: str) -> Reply:
    """Return the /levels reply."""
    market = services.market
    report = await _guarded(market, symbol, timeframe, market.report(symbol, timeframe))
    return Reply(text=ta_render.levels_text(report))


async def show_mtf(services: Services, symbol: str, _timeframe: str = "") -> Reply:
    """Return the /mtf reply."""
    market = services.market
    rows = await _guarded(market, symbol, "multi", market.multi_timeframe(symbol))
    if all(r.report is None for r in rows):
        raise UserError(f"No candles for {symbol} on any of 15m, 1h, 4h, 1d right now.")
    return Reply(text=ta_render.mtf_text(symbol, rows))


async def show_chart(services: Services, symbol: str, timeframe: str) -> Reply:
    """Return the /chart reply (a PNG photo)."""
    market = services.market
    png = await _guarded(market, symbol, timeframe, market.chart(symbol, timeframe))
    name = f"{symbol.replace('/', '-')}_{timeframe}.png"
    caption = f"{symbol} {timeframe}: candles, EMA50/200, Bollinger, volume, RSI, MACD (UTC)"
    # The caption travels with the photo (Telegram) or after the saved path (terminal).
    return Reply(image=Attachment(content=png, filename=name, caption=caption))


async def show_backtest(services: Services, symbol: str, timeframe: str) -> Reply:
    """Return the /backtest reply."""
    market = services.market
    result = await _guarded(market, symbol, timeframe, market.backtest(symbol, timeframe))
    return Reply(text=ta_render.backtest_text(symbol, timeframe, result))


Show = Callable[[Services, str, str], Awaitable[Reply]]
_BY_KIND: dict[AnalysisKind, Show] = {
    AnalysisKind.REPORT: show_report,
    AnalysisKind.MOMENTUM: show_momentum,
    AnalysisKind.LEVELS: show_levels,
    AnalysisKind.CHART: show_chart,
    AnalysisKind.MTF: show_mtf,
    AnalysisKind.BACKTEST: show_backtest,
}


def _command(show: Show, usage: str, *, with_timeframe: bool = True) -> CommandHandler:
    async def handler(services: Services, _req: Request, args: str) -> Handled:
        symbol, timeframe = parse_target(args, usage, with_timeframe=with_timeframe)
        return await show(services, symbol, timeframe)

    return handler


def _callback(show: Show) -> CallbackHandler:
    async def handler(services: Services, _req: Request, arg: str) -> Handled:
        try:
            symbol, timeframe = parse_target(arg, "")
        except UserError:
            raise UserError("That button is not valid any more.") from None
        return await show(services, symbol, timeframe)

    return handler


async def on_analysis(services: Services, _req: Request, parsed: AnalysisRequest) -> Handled:
    """Answer natural phrasing ("btc 4h analysis", "is eth overbought?")."""
    show = _BY_KIND[parsed.kind]
    return await show(services, parsed.symbol, parsed.timeframe or DEFAULT_TIMEFRAME)


def register(registry: Registry) -> None:
    """Add the TA commands, buttons and the natural-phrasing intent."""
    tfs = "|".join(t for t in SUPPORTED_TIMEFRAMES if t != "1m")
    specs = (
        ("ta", "technical analysis report: rating, trend, levels, events", show_report, True),
        ("mtf", "rating and trend on 15m, 1h, 4h and 1d at once", show_mtf, False),
        ("chart", "chart picture with MAs, Bollinger, RSI and MACD", show_chart, True),
        ("levels", "support and resistance with distance from price", show_levels, True),
        ("backtest", "how the rating did on past candles (history)", show_backtest, True),
    )
    for name, summary, show, with_tf in specs:
        usage_args = f"SYMBOL [{tfs}]" if with_tf else "SYMBOL"
        usage = f"Usage: /{name} {usage_args}, e.g. /{name} BTC{' 4h' if with_tf else ''}"
        registry.command(
            Command(
                name,
                summary,
                _command(show, usage, with_timeframe=with_tf),
                usage=usage_args,
            )
        )
    registry.callback(CallbackRoute("tachart", _callback(show_chart)))
    registry.callback(CallbackRoute("talevels", _callback(show_levels)))
    registry.callback(CallbackRoute("tamtf", _callback(show_mtf)))
    registry.intent(Intent("analysis", parse_analysis, on_analysis))
