"""The claims check: every figure in a post must trace to a verified, unexpired claim.

Pure (no Django): it reads figures from text in every script a mission writes in (Kazakh,
Russian, English, Turkish, German, French, Chinese, Arabic, Persian) and compares them with claim
records. How a number is written (digits, separators, Chinese numerals) is read by
``elshi.content.figures``; this module decides what is a figure. Rules:

- A *figure* is a rank (24th, 24-е место, 24-ші орын, rank 24, 24. Platz, 7. sırada, 7'nci,
  7e place, 第7位, 第七位, 排名第7, المرتبة ٧), a percentage (12%, 12,5 процента, 12 пайыз,
  %5 and yüzde 5 in Turkish, 5 Prozent, 百分之五, ٥٪), or an amount (1.2 billion, 3 млн, $500,
  3,5 Mrd., 35亿, 三千五百万, and plain numbers of four digits or more: 1 200 000, 1.234.567).
- Numbers inside links, hashtags and @mentions, times (10:30), dates (12.05.2024, 2024-05-12),
  phone numbers (+7 7172 72 00 00), addresses (10.0.0.1) and list numbering at the start of a
  line are not figures; nor are small counts (5 consulates, 七个).
- A four-digit year in the same sentence (1900-2099, 2024年, ٢٠٢٤) is the figure's *period*;
  a year on its own is not a figure.
- ``language`` (the variant's) decides what the digits cannot: "1.234" is 1234 in German and
  1.234 in English. Without one, a separator before exactly three digits groups thousands.
- A figure is **ok** when a claim linked to the post has the same value and
  unit (and the same period when both give one) and is verified and unexpired;
  **suggest** when such a claim exists in the library but is not linked;
  **stale** when only unverified or expired claims match; **contradicts** when a
  valid claim of the same unit and period says another value; otherwise
  **unmatched**. All but ok (and an approver's override) block submission.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from elshi.content.figures import CJK_NUMERAL, CJK_NUMERAL_CHARS, normalise_digits, parse_cjk, parse_number

__all__ = ["BLOCKING", "ClaimRef", "Figure", "FigureCheck", "check_text", "find_figures"]

BLOCKING = frozenset({"suggest", "stale", "contradicts", "unmatched"})

_SKIP = re.compile(
    r"https?://\S+|www\.\S+|[#@](?!\d+\b)[\w.]+|\b\d{1,2}:\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
    r"|\b(?:19|20)\d{2}-\d{1,2}-\d{1,2}\b"  # ISO dates
    r"|\b(?!\d{1,3}(?:\.\d{3}){3}\b)\d{1,3}(?:\.\d{1,3}){3}\b"  # network addresses, not 1.000.000.000
    r"|\+\d{1,3}(?:[\s-]?\(?\d{2,5}\)?)(?:[\s-]?\d{2,4}){2,4}(?!\d)"  # phone numbers, international
    r"|(?<!\d)\d?\s?\(\d{2,5}\)\s?\d{2,4}(?:[\s-]?\d{2,4}){1,3}(?!\d)"  # 8 (7172) 72-00-00
    r"|\b\d{2,4}-\d{2}-\d{2}(?:-\d{2})?\b"  # 72-00-00
    r"|(?m:^[ \t]*\d{1,3}[.)](?=\s)(?!\s?(?i:platz|rang|stelle|position|sıra|basamak)))"  # list numbering
)
_SEP = "[ \u00a0\u202f\u2009,.']"
_NUMBER = rf"(?<![\d.,])(\d{{1,3}}(?:{_SEP}\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_DIGITS_OR_HAN = rf"(\d{{1,3}}|{CJK_NUMERAL})"
_WORD_SCALES = {
    "thousand": 10**3, "тыс": 10**3, "тысяч": 10**3, "мың": 10**3, "bin": 10**3, "tausend": 10**3,
    "mille": 10**3, "ألف": 10**3,
    "million": 10**6, "millions": 10**6, "mln": 10**6, "млн": 10**6, "миллион": 10**6, "миллиона": 10**6,
    "миллионов": 10**6, "milyon": 10**6, "millionen": 10**6, "mio": 10**6, "مليون": 10**6,
    "billion": 10**9, "billions": 10**9, "bn": 10**9, "млрд": 10**9, "миллиард": 10**9,
    "миллиарда": 10**9, "миллиардов": 10**9, "milyar": 10**9, "milliarde": 10**9, "milliarden": 10**9,
    "mrd": 10**9, "milliard": 10**9, "milliards": 10**9, "مليار": 10**9,
    "trillion": 10**12, "трлн": 10**12, "trilyon": 10**12, "billionen": 10**12,
}  # fmt: skip
_HAN_SCALES = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "十亿": 10**9, "亿": 10**8, "千万": 10**7}
_HAN_SCALES |= {"百万": 10**6, "十万": 10**5, "万": 10**4, "千": 10**3}
_SCALES = _WORD_SCALES | _HAN_SCALES
# The scales written short: their dot is part of the figure and ends no sentence.
_ABBREVIATED = (
    "(?:" + "|".join(f"(?<={w})\\." for w in ("тыс", "млн", "млрд", "трлн", "mio", "mrd", "bn", "mln")) + ")"
)
_CURRENCY = r"(?:US\$|USD\s?|\$|€|£|₸|₺)"
_PERCENT_AFTER = (
    r"\s?(?:%|percent\b|per cent\b|pour cent\b|prozent\b|процент\w*|пайыз\w*|درصد|"
    r"(?:في |بال)(?:المائة|المئة))"
)
_ORDINAL_WORDS = r"(?:platz|rang|stelle|position|sıra|basamak)\w*"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("percent", re.compile(_NUMBER + _PERCENT_AFTER, re.I)),
    ("percent", re.compile(r"(?:%|\byüzde\s)\s?" + _NUMBER, re.I)),  # Turkish: %5, yüzde 5
    ("percent", re.compile(rf"百分之({CJK_NUMERAL}|\d+(?:\.\d+)?)")),
    (
        "rank",
        re.compile(
            r"(?:rank(?:ed)?|place|platz|rang|№|место|орын|المرتبة|المركز|الترتيب|رتبه)"
            r"\s?(?:#|الـ|ال)?\s?(\d{1,3})(?!\w)",
            re.I,
        ),
    ),
    ("rank", re.compile(r"#(\d{1,3})\b(?!\w)")),
    ("rank", re.compile(r"\b(\d{1,3})\s?(?:st|nd|rd|th)\b", re.I)),
    (
        "rank",
        re.compile(r"\b(\d{1,3})[-‑–]?(?:е|й|м|го|ом|ое|ая|ую|ей)\s+(?:мест\w*|позици\w*|строчк\w*)", re.I),
    ),
    ("rank", re.compile(r"\b(\d{1,3})(?:[-‑–]?(?:ші|шы|інші|ыншы|нші|ншы))?[-‑–\s]+орын\w*", re.I)),
    ("rank", re.compile(rf"(?<![\d.,])(\d{{1,3}})\.\s?{_ORDINAL_WORDS}", re.I)),  # 24. Platz, 7. sırada
    ("rank", re.compile(r"\b(\d{1,3})['’]?(?:inci|ıncı|uncu|üncü|nci|ncı|ncu|ncü)\b(?:\s+sıra\w*)?", re.I)),
    ("rank", re.compile(r"\b(\d{1,3})(?:e|ème|eme|er|re|ᵉ)\s+(?:place|rang|position)\b", re.I)),
    ("rank", re.compile(rf"(?:排名|排在|位居|名列|位列|居)第\s?{_DIGITS_OR_HAN}\s?(?:位|名)?")),
    ("rank", re.compile(rf"第\s?{_DIGITS_OR_HAN}\s?(?:位|名)")),
    ("amount", re.compile(rf"{_CURRENCY}?{_NUMBER}\s?({'|'.join(_WORD_SCALES)})\b{_ABBREVIATED}?", re.I)),
    ("amount", re.compile(rf"{_CURRENCY}?{_NUMBER}\s?({'|'.join(_HAN_SCALES)})")),
    ("amount", re.compile(rf"{_CURRENCY}{_NUMBER}(?!\d)")),
    ("amount", re.compile(rf"(?<![\d.,])(\d{{1,3}}(?:{_SEP}\d{{3}})+(?:[.,]\d+)?|\d{{4,}})(?![\d])")),
    ("amount", re.compile(rf"(?<![{CJK_NUMERAL_CHARS}])({CJK_NUMERAL})")),  # 三千五百万 (small ones drop out)
]
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
# Dots that do not end a sentence: "7. sırada", "24. Platz", and the abbreviated scales (3 млн. в 2024 году).
_NOT_AN_END = re.compile(
    rf"(?<=\d)\.(?=\s?{_ORDINAL_WORDS})|" + _ABBREVIATED,
    re.I,
)
_SENTENCE = re.compile(r".+?(?:[.!?؟](?=\s|$)|[。！？]|\n|$)", re.S)


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """What the check needs of a claim."""

    id: int
    value: Decimal
    unit: str  # rank | percent | count | usd | year | other
    period: int | None
    valid: bool  # verified and not expired
    label: str


@dataclass(frozen=True, slots=True)
class Figure:
    text: str
    kind: str  # rank | percent | amount
    value: Decimal
    period: int | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class FigureCheck:
    figure: Figure
    status: str  # ok | suggest | stale | contradicts | unmatched | overridden
    claim: ClaimRef | None = None
    message: str = ""


def _value(kind: str, match: re.Match[str], language: str) -> Decimal | None:
    raw = match.group(1)
    value = parse_cjk(raw) if re.search(CJK_NUMERAL, raw) else parse_number(raw, language)
    if value is not None and kind == "amount" and match.lastindex and match.lastindex >= 2:
        value *= _SCALES.get(match.group(2).lower().rstrip("."), 1)
    return value


def _bare(kind: str, match: re.Match[str]) -> bool:
    """An amount with no scale word and no currency: a year when it reads as one."""
    return (
        kind == "amount"
        and not (match.lastindex and match.lastindex >= 2)
        and match.start(1) == match.start()
    )


def find_figures(text: str, language: str = "") -> list[Figure]:
    # One character for one: offsets in the normalised text are offsets in the author's text.
    masked = _SKIP.sub(lambda m: " " * len(m.group(0)), normalise_digits(text))
    sentences = _NOT_AN_END.sub("·", masked)
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for sentence in _SENTENCE.finditer(sentences):
        offset = sentence.start()
        chunk = masked[offset : sentence.end()]
        years = [(int(m.group(1)), m.start()) for m in _YEAR.finditer(chunk)]
        for kind, pattern in _PATTERNS:
            for match in pattern.finditer(chunk):
                start, end = offset + match.start(), offset + match.end()
                if any(s < end and start < e for s, e in taken):
                    continue
                value = _value(kind, match, language)
                if value is None or (kind == "amount" and _bare(kind, match) and value < 1000):
                    continue  # a small count (5 consulates, 七个) is not a figure
                if (
                    (kind != "amount" or _bare(kind, match))
                    and 1900 <= value <= 2099
                    and value == value.to_integral()
                ):
                    continue  # a year, not a figure
                outside = [
                    (abs(pos - match.start()), y)
                    for y, pos in years
                    if not match.start() <= pos < match.end()
                ]
                period = min(outside)[1] if outside else None  # the nearest year qualifies the figure
                taken.append((start, end))
                figures.append(Figure(text[start:end].strip(), kind, value, period, start, end))
    return sorted(figures, key=lambda f: f.start)


_UNITS = {"rank": {"rank"}, "percent": {"percent"}, "amount": {"count", "usd", "other"}}


def _same_value(figure: Figure, claim: ClaimRef) -> bool:
    if figure.value == claim.value:
        return True
    exponent = figure.value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return claim.value.quantize(Decimal(1).scaleb(-places)) == figure.value  # 24.3% written as 24%


def _same_period(figure: Figure, claim: ClaimRef) -> bool:
    return figure.period is None or claim.period is None or figure.period == claim.period


def check_text(
    text: str,
    linked: Iterable[ClaimRef],
    library: Iterable[ClaimRef],
    overridden: Iterable[str] = (),
    language: str = "",
) -> list[FigureCheck]:
    linked_list, library_list = list(linked), list(library)
    overrides = set(overridden)
    results: list[FigureCheck] = []
    for figure in find_figures(text, language):
        units = _UNITS[figure.kind]
        fits = [
            c for c in linked_list if c.unit in units and _same_value(figure, c) and _same_period(figure, c)
        ]
        in_library = [
            c for c in library_list if c.unit in units and _same_value(figure, c) and _same_period(figure, c)
        ]
        if figure.text in overrides:
            results.append(FigureCheck(figure, "overridden", None, "allowed by an approver"))
        elif any(c.valid for c in fits):
            results.append(FigureCheck(figure, "ok", next(c for c in fits if c.valid)))
        elif any(c.valid for c in in_library):
            claim = next(c for c in in_library if c.valid)
            results.append(FigureCheck(figure, "suggest", claim, f"matches claim “{claim.label}”: link it"))
        elif fits or in_library:
            claim = (fits or in_library)[0]
            results.append(
                FigureCheck(figure, "stale", claim, f"claim “{claim.label}” is unverified or expired")
            )
        else:
            rival = next(
                (
                    c
                    for c in [*linked_list, *library_list]
                    if c.valid and c.unit in units and figure.period is not None and c.period == figure.period
                ),
                None,
            )
            if rival is not None:
                results.append(
                    FigureCheck(figure, "contradicts", rival, f"claim “{rival.label}” says otherwise")
                )
            else:
                results.append(FigureCheck(figure, "unmatched", None, "no claim backs this figure"))
    return results
