"""People: cue words, a first-name gazetteer, Japanese names; public figures protected.

Public figures and project names discussed as topics are protected, not redacted.
"""

from __future__ import annotations

import re
from importlib import resources

from privacy.redact import addresses
from privacy.redact.candidates import Candidate
from privacy.redact.labels import Label

L = Label


def _word_list(name: str) -> frozenset[str]:
    text = resources.files("privacy.redact").joinpath("data", name).read_text("utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


FIRST_NAMES = _word_list("first_names.txt")
# larger lists: a given name counts without a cue only when a known surname follows it
GIVEN_NAMES = _word_list("given_names.txt") | FIRST_NAMES
SURNAMES = _word_list("surnames.txt")
NOT_NAMES = _word_list("not_names.txt")
PUBLIC_NAMES_RE = re.compile(
    r"(?=[A-Z植黒岸石孫ヴサパイ])"  # skip positions no name starts at (speed)
    r"(?:Vitalik(?: Buterin)?|Satoshi Nakamoto|(?:Satoshi|Elon|CZ|SBF|Gensler|Trump)(?!\s+[A-Z])"
    r"|Changpeng Zhao|Michael Saylor|Saylor|Elon Musk"
    r"|Sam Bankman-Fried|Do Kwon|Jerome Powell|Powell|Cathie Wood|Arthur Hayes|Brian Armstrong"
    r"|Justin Sun|Anatoly Yakovenko|Charles Hoskinson|Gary Gensler|Larry Fink|Janet Yellen"
    r"|Christine Lagarde|Jack Dorsey|Gavin Wood|Hal Finney|Nick Szabo|Adam Back|Roger Ver"
    r"|Donald Trump|Joe Biden|Warren Buffett|Peter Schiff|Tom Lee|Raoul Pal|Mike Novogratz"
    r"|Hayden Adams|Andre Cronje|Balaji Srinivasan|Richard Heart|Su Zhu|Kyle Davies"
    r"|Elizabeth Warren|Peter Brandt|Richard Teng|Jesse Powell|Paolo Ardoino|Anthony Pompliano"
    r"|Willy Woo|Chris Burniske|Barry Silbert|(?:Tyler|Cameron) Winklevoss|Jamie Dimon"
    r"|Charlie Munger|Ray Dalio|Michael Burry|Paul Tudor Jones|Stanley Druckenmiller|Nayib Bukele"
    r"|Kevin O'Leary|Mark Cuban|Jack Mallers|Samson Mow|Max Keiser|Lyn Alden|Sam Altman"
    r"|Hester Peirce|Paul Atkins|Kazuo Ueda|Haruhiko Kuroda|Fumio Kishida|Shigeru Ishiba"
    r"|Masayoshi Son|Brad Garlinghouse|Sergey Nazarov|Stani Kulechov|Rune Christensen"
    r"|Kathleen Breitman|Emin Gün Sirer|Silvio Micali|Gavin Andresen|Wei Dai|Craig Wright"
    r"|植田和男|黒田東彦|岸田文雄|石破茂|孫正義|植田総裁|黒田総裁"
    r"|Fibonacci|Bollinger(?: Bands)?|Ichimoku(?: Kinko Hyo)?|Elliott|Wyckoff|Dow Theory|Gann"
    r"|ヴィタリック|サトシ・ナカモト|パウエル議長|植田総裁|イーロン・マスク)"
)
VENUES_RE = re.compile(
    r"(?=[A-Zbde])(?<![A-Za-z])"
    r"(?:Binance(?: Japan)?|Coinbase|Kraken|Bybit|OKX|KuCoin|Bitget|Gate\.io|Bitfinex"
    r"|MEXC|HTX|Huobi|Bitstamp|Gemini|Crypto\.com|bitFlyer|Coincheck|bitbank|Upbit|Bithumb"
    r"|Deribit|BitMEX|Phemex|Poloniex|Robinhood|eToro|Revolut|Uphold|Ledger|Trezor|MetaMask"
    r"|Phantom|Trust Wallet|TradingView|CoinGecko|CoinMarketCap|Etherscan|Solscan|DefiLlama"
    r"|Ethereum|Solana|Uniswap|Lido|Arbitrum|Optimism|Chainlink|Aave|MakerDAO|Polygon|Avalanche"
    r"|Cardano|Tether|Circle|Curve|GMX|dYdX|Pendle|EigenLayer|Blast|Base|Starknet|Polkadot"
    r"|Cosmos|Aptos|Celestia|Jupiter|Raydium|Dogecoin|Shiba Inu|Ripple|Stellar|Litecoin|Tron"
    r"|Toncoin|Hyperliquid|Ethena|Jito|OpenSea|Compound|Synthetix|Rocket Pool|Worldcoin"
    r"|Stoch(?:astic)?(?: RSI)?|Heikin Ashi|Keltner|Donchian|Parabolic SAR|Williams %R)"
    r"(?![A-Za-z])"
)
_TOK = r"[A-Z][a-z]{0,2}[A-Z][a-z]+|[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)?|O['’][A-Z][a-z]+"
_PARTICLE = r"(?:van|von|de|der|den|da|del|della|di|le|la|bin|al|el|dos|du)"
NAME = rf"(?:{_TOK})(?:\s+[A-Z]\.)?(?:\s+(?:{_PARTICLE}\s+){{0,2}}(?:{_TOK})){{0,2}}"
CUE = (
    r"(?i:my\s+name\s+is|(?:my\s+)?name's|name\s+is|(?:support\s+)?(?:agent|rep|representative"
    r"|staff|employee|operator)|name\s*[:：]|i\s+am|i'm|this\s+is|it's|call\s+me"
    r"|signed|regards,?|thanks,?|thank\s+you,?|cheers,?|best,?|sincerely,?|referred\s+by"
    r"|sign(?:ed)?\s+(?:\w+\s+){0,2}as|dear|payee\s*:?|card\s?holder(?:\s+is)?\s*:?"
    r"|name\s+on\s+(?:the\s+|my\s+)?(?:card|account|passport)(?:\s+is)?\s*:?"
    r"|(?:legal|full|real|kyc)\s+name(?:\s+is)?\s*:?|in\s+the\s+name\s+of|on\s+behalf\s+of"
    r"|registered\s+(?:under|to)(?:\s+the\s+name)?|under\s+the\s+name|(?:account\s+)?holder\s*:?"
    r"|beneficiary\s*:?|recipient\s*:?|mr\.?|mrs\.?|ms\.?|miss|dr\.?"
    r"|(?:contact|from|to|sender|attn|c/o|owner|signed\s+by)\s*[:：]"
    r"|my\s+(?:\w+\s+)?(?:brother|sister|wife|husband|friend|accountant|dad|mom|mum|father|mother"
    r"|son|daughter|colleague|partner|boss|agent|lawyer|cousin|uncle|aunt|girlfriend|boyfriend"
    r"|manager|advisor|adviser|neighbou?r|roommate|fianc[ée]e?|grandma|grandpa|buddy|mate"
    r"|spouse|nephew|niece|coworker|co-worker|banker|broker|assistant)(?:'s)?(?:\s+name\s+is)?,?)"
)
WEAK_CUE = (
    r"(?i:from|with|add|contact|named|called|ask\s+for|speak\s+(?:to|with)|talk\s+to|and|name"
    r"|hi|hey|hello|thanks|cc|ping|as)"
)
FULL_NAME = rf"(?:{_TOK})(?:\s+[A-Z]\.)?(?:\s+(?:{_PARTICLE}\s+){{0,2}}(?:{_TOK})){{1,2}}"
# The leading lookaheads let the regex engine skip positions no cue can start at (speed).
CUED_NAME_RE = re.compile(
    rf"(?<![\w])(?=[mnitscrbhdaeofuplkMNITSCRBHDAEOFUPLK])(?:{CUE})\s+[\"'“「]?(?P<n>{NAME})"
)
WEAK_CUED_FIRST_RE = re.compile(
    rf"(?<![\w])(?=[fwacnstFWACNST])(?:{WEAK_CUE})\s+(?P<n>[A-Z][a-z]+)\b"
)
WEAK_CUED_NAME_RE = re.compile(
    rf"(?<![\w])(?=[fwacnsthpFWACNSTHP])(?:{WEAK_CUE})\s+(?P<n>{FULL_NAME})"
)
SIGNATURE_RE = re.compile(
    rf"(?:(?:^|\n)[ \t]*[~-]+|(?:^|(?<=\s))[—–]+)[ \t]*(?P<n>{NAME})[ \t]*(?=$|\n|,)"
)
LOWER_CUED_RE = re.compile(
    r"(?=[mnitrhMNITRH])(?i:my\s+name\s+is|name\s*[:：]|i\s+am|i'm|this\s+is|referred\s+by|call\s+me"
    r"|registered\s+(?:under|to)(?:\s+the\s+name)?|holder\s*:?|my\s+\w+(?=\s+[a-z]))\s+"
    r"(?P<n>[a-z]{2,12}(?:\s+[a-z][a-z'-]{1,15})?)(?![\w])"
)
LOWER_HERE_RE = re.compile(
    r"(?<![\w])(?P<s>[a-z]{2,12}\s+[a-z][a-z'-]{1,15})"
    r"(?=\s+here\b|,\s*(?i:tel|phone|email|uid|call|mobile)\b)"
)
_HERE_RE = re.compile(r"\shere\b|,\s*(?i:tel|phone|email|uid|here|call|mobile|from)\b")
START_NAME_RE = re.compile(
    rf"(?<![\w])(?P<n>{NAME})(?=\s+here\b|,\s*(?i:tel|phone|email|uid|here|call|mobile|from)\b)"
)
NAME_VERB_RE = re.compile(
    r"(?<![\w@#/.-])(?P<n>[A-Z][a-z]{1,15})\s+(?:told|said|says|asked|recommended|sent|lost|wants"
    r"|thinks|suggested|referred|helped|gave|owes|called|texted|emailed)\b"
)
GAZETTEER_RE = re.compile(rf"(?<![\w@#/.-])(?P<n>{FULL_NAME})(?![\w@])")
JA_SURNAMES = (
    "佐藤|鈴木|高橋|田中|伊藤|渡辺|渡邊|山本|中村|小林|加藤|吉田|山田|佐々木|山口|松本|井上|木村|林|清水"
    "|斎藤|斉藤|山崎|森|池田|橋本|阿部|石川|山下|中島|石井|小川|前田|岡田|長谷川|藤田|後藤|近藤|村上|遠藤"
    "|青木|坂本|西村|福田|太田|三浦|藤井|岡本|松田|中川|中野|原田|小野|田村|竹内|金子|和田|中山|石田|上田"
)
_JA_GIVEN = (
    r"(?:[ \u3000]?[\u4e00-\u9fff]{1,2}[\u3040-\u309f]{0,2}|[ \u3000]?[\u3040-\u309f]{2,3})??"
)
JA_CUE_AFTER = r"(?=と申します|といいます|と言います|です|でございます|さん|様|氏|くん|ちゃん|名義)"
JA_NAME_RE = re.compile(rf"(?P<n>(?:{JA_SURNAMES}){_JA_GIVEN}){JA_CUE_AFTER}")
_JA_FULL = (
    r"[\u4e00-\u9fff]{1,4}(?:[ \u3000]?[\u4e00-\u9fff]{1,3}|[ \u3000][\u3040-\u309f]{2,4}?"
    r"(?=です|で|は|が|に|を|の|と|さん|様|。|、|\s|$))?"
)
JA_CUED_RE = re.compile(
    rf"(?:名義は|名前は|名前[:：]\s*|氏名[:：は]\s*|名義[:：]\s*|担当の|担当者は)(?P<n>{_JA_FULL})"
    rf"|(?P<m>[\u4e00-\u9fff]{{2,4}}(?:[ \u3000]?[\u4e00-\u9fff\u3040-\u309f]{{1,3}})?)"
    r"(?=と申します|といいます)"
)

JA_HONORIFIC_RE = re.compile(
    r"(?<![\u4e00-\u9fff])(?P<n>[\u4e00-\u9fff]{2,4})(?=さん|様|氏|くん|ちゃん)"
)
JA_NOT_NAMES = frozenset(
    {"運営", "管理人", "担当", "社長", "先生", "会社", "皆", "お客", "取引所", "総裁"}
)

_JA_NOT_NAMES_RE = re.compile("|".join(sorted(JA_NOT_NAMES)))


def protected_names(text: str) -> list[tuple[int, int]]:
    """Return spans of public figures and named indicators, which must survive."""
    spans = [m.span() for m in PUBLIC_NAMES_RE.finditer(text)]
    return spans + [m.span() for m in VENUES_RE.finditer(text)]


# every capitalised-name pattern below holds an upper-case letter followed by a lower-case one
_CAPITALISED_RE = re.compile(r"[A-Z][a-z]")


def people(text: str) -> list[Candidate]:
    """Return candidate names: capitalised after cues or known, lower-case after cues, Japanese."""
    out = _capitalised_people(text) if _CAPITALISED_RE.search(text) else []
    out += _lowercase_people(text)
    if _has_cjk(text):
        out += _japanese_people(text)
    return out


def _capitalised_people(text: str) -> list[Candidate]:
    out: list[Candidate] = []
    here = _HERE_RE.search(text) is not None
    for rx in (
        (CUED_NAME_RE, WEAK_CUED_NAME_RE, START_NAME_RE)
        if here
        else (CUED_NAME_RE, WEAK_CUED_NAME_RE)
    ):
        for m in rx.finditer(text):
            span = _trim_name(text, m.start("n"), m.end("n"))
            if span is not None:
                out.append(Candidate(*span, L.PERSON, 30))
    if "-" in text or "~" in text or "—" in text or "–" in text:
        out += [Candidate(*m.span("n"), L.PERSON, 30) for m in SIGNATURE_RE.finditer(text)]
    for m in (*NAME_VERB_RE.finditer(text), *WEAK_CUED_FIRST_RE.finditer(text)):
        if m.group("n") in GIVEN_NAMES and m.group("n") not in NOT_NAMES:
            out.append(Candidate(*m.span("n"), L.PERSON, 29))
    for m in GAZETTEER_RE.finditer(text):
        words = m.group("n").split()
        known = words[0] in FIRST_NAMES or (words[0] in GIVEN_NAMES and words[-1] in SURNAMES)
        if known and words[0] not in NOT_NAMES:
            out.append(Candidate(*m.span("n"), L.PERSON, 29))
    if "," in text:
        out += _surname_first(text)
    return out


SURNAME_FIRST_RE = re.compile(
    r"(?<![\w@#/.-])(?P<n>(?P<s>[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?),\s*(?P<g>[A-Z][a-z]+)"
    r"(?:\s+[A-Z]\.)?)(?![\w])"
)


def _surname_first(text: str) -> list[Candidate]:
    """Names written surname first, as on forms and lists: "Nowak, Henrik"."""
    return [
        Candidate(*m.span("n"), L.PERSON, 29)
        for m in SURNAME_FIRST_RE.finditer(text)
        if m.group("s") in SURNAMES and m.group("g") in GIVEN_NAMES
    ]


def _lowercase_people(text: str) -> list[Candidate]:
    """Names typed in lower case after a cue, accepted only if the first is a known name."""
    out = []
    found = list(LOWER_CUED_RE.finditer(text))
    if _HERE_RE.search(text):
        found += LOWER_HERE_RE.finditer(text)  # fmt: skip
    for m in found:
        group = "n" if "n" in m.re.groupindex and m.group("n") else "s"
        words = m.group(group).split()
        if words[0].capitalize() in GIVEN_NAMES:
            start = m.start(group)
            keep = 2 if len(words) > 1 and words[1] not in _STOPWORDS else 1
            end = start + len(words[0]) if keep == 1 else m.end(group)
            out.append(Candidate(start, end, L.PERSON, 30))
    return out


def _japanese_people(text: str) -> list[Candidate]:
    out = [Candidate(*m.span("n"), L.PERSON, 31) for m in JA_NAME_RE.finditer(text)]
    for m in JA_HONORIFIC_RE.finditer(text):
        if _JA_NOT_NAMES_RE.search(m.group("n")) is None:
            out.append(Candidate(*m.span("n"), L.PERSON, 29))
    for m in JA_CUED_RE.finditer(text):
        group = "n" if m.group("n") else "m"
        out.append(Candidate(*m.span(group), L.PERSON, 31))
    for m in KANA_NAME_RE.finditer(text):
        group = "n" if m.group("n") else "k"
        if m.group(group) not in KANA_NOT_NAMES:
            out.append(Candidate(*m.span(group), L.PERSON, 29))
    return out


# a katakana name before an honorific or after a name cue ("マイケルさん", "名前はエマ・ワトソン")
_KANA = r"[\u30a1-\u30fa\u30fc]{2,10}(?:[・=＝ \u3000][\u30a1-\u30fa\u30fc]{2,10})?"
KANA_NAME_RE = re.compile(
    r"(?<![\u30a0-\u30ff])(?P<n>" + _KANA + ")"
    r"(?=さん|様|氏|くん|ちゃん|と申します|といいます)"
    r"|(?:名義は|名前は|名前[:：]\s*|氏名[:：は]\s*|名義[:：]\s*|担当の|担当者は)"
    r"(?P<k>" + _KANA + ")"
)
KANA_NOT_NAMES = frozenset(
    {"サポート", "カスタマー", "ユーザー", "スタッフ", "オペレーター", "マネージャー",
     "メンバー", "トレーダー", "ホルダー", "オーナー", "クライアント", "ゲスト", "フォロワー",
     "サポーター", "エージェント", "ママ", "パパ"}
)  # fmt: skip


_STOPWORDS = frozenset(
    {"and", "or", "but", "to", "for", "the", "a", "an", "is", "was", "from", "on", "in", "at",
     "with", "here", "there", "told", "said", "says", "do", "does", "did", "can", "will",
     "would", "should", "have", "has", "had", "be", "been"}
)  # fmt: skip


def _trim_name(text: str, start: int, end: int) -> tuple[int, int] | None:
    words = text[start:end].split()
    while words and words[-1] in NOT_NAMES:
        words.pop()
    if not words or words[0] in NOT_NAMES:
        return None
    end = start + len(" ".join(words)) if " " in text[start:end] else start + len(words[0])
    return start, text.find(words[-1], start) + len(words[-1])


_CJK_RE = re.compile("[\u3040-\u9fff]")


def _has_cjk(text: str) -> bool:
    return not text.isascii() and _CJK_RE.search(text) is not None


DETECTORS = (people, addresses.addresses)
