"""The claims check: every figure in a post must trace to a verified, unexpired claim.

Pure (no Django): it reads figures from text in Kazakh, Russian, English and
similar scripts, and compares them with claim records. Rules:

- A *figure* is a rank (24th, 24-е место, 24-ші орын, rank 24), a percentage
  (12%, 12,5 процента, 12 пайыз), or an amount (1.2 billion, 3 млн, $500).
  Numbers inside links, hashtags and @mentions, times (10:30) and dates
  (12.05.2024) are not figures.
- A four-digit year in the same sentence (1900-2099) is the figure's *period*;
  a year on its own is not a figure.
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
from decimal import Decimal, InvalidOperation

__all__ = ["BLOCKING", "ClaimRef", "Figure", "FigureCheck", "check_text", "find_figures"]

BLOCKING = frozenset({"suggest", "stale", "contradicts", "unmatched"})

_SKIP = re.compile(
    r"https?://\S+|www\.\S+|[#@](?!\d+\b)[\w.]+|\b\d{1,2}:\d{2}\b|\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b"
)
_NUMBER = r"(\d{1,3}(?:[  ,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)"
_SCALES = {
    "thousand": 10**3,
    "тыс": 10**3,
    "тысяч": 10**3,
    "мың": 10**3,
    "million": 10**6,
    "mln": 10**6,
    "млн": 10**6,
    "миллион": 10**6,
    "миллиона": 10**6,
    "миллионов": 10**6,
    "billion": 10**9,
    "bn": 10**9,
    "млрд": 10**9,
    "миллиард": 10**9,
    "миллиарда": 10**9,
    "миллиардов": 10**9,
    "trillion": 10**12,
    "трлн": 10**12,
}
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("percent", re.compile(_NUMBER + r"\s?(?:%|percent\b|per cent\b|процент\w*|пайыз\w*)", re.I)),
    ("rank", re.compile(r"(?:rank(?:ed)?|place|platz|rang|№|место|орын)\s?#?(\d{1,3})\b", re.I)),
    ("rank", re.compile(r"#(\d{1,3})\b(?!\w)")),
    ("rank", re.compile(r"\b(\d{1,3})\s?(?:st|nd|rd|th)\b", re.I)),
    (
        "rank",
        re.compile(r"\b(\d{1,3})[-‑–]?(?:е|й|м|го|ом|ое|ая|ую|ей)\s+(?:мест\w*|позици\w*|строчк\w*)", re.I),
    ),
    ("rank", re.compile(r"\b(\d{1,3})(?:[-‑–]?(?:ші|шы|інші|ыншы|нші|ншы))?[-‑–\s]+орын\w*", re.I)),
    ("amount", re.compile(r"(?:\$|US\$|USD\s?)?" + _NUMBER + r"\s?(" + "|".join(_SCALES) + r")\b\.?", re.I)),
    ("amount", re.compile(r"(?:\$|US\$)" + _NUMBER + r"\b")),
    ("amount", re.compile(r"\b(\d{1,3}(?:[  ,]\d{3})+|\d{4,})\b")),  # plain large numbers: 1 200 000
]
_YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")
_SENTENCE = re.compile(r".+?(?:[.!?。](?=\s|$)|\n|$)", re.S)


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


def _number(raw: str) -> Decimal | None:
    cleaned = raw.replace(" ", "").replace(" ", "")
    if "," in cleaned and "." not in cleaned and len(cleaned.split(",")[-1]) != 3:
        cleaned = cleaned.replace(",", ".")  # 12,5 in Russian and Kazakh
    cleaned = cleaned.replace(",", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def find_figures(text: str) -> list[Figure]:
    masked = _SKIP.sub(lambda m: " " * len(m.group(0)), text)
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for sentence in _SENTENCE.finditer(masked):
        chunk, offset = sentence.group(0), sentence.start()
        years = [(int(m.group(1)), m.start()) for m in _YEAR.finditer(chunk)]
        for kind, pattern in _PATTERNS:
            for match in pattern.finditer(chunk):
                start, end = offset + match.start(), offset + match.end()
                if any(s < end and start < e for s, e in taken):
                    continue
                value = _number(match.group(1))
                if value is None:
                    continue
                if kind == "amount" and match.lastindex and match.lastindex >= 2:
                    value *= _SCALES.get(match.group(2).lower().rstrip("."), 1)
                bare = match.group(0).strip().isdigit()
                if (kind != "amount" or bare) and 1900 <= value <= 2099 and value == value.to_integral():
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
    text: str, linked: Iterable[ClaimRef], library: Iterable[ClaimRef], overridden: Iterable[str] = ()
) -> list[FigureCheck]:
    linked_list, library_list = list(linked), list(library)
    overrides = set(overridden)
    results: list[FigureCheck] = []
    for figure in find_figures(text):
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
