"""ADDRESS: a street (a street-type word and a house number, in any country's order), then
the parts that follow it in a postal address (unit, city, region code, postcode), and
Japanese addresses (〒, prefecture, ward, 丁目/番地/号).

The street is one of three orders: number first (`12 Baker Street`, `282 Rue Sainte-Catherine`),
type first (`Rua Augusta, 1313`, `Via Roma 10`, `ul. Długa 5`), or a type suffix
(`Hauptstraße 5`, `Keizersgracht 123`, `Drottninggatan 53`). The tail takes, one by one,
whatever a postal line is made of — apartment words, postcodes of the common national shapes
(`12345-678`, `1015 CJ`, `111 21`, `00-950`, `M5H 1K5`, `NW1 6XE`), capitalised place
names and two- or three-letter region codes — and stops at the first thing that is none
of them, so the words after an address ("last month", "(BTC at …)") stay.
"""

from __future__ import annotations

import re

from privacy.redact.candidates import Candidate
from privacy.redact.labels import Label

L = Label

# street-type words by where they stand: after the name ("Baker Street"), after the number
# and before the name ("282 Rue Sainte-Catherine"), or first, the number last ("Rua Augusta, 1313")
_TYPE_AFTER = (
    r"(?:street|st|avenue|ave|road|rd|lane|ln|drive|dr|boulevard|blvd|place|pl|way|court|ct"
    r"|terrace|close|crescent|square|sq|parkway|pkwy|highway|hwy|circle|cir|row|mews|gardens"
    r"|walk|trail|plaza|alley|grove|hill|park|quay|wharf|esplanade|promenade)\.?"
)
_TYPE_BEFORE = (
    r"(?:rue|avenue|av|boulevard|bd|place|allee|impasse|chemin|quai|route|cours|passage"
    r"|chaussee|via|viale|piazza|corso|calle|avenida|plaza|rua)\.?"
)
_TYPE_FIRST = (
    r"(?:via|viale|piazza|piazzale|corso|largo|vicolo|strada|calle|c/|carrer|avenida|avda"
    r"|paseo|carrera|camino|ronda|travesia|rua|travessa|praca|alameda|estrada|rodovia|ladeira"
    r"|ul|ulica|al|aleja|os|osiedle|plac|bulevar|bulevardul|ulitsa|prospekt)\.?"
)
# street-type suffixes written onto the name (German, Dutch, Nordic, Finnish)
_SUFFIX = (
    r"(?:stra(?:ss|ß)e|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|steig|pfad"
    r"|straat|gracht|laan|plein|kade|singel|dijk|gade|gatan|vagen|vägen|vej|veien|gata"
    r"|katu|tie|kuja)"
)
_UP = r"[A-ZÀ-ÖØ-ÞĀ-ŽŁ]"
_WORD = r"[^\W\d_]"
_NUM = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,4}[A-Za-z]?)?(?:\s?(?:bis|ter))?(?!\d)"
# a street's own name may be typed in lower case ("12 baker street"), but never be a word that
# only glues a sentence together ("5 btc on the way")
_GLUE = (
    r"(?:on|in|at|to|the|of|for|my|a|an|and|or|is|by|from|with|all|way|this|that|it|its|be"
    r"|me|we|you|they|our|your|per|via|out|up|down|off|over|into|onto|back|away|more|less)"
)
_LOW_WORD = rf"(?!{_GLUE}(?!{_WORD}))[a-zà-ÿ]{_WORD}{{2,}}(?:['’-]{_WORD}+)*"
_CAP_WORD = (
    rf"(?:(?:[dlDL]['’])?{_UP}{_WORD}*(?:['’.-]{_WORD}+)*|\d{{1,3}}(?:st|nd|rd|th)|{_LOW_WORD})"
)
_NAME_WORD = (
    rf"(?:{_UP}{_WORD}*(?:['’.-]{_WORD}+)*\.?|[IVX]{{1,4}}|\d{{1,2}}(?:st|nd|rd|th|º|ª)?"
    r"|de|da|do|dos|das|del|della|dei|di|la|las|los|le|les|du|des|van|von|der|den|of|the"
    r"|e|y|d['’]|l['’]|sainte?|san|santa|sao|" + _LOW_WORD + ")"
)
_STREET = (
    rf"(?:{_NUM},?\s+{_CAP_WORD}\s+(?:{_NAME_WORD}\s+){{0,3}}(?i:{_TYPE_AFTER})(?!{_WORD})"
    rf"|{_NUM},?\s+(?i:{_TYPE_BEFORE})\s+(?:{_NAME_WORD}\s+){{0,4}}{_CAP_WORD}"
    rf"|(?<!{_WORD})(?i:{_TYPE_FIRST})\s+{_CAP_WORD}(?:[\s,]+{_NAME_WORD}){{0,4}}[\s,]+"
    rf"(?:n[º°o]\.?\s*)?{_NUM}"
    rf"|{_UP}{_WORD}*(?i:{_SUFFIX})\s+{_NUM}"
    r"|(?i:p\.?\s?o\.?\s+box)\s+\d{1,6}"
    # romanised Japanese: "2-8-1 Nishi-Shinjuku, Shinjuku-ku"
    rf"|(?:\d{{1,2}}-\d{{1,2}}(?:-\d{{1,3}})?,?\s+)?{_UP}[a-z]+(?:-[A-Za-z]+)*(?:\s+\d{{1,2}}-\d{{1,2}}"
    rf"(?:-\d{{1,3}})?)?,?\s+{_UP}[a-z]+-(?:ku|shi|cho|machi|gun|ken)(?![a-z]))"
)
# the number is the unit's: "Flat 12, MG Road", "House No. 5, Park Lane"
_UNIT_STREET = (
    rf"(?i:flat|house|unit|apt|apartment|suite|plot|shop)\.?\s*(?i:no\.?\s*)?\d{{1,5}}[A-Za-z]?,?\s+"
    rf"{_CAP_WORD}(?:\s+{_NAME_WORD}){{0,3}}\s+(?i:{_TYPE_AFTER})(?!{_WORD})"
)
_POSTCODE = (
    r"(?:\d{5}(?:-\d{3,4})?|\d{4}\s?[A-Z]{2}(?![A-Za-z])|\d{3}\s\d{2}|\d{2}-\d{3}|\d{4}(?:-\d{3})?"
    r"|\d{3}-\d{4}|\d{6}|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|[A-Z]\d[A-Z]\s?\d[A-Z]\d"
    r"|[A-Z]\d{2}\s?[A-Z0-9]{4})(?![\w/])"
)
_UNIT = (
    r"(?i:apartment|appt|apto|apt|app|unit|suite|ste|flat|piso|andar|etage|floor|fl|bloco"
    r"|depto|dpto|dept|no|nr|bus|interno|int|esc|puerta|porta|casa|room|rm)(?![A-Za-z])\.?\s*#?\s*"
    r"(?=[A-Za-z]?\d|[A-Za-z](?!\w))[A-Za-z0-9-]{1,6}(?![\w])|#\s*\d[A-Za-z0-9-]{0,5}(?![\w])"
)
_PLACE_WORD = rf"{_UP}{_WORD}+(?:['’-]{_WORD}+)*(?!\w)"
_PLACE = (
    rf"{_PLACE_WORD}(?:\s+(?:{_PLACE_WORD}|(?:de|do|da|del|der|im|la|le|sur|am|an|upon|on)(?!\w)))"
    r"{0,3}"
)
_REGION = r"[A-Z]{2,3}(?=\s*(?:[,;]|$|\s+\d|\s+[A-Z]\d|\s*-))"
_SEP = r"(?:\s*[,;]\s*|\s+[-–]\s+|\s+)"
ADDRESS_RE = re.compile(
    rf"(?:(?:(?:{_UNIT}),?\s+)?{_STREET}|{_UNIT_STREET})(?:,?\s+(?:{_UNIT})|\s+(?:N|S|E|W|O|NE|NW|SE|SW)\b)?"
    rf"(?:{_SEP}(?:{_UNIT}|{_POSTCODE}|{_REGION}|{_PLACE})){{0,6}}"
)
_DIGIT_RE = re.compile(r"\d")
# Words that can make a street: a street-type word, or a word ending in a street suffix. A
# set lookup over the text's words decides whether the slow full pattern runs at all.
_TYPE_WORDS = frozenset(
    w for rx in (_TYPE_AFTER, _TYPE_BEFORE, _TYPE_FIRST) for w in rx[3:-4].split("|") if w.isalpha()
) | {"box", "flat", "house", "plot", "shop"}
_SUFFIXES = ("strasse", "straße", "str", "weg", "allee", "platz", "gasse", "ring", "damm", "ufer",
             "chaussee", "steig", "pfad", "straat", "gracht", "laan", "plein", "kade", "singel",
             "dijk", "gade", "gatan", "vagen", "vägen", "vej", "veien", "gata", "katu", "tie",
             "kuja")  # fmt: skip
