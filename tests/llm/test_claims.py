"""The claim check (llm.claims): table of answers that must be withdrawn, and why, and of
good answers that must be kept. The notes are written here, so the table does not move when
the knowledge base is edited."""

from __future__ import annotations

import pytest

from llm.claims import (
    ClaimVerdict,
    Definition,
    Evidence,
    Rejection,
    check_claims,
    direction_pairs,
    japanese_share,
    loops,
)

CROSS = (
    "A golden cross is when the 50-day moving average crosses above the 200-day moving "
    "average; a death cross is when it crosses below. Both are lagging trend signals."
)
MARGIN = (
    "Isolated margin limits the collateral of a position to what you assign to it; cross "
    "margin shares your whole balance among positions, so one loss can drain the account."
)
AROON = (
    "The Aroon indicator measures how many periods have passed since the highest high and "
    "the lowest low of a window; Aroon Up near 100 means a fresh high, a sign of an uptrend."
)
MAKER = (
    "A maker adds an order to the book that rests until someone trades with it; a taker trades "
    "against a resting order. Exchanges usually charge takers more, for example 0.1% taker "
    "against 0.08% maker."
)
MACD = (
    "The MACD histogram is the gap between MACD and its signal line. When the histogram turns "
    "positive, momentum is turning up; when it turns negative, momentum is turning down."
)
FUNDING = (
    "Perpetual futures use a funding rate paid between longs and shorts every few hours. "
    "Positive funding means longs pay shorts."
)
FUNDING_JA = (
    "ファンディングレートは無期限先物で数時間ごとにロングとショートの間で支払われる手数料です。"
    "プラスのときはロングがショートに支払います。"
)
RSI_JA = (
    "RSIは買いの勢いを0〜100で表すオシレーターです。70以上は「買われすぎ」、30以下は「売られすぎ」と"
    "呼ばれます。"
)
SUPPORT_JA = "サポートラインは、過去に下落が止まった価格帯です。何度も試された水準ほど重要です。"
ETH_FACTS = ("ETH/USDT price: 2431.5 USDT", "ETH/USDT 24h change: -10.02%")


def evidence(question: str, *notes: str, facts: tuple[str, ...] = ()) -> Evidence:
    names = {
        CROSS: ("golden cross", "death cross"),
        MARGIN: ("cross margin", "isolated margin"),
        AROON: ("aroon", "aroon indicator"),
        MAKER: ("maker", "taker"),
        MACD: ("macd", "histogram"),
        FUNDING: ("funding rate", "funding"),
    }
    definitions = tuple(Definition(names.get(n, ()), n) for n in notes)
    return Evidence(tuple(notes), facts, question, definitions)


REJECTED = [
    (  # an invented definition built from the other note's words
        "A death cross is a type of cross margin that is used to detect and prevent the death "
        "of a position.",
        evidence("What is a death cross?", CROSS, MARGIN),
        Rejection.DEFINITION,
    ),
    (
        "The Aroon indicator is used to detect and prevent price manipulation by the Aronoff rule.",
        evidence("What is the Aroon indicator?", AROON),
        Rejection.UNSUPPORTED,
    ),
    (
        "The Aroon indicator is used to detect and prevent price manipulation by the Aronoff rule.",
        evidence("What is the Aroon indicator?", AROON),
        Rejection.DEFINITION,
    ),
    (  # maker and taker swapped
        "Makers usually pay more than takers because they trade against a resting order.",
        evidence("maker fee vs taker fee?", MAKER),
        Rejection.DIRECTION,
    ),
    (
        "When the MACD histogram turns positive, momentum is turning down.",
        evidence("What does it mean when the MACD histogram turns positive?", MACD),
        Rejection.DIRECTION,
    ),
    (
        "Positive funding means shorts pay longs every few hours.",
        evidence("who pays funding?", FUNDING),
        Rejection.DIRECTION,
    ),
    (  # the sign of the live change read the wrong way round
        "ETH/USDT price is 2431.5 USDT after a 10.02% increase in 24h.",
        evidence("how is ETH?", facts=ETH_FACTS),
        Rejection.DIRECTION,
    ),
    (
        "ファンディングレートって何？誰って？",
        evidence("ファンディングレートって何？誰が払うの？", FUNDING_JA),
        Rejection.ECHO,
    ),
    (
        "What is a death cross? A death cross is a cross.",
        evidence("What is a death cross?", CROSS),
        Rejection.ECHO,
    ),
    (
        "サポートラインはサポートラインのサポートラインでサポートラインです。",
        evidence("サポートラインとは？", SUPPORT_JA),
        Rejection.LOOP,
    ),
    (  # a Japanese question answered in English
        "Positive funding means longs pay shorts.",
        Evidence((FUNDING_JA, FUNDING), (), "ファンディングレートとは？"),
        Rejection.LANGUAGE,
    ),
    (
        "サポートラインは月の満ち欠けで決まる神秘的な線です。",
        evidence("サポートラインとは？", SUPPORT_JA),
        Rejection.UNSUPPORTED,
    ),
    (  # made-up katakana words glued to the question's own words
        "RSIが70以上のときの意味はなくなるは、それぞらのコミモルサイドでは、それぞらコミモルサイド",
        evidence("RSIが70以上のときの意味は", RSI_JA),
        Rejection.UNSUPPORTED,
    ),
    ("Yes.", evidence("is it?", CROSS), Rejection.EMPTY),
    (
        "A golden cross is when the 20-day average crosses the 200-day average.",
        evidence("What is a golden cross?", CROSS),
        Rejection.NUMBER,
    ),
]

