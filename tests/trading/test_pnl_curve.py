"""/pnl's result curve (issue 15 item 8): the curve's data from fills (golden values), the PNG
is a real image of the expected size, and /pnl in the terminal chat sends it after trades."""

from __future__ import annotations

import io
import struct
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from analysis.chart import EQUITY_DPI, EQUITY_SIZE_IN, equity_png
from trading.portfolio import CurvePoint, Fill, curve_png, equity_curve
from trading.ports import Side

D = Decimal
T0 = datetime(2024, 8, 10, 12, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=5)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


BUY_SELL_TWICE = [
    Fill("BTC/USDT", Side.BUY, D(1), D(100), D(1), at(0)),
    Fill("BTC/USDT", Side.SELL, D("0.5"), D(120), D("0.5"), at(10)),
    Fill("ETH/USDT", Side.BUY, D(2), D(10), D(0), at(20)),
    Fill("BTC/USDT", Side.SELL, D("0.5"), D(90), D("0.5"), at(30)),
]


@pytest.mark.parametrize(
    ("fills", "unrealized", "want"),
    [
        ([], D(0), []),
        # one buy: 0 at the fill, unrealised now
        (BUY_SELL_TWICE[:1], D(5), [(at(0), "0"), (NOW, "5")]),
        # cost 101 for 1 BTC (fee in); sell half at 120 fee 0.5: 0.5*(120-101)-0.5 = 9
        # second half at 90 fee 0.5: 0.5*(90-101)-0.5 = -6 -> 3; ETH open: unrealised 4 -> 7
        (
            BUY_SELL_TWICE,
            D(4),
            [(at(0), "0"), (at(10), "9.0"), (at(30), "3.0"), (NOW, "7.0")],
        ),
        # given out of order: sorted by time first
        (
            list(reversed(BUY_SELL_TWICE)),
            D(0),
            [(at(0), "0"), (at(10), "9"), (at(30), "3"), (NOW, "3")],
        ),
    ],
)
def test_curve_follows_the_fills(
    fills: list[Fill], unrealized: Decimal, want: list[tuple[datetime, str]]
) -> None:
    curve = equity_curve(fills, NOW, unrealized)
    assert [(p.at, p.value) for p in curve] == [(when, D(v)) for when, v in want]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_picture_is_a_real_png_of_the_expected_size() -> None:
    from PIL import Image

    curve = equity_curve(BUY_SELL_TWICE, NOW, D(4))
    data = curve_png(curve)
    expected = (int(EQUITY_SIZE_IN[0] * EQUITY_DPI), int(EQUITY_SIZE_IN[1] * EQUITY_DPI))
    assert _png_size(data) == expected == (720, 480)
    image = Image.open(io.BytesIO(data))
    image.verify()  # a complete, decodable image
    pixels = Image.open(io.BytesIO(data)).convert("RGB")
    assert len(pixels.getcolors(1 << 24) or ()) > 20  # something was drawn, not a blank canvas


def test_picture_refuses_mismatched_data() -> None:
    with pytest.raises(ValueError, match="equal length"):
        equity_png([1, 2], [1.0])
    assert _png_size(curve_png([CurvePoint(T0, D(0))])) == (720, 480)  # one point still draws


async def test_pnl_in_the_terminal_chat_sends_the_curve(make_settings, tmp_path: Path) -> None:
    from bot.app import Overrides, open_runtime
    from bot.transports.console import ConsoleSession
    from tests.e2e.harness import MovableClock
    from tests.fakes.replay_market import ReplayMarket

    clock = MovableClock()
    settings = make_settings(market_candle_ttl_s=0, market_ticker_ttl_s=0, console_user_id=7)
    runtime = await open_runtime(settings, clock=clock, overrides=Overrides(ReplayMarket(clock)))
    try:
        out = io.StringIO()
        session = ConsoleSession(runtime.conversation, out, 7, tmp_path)
        await session.handle_line("/pnl")
        assert "file saved" not in out.getvalue()  # no trades, no picture
        for trade in ("/buy BTC 0.002", "/sell BTC 0.001"):
            await session.handle_line(trade)
            await session.handle_line("1")  # Approve
            clock.advance(hours=1)
        before = len(out.getvalue())
        await session.handle_line("/pnl")
        told = out.getvalue()[before:]
        assert "[file saved: " in told and "Result over time" in told, told
        result = await runtime.services.trading.pnl(7)
        assert result.closed_trades == 1 and len(result.curve) == 3
        assert result.curve[1].value == result.realized  # the figure's data is the ledger's
        assert result.curve[-1].value == result.realized + result.unrealized
        saved = sorted(tmp_path.rglob("*.png"))
        assert saved and _png_size(saved[-1].read_bytes()) == (720, 480)
    finally:
        await runtime.close()
