"""Reading a number as it is written in each script and language the claims check meets.

Pure Python (no Django), used by ``elshi.content.claimcheck``:

- ``normalise_digits`` turns Arabic-Indic (٠-٩), Persian (۰-۹) and full-width (０-９) digits, the
  Arabic decimal and group marks (٫ ٬) and the Arabic and full-width percent signs (٪ ％) into
  ASCII **one character for one**, so that offsets into the normalised text are offsets into the
  post as its author wrote it.
- ``parse_number`` reads "1.234,5" (de, tr), "1 234,5" (ru, kk, fr: space, no-break or thin
  space), "1,234.5" (en, zh, ar). The language decides only what the digits cannot: whether
  "1,234" or "1.234" is a thousand or a fraction. Without a language, a separator followed by
  exactly three digits groups thousands and any other is a decimal mark (as before).
- ``parse_cjk`` reads Chinese numerals: 七, 二十四, 一百零五, 三千五百, 三亿五千万, 三点五,
  and positional forms such as 二〇二四.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

__all__ = [
    "CJK_DIGITS",
    "CJK_NUMERAL",
    "CJK_NUMERAL_CHARS",
    "LANGUAGES",
    "SPACES",
    "normalise_digits",
    "parse_cjk",
    "parse_number",
]

# The no-break, narrow no-break and thin spaces that Babel and word processors put between groups.
SPACES = " \u00a0\u202f\u2009"
_DIGIT_MAP = {
    **{0x0660 + i: str(i) for i in range(10)},  # Arabic-Indic
    **{0x06F0 + i: str(i) for i in range(10)},  # Persian (Extended Arabic-Indic)
    **{0xFF10 + i: str(i) for i in range(10)},  # full-width, in Chinese and Japanese text
    0x066B: ".",  # ARABIC DECIMAL SEPARATOR
    0x066C: ",",  # ARABIC THOUSANDS SEPARATOR
    0x066A: "%",  # ARABIC PERCENT SIGN
    0xFF05: "%",  # FULLWIDTH PERCENT SIGN
    0xFF0E: ".",  # FULLWIDTH FULL STOP inside ３．５
    # Bidi marks that Babel and editors put around numbers in Arabic and Persian text: read as spaces.
    0x200E: " ",
    0x200F: " ",
    0x061C: " ",
}
_COMMA_DECIMAL = {
    "de", "tr", "id", "it", "es", "nl", "pt", "da", "el", "ro", "hr", "sr", "sl", "az", "uz",
    "ru", "kk", "fr", "uk", "be", "ky", "pl", "cs", "sk", "sv", "fi", "nb", "no", "hu", "bg", "lt", "lv",
}  # fmt: skip
_POINT_DECIMAL = {"en", "zh", "ja", "ko", "ar", "fa", "he", "hi", "th", "ms", "ur", "bn"}
LANGUAGES = frozenset(_COMMA_DECIMAL | _POINT_DECIMAL)

CJK_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
CJK_DIGITS |= {"八": 8, "九": 9}
_CJK_SMALL = {"十": 10, "百": 100, "千": 1000}
_CJK_LARGE = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
# A numeral starts with a digit or 十 (十五 = 15): runs that start with 万 or 千 are words (万一, 千万).
CJK_NUMERAL_CHARS = "〇零一二两三四五六七八九十百千万萬亿億点"
CJK_NUMERAL = (
    "[〇零一二两三四五六七八九十][〇零一二两三四五六七八九十百千万萬亿億]*(?:点[〇零一二三四五六七八九]+)?"
)


def normalise_digits(text: str) -> str:
    return text.translate(_DIGIT_MAP)


def _base(language: str) -> str:
    return language.lower().replace("_", "-").split("-")[0]


def parse_number(raw: str, language: str = "") -> Decimal | None:
    """The value of a number written with digits, or None when it is not one."""
    text = normalise_digits(raw.strip())
    for space in SPACES + "'’":
        text = text.replace(space, "")
    base = _base(language)
    if base in _COMMA_DECIMAL:
        decimal, group = ",", "."
    elif base in _POINT_DECIMAL:
        decimal, group = ".", ","
    else:
        decimal, group = _guess(text)
    if text.count(decimal) > 1 or (decimal in text and group in text.rsplit(decimal, 1)[-1]):
        # "1.234.567" read with a decimal point is a German number; "1,234" with two commas an English one.
        decimal, group = group, decimal
    if decimal not in text and group in text and not all(len(p) == 3 for p in text.split(group)[1:]):
        decimal, group = group, decimal  # "3.5 млрд" in a Russian post: a group needs three digits
    cleaned = text.replace(group, "").replace(decimal, ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _guess(text: str) -> tuple[str, str]:
    """Decimal mark and group separator of a number whose language is not known."""
    marks = [c for c in text if c in ".,"]
    if not marks:
        return ".", ","
    last = marks[-1]
    if len(set(marks)) == 2:
        return last, "," if last == "." else "."
    if len(marks) == 1 and len(text.rsplit(last, 1)[-1]) == 3:
        return ("." if last == "," else ","), last  # 1,200 or 1.200: a thousand and two hundred
    if len(marks) > 1:
        return ("." if last == "," else ","), last
    return last, "," if last == "." else "."


def parse_cjk(raw: str) -> Decimal | None:
    """The value of a Chinese numeral, or None when ``raw`` is not one."""
    whole, _, fraction = raw.partition("点")
    if whole and all(c in CJK_DIGITS for c in whole):
        integer = int("".join(str(CJK_DIGITS[c]) for c in whole))  # 二〇二四: read digit by digit
    else:
        total = section = number = 0
        for char in whole:
            if char in CJK_DIGITS:
                number = CJK_DIGITS[char]
            elif char in _CJK_SMALL:
                section += (number or 1) * _CJK_SMALL[char]
                number = 0
            elif _CJK_LARGE.get(char) == 10**4:
                total += (section + number) * 10**4
                section = number = 0
            elif char in _CJK_LARGE:
                total = (total + section + number) * 10**8
                section = number = 0
            else:
                return None
        integer = total + section + number
    if fraction:
        if not all(c in CJK_DIGITS for c in fraction):
            return None
        return Decimal(f"{integer}." + "".join(str(CJK_DIGITS[c]) for c in fraction))
    return Decimal(integer)