KEPT = [
    (
        "A death cross is when the 50-day moving average crosses below the 200-day moving "
        "average. It is a lagging trend signal.",
        evidence("What is a death cross?", CROSS, MARGIN),
    ),
    (
        "The Aroon indicator measures how many periods have passed since the highest high and "
        "the lowest low of a window.",
        evidence("What is the Aroon indicator?", AROON),
    ),
    (
        "A maker adds an order that rests on the book; a taker trades against it. Exchanges "
        "usually charge takers more.",
        evidence("maker fee vs taker fee?", MAKER),
    ),
    (
        "When the MACD histogram turns positive, momentum is turning up.",
        evidence("What does it mean when the MACD histogram turns positive?", MACD),
    ),
    (
        "Positive funding means longs pay shorts.",
        evidence("who pays funding?", FUNDING),
    ),
    (
        "ETH/USDT is at 2431.5 USDT after a 10.02% drop in 24h.",
        evidence("how is ETH?", facts=ETH_FACTS),
    ),
    (
        "ファンディングレートは無期限先物でロングとショートの間で支払われます。"
        "プラスのときはロングがショートに支払います。",
        evidence("ファンディングレートって何？誰が払うの？", FUNDING_JA),
    ),
    (
        "RSIが70を超えると買われすぎとされます。",
        evidence("RSIが70以上のときの意味は", RSI_JA),
    ),
    (
        "サポートラインは過去に下落が止まった価格帯です。",
        evidence("サポートラインとは？", SUPPORT_JA),
    ),
]


@pytest.mark.parametrize(("answer", "given", "reason"), REJECTED)
def test_withdrawn_answers_name_their_reason(
    answer: str, given: Evidence, reason: Rejection
) -> None:
    japanese = japanese_share(given.question) > 0.5
    verdict = check_claims(answer, given, japanese=japanese)
    assert not verdict.ok
    assert reason in verdict.reasons, verdict.reasons


@pytest.mark.parametrize(("answer", "given"), KEPT)
def test_supported_answers_are_kept(answer: str, given: Evidence) -> None:
    japanese = japanese_share(given.question) > 0.5
    assert check_claims(answer, given, japanese=japanese) == ClaimVerdict(ok=True)


def test_direction_pairs_link_each_term_to_the_next_of_another_family() -> None:
    # up/down is family 0, positive/negative family 2; side 0 is up/positive.
    assert direction_pairs("it turns positive, then down") == {(0, 1, 2, 0)}
    assert direction_pairs("no direction here") == set()


@pytest.mark.parametrize(
    ("text", "looping"),
    [
        ("サポートラインはサポートラインのサポートラインです", True),
        ("support support support support support", True),
        ("RSI compares recent gains with recent losses over 14 periods.", False),
    ],
)
def test_loops(text: str, looping: bool) -> None:
    assert loops(text) is looping