_LETTERS_RE = re.compile(r"[^\W\d_]+")


def _may_hold_street(text: str) -> bool:
    """Return whether some word of text is a street-type word or ends in a street suffix."""
    low = text.lower()
    return (
        "c/" in low
        or "-ku" in low
        or any(w in _TYPE_WORDS or w.endswith(_SUFFIXES) for w in _LETTERS_RE.findall(low))
    )


# Chinese and Korean street numbers: "建国路88号", "테헤란로 123"
CJK_STREET_RE = re.compile(
    r"[\u4e00-\u9fff]{1,12}(?:路|街|大道|道|巷|弄)\d{1,5}(?:号|號)(?:[\u4e00-\u9fff\d]{0,12}(?:室|楼|樓))?"
    r"|(?:[\uac00-\ud7a3]+\s?){0,3}[\uac00-\ud7a3]+(?:로|길)\s?\d{1,5}(?:-\d{1,4})?"
)
JA_WARD_ADDRESS_RE = re.compile(
    r"[\u4e00-\u9fff]{1,6}(?:市|区|町|村)[\u4e00-\u9fff\u3040-\u30ffー]{1,10}?"
    r"(?:[\d一二三四五六七八九十]+丁目)?[\d一二三四五六七八九十]+(?:[-−－の]\d+){1,3}(?:番地?|号)?"
    r"(?:\s*[\u4e00-\u9fff\u30a0-\u30ffー]+\s?\d+(?:号室|F|階)?)?"
)
JA_ADDRESS_RE = re.compile(
    r"(?:〒\s?\d{3}[-−－]?\d{4}\s*)?(?:東京都|北海道|(?:京都|大阪)府|[\u4e00-\u9fff]{2,3}県)"
    r"[\u4e00-\u9fff\u3040-\u30ffー]{1,20}?(?:[\d一二三四五六七八九十]+丁目)?"
    r"[\d一二三四五六七八九十]+(?:(?:[-−－の]|番地?|号)\d+){0,3}(?:番地?|号)?"
    r"(?:\s*[\u4e00-\u9fff\u30a0-\u30ffーA-Za-z]+\s?\d+(?:号室|F|階)?)?|〒\s?\d{3}[-−－]\d{4}"
)
_CJK_RE = re.compile("[\u3040-\u9fff]")
# a cheap necessary condition: a number next to a letter (either order), or 〒
_NEAR_RE = re.compile(r"\d[\s,]{0,2}[^\W\d_]|[^\W\d_][.,]?\s{1,2}\d|[^\W\d_]\d|〒")


def addresses(text: str) -> list[Candidate]:
    """Postal addresses: a street in any country's order with the lines after it; Japanese."""
    if _DIGIT_RE.search(text) is None or _NEAR_RE.search(text) is None:
        return []
    out = []
    for m in ADDRESS_RE.finditer(text) if _may_hold_street(text) else ():
        end = m.end()
        while end > m.start() and text[end - 1] in " ,;-–":
            end -= 1
        out.append(Candidate(m.start(), end, L.ADDRESS, 68))
    if not text.isascii() and (_CJK_RE.search(text) or "〒" in text):
        out += [Candidate(*m.span(), L.ADDRESS, 68) for m in JA_ADDRESS_RE.finditer(text)]
        out += [Candidate(*m.span(), L.ADDRESS, 67) for m in JA_WARD_ADDRESS_RE.finditer(text)]
    if not text.isascii():
        out += [Candidate(*m.span(), L.ADDRESS, 67) for m in CJK_STREET_RE.finditer(text)]
    return out
