"""Decoys (text a redactor must keep verbatim) and the clean-message templates.

Decided as decoys (public, not the user's): tickers, pairs, prices, percentages, timeframes,
indicators, dates, times and ISO/Unix timestamps, exchanges, leverage, gas, bot commands,
public figures, versions, public URLs (no user id in them), colours, EIP numbers, block
heights, exchange order ids (numeric) and client order ids (UUIDs), 4-byte function
selectors and the well-known event topics (keccak of a public event signature), chain ids.
Decided as sensitive (labelled, never decoys): a transaction hash or wallet address inside
an explorer URL -- it points at the user's own wallet -- and any API key inside an RPC URL.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable

from tests.redaction_families.family import pick

TICKERS = ("BTC", "ETH", "SOL", "BNB", "XRP", "ARB", "OP", "LINK", "DOGE", "WIF", "SUI", "TIA")
EXCHANGES = ("Binance", "Bybit", "OKX", "Kraken", "Coinbase", "bitFlyer", "Upbit", "KuCoin")
FIGURES = (
    "Vitalik Buterin",
    "Satoshi Nakamoto",
    "Jerome Powell",
    "Michael Saylor",
    "CZ",
    "Arthur Hayes",
    "Gary Gensler",
    "Cathie Wood",
)
TOPICS = (  # keccak256 of public event signatures (Transfer, Approval, Uniswap V2 Swap)
    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef",
    "0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925",
    "0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822",
)
SELECTORS = ("0xa9059cbb", "0x095ea7b3", "0x23b872dd", "0x38ed1739", "0x7ff36ab5")
URLS = (
    "https://www.coingecko.com/en/coins/solana",
    "https://ethereum.org/en/roadmap/",
    "https://www.tradingview.com/chart/",
    "https://docs.uniswap.org/concepts/overview",
    "https://github.com/bitcoin/bips",
)


def _price(r: random.Random) -> str:
    return pick(
        r,
        (
            f"{r.randint(10_000, 99_999):,}.{r.randint(0, 9)}",
            f"${r.randint(1, 999)}.{r.randint(10, 99)}",
            f"0.0000{r.randint(100, 999)}",
            f"{r.randint(1, 3)},{r.randint(100, 999)}",
        ),
    )


def _date(r: random.Random) -> str:
    y, m, d = r.randint(2021, 2025), r.randint(1, 12), r.randint(1, 28)
    return pick(r, (f"{y}-{m:02d}-{d:02d}", f"{d}/{m}/{y}", f"{m}月{d}日", f"March {d}"))


DECOYS: dict[str, Callable[[random.Random], str]] = {
    "ticker": lambda r: pick(r, TICKERS),
    "pair": lambda r: f"{pick(r, TICKERS)}/{pick(r, ('USDT', 'USDC', 'JPY', 'BTC'))}",
    "price": _price,
    "pct": lambda r: f"{pick(r, ('+', '-', ''))}{r.randint(1, 40)}.{r.randint(0, 9)}%",
    "tf": lambda r: pick(r, ("4h", "1D", "15m", "weekly", "日足", "1時間足")),
    "ind": lambda r: pick(
        r, ("RSI 14", "EMA200", "MACD (12, 26, 9)", "BB(20,2)", "ATR 14", "VWAP")
    ),
    "date": _date,
    "time": lambda r: f"{r.randint(0, 23):02d}:{pick(r, ('00', '15', '30', '45'))} UTC",
    "exchange": lambda r: pick(r, EXCHANGES),
    "lev": lambda r: f"{pick(r, (3, 5, 10, 20, 50, 125))}x",
    "gas": lambda r: f"{r.randint(3, 90)} gwei",
    "cmd": lambda r: pick(r, ("/price BTC", "/ta ETH 4h", "/alert SOL 180", "/chart BTC/USDT 1D")),
    "figure": lambda r: pick(r, FIGURES),
    "version": lambda r: f"v{r.randint(1, 5)}.{r.randint(0, 20)}.{r.randint(0, 9)}",
    "url": lambda r: pick(r, URLS),
    "color": lambda r: "#" + r.randbytes(3).hex(),
    "eip": lambda r: pick(r, ("EIP-1559", "ERC-20", "EIP-4844", "ERC-4337", "BIP-32")),
    "block": lambda r: pick(
        r, (f"{r.randint(17_000_000, 21_000_000):,}", str(r.randint(800_000, 880_000)))
    ),
    "order_id": lambda r: str(r.randint(10**10, 10**12)),
    "uuid": lambda r: str(uuid.UUID(bytes=r.randbytes(16), version=4)),
    "selector": lambda r: pick(r, SELECTORS),
    "topic": lambda r: pick(r, TOPICS),
    "timestamp": lambda r: pick(
        r,
        (
            str(r.randint(1_600_000_000, 1_750_000_000)),
            f"2024-0{r.randint(1, 9)}-1{r.randint(0, 9)}T0{r.randint(0, 9)}:30:00Z",
        ),
    ),
    "chain_id": lambda r: pick(r, ("chain id 56", "chainId 42161", "chain 8453")),
    "hypo": lambda r: (
        f"{pick(r, ('1,000', '500', '250', '10k'))} {pick(r, ('USDT', 'USD', 'JPY'))}"
    ),
}

CLEAN_EN = (
    "what does {ind} say for {pair} on the {tf}?",
    "{ticker} at {price}, {pct} since {date}. breakout or fakeout?",
    "order {order_id} on {exchange} stuck as NEW since {time}",
    "clientOrderId {uuid} came back as rejected, why?",
    "the calldata starts with {selector}, is that a transfer?",
    "filtering logs by topic0 {topic} on {pair} pool",
    "is it safe to keep my seed phrase in a password manager? moving {ticker} off {exchange}",
    "how many {ticker} can I buy with {hypo} at {price}?",
    "{figure} said something about {ticker} again lol",
    "gas is {gas} right now, wait or send?",
    "bot {version} changelog mentions {eip} support",
    "{cmd} stopped working after {date}",
    "what happened at block {block}?",
    "my chart colours are {color} and the {ind} line",
    "read {url} before asking about {ticker}",
    "funding flipped at {timestamp} on {pair} perp",
    "does {exchange} support {ticker} on {chain_id}?",
    "should a private key ever be typed into a chat bot like {cmd}?",
    "{lev} on {pair} with {pct} stop, too much?",
    "how long is an IBAN in Germany vs the UK? cashing out {ticker} on {date}",
    "compare {ticker} and {ticker} on the {tf}",
)
CLEAN_JA = (
    "{pair}の{tf}で{ind}はどうなってますか？",
    "{ticker}が{price}まで上がったけど、{date}から{pct}です",
    "{exchange}の注文{order_id}が約定しません",
    "秘密鍵はどこに保管するのが安全ですか？{exchange}から出金予定です",
    "{hypo}で{ticker}はいくつ買えますか？",
    "{figure}の発言で{ticker}が動いた？",
    "{cmd}が{date}から動きません",
)
