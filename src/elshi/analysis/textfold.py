"""Case folding that keeps every offset: ``len(fold(s)) == len(s)``, always.

Offsets found in folded text index the original text, so spans can be
returned to callers unchanged. Characters whose lower-case form is longer than
one character (Turkish İ) are mapped to one character first; apostrophes are
unified so Turkish suffixes (Kazakistan’ın) and Uzbek Latin (O‘zbekiston)
match one form.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fold", "is_letter"]


# U+0130 (Turkish İ) is the only character whose lower-case form is two characters long
# (checked over all of Unicode with CPython 3.11; a test re-checks it). Apostrophes and modifier
# letters used as apostrophes in Turkish and Uzbek Latin become "'"; ё becomes е.
_REPLACE = (("İ", "i"), ("’", "'"), ("‘", "'"), ("ʻ", "'"), ("ʼ", "'"), ("`", "'"), ("´", "'"),
            ("Ё", "е"), ("ё", "е"))


def fold(text: str) -> str:
    """Lower-case ``text`` with a one-to-one character mapping.

    A chain of ``str.replace`` calls is several times faster than ``str.translate`` with a
    mapping table on multilingual text, and each is skipped unless its character occurs.
    """
    for old, new in _REPLACE:
        if old in text:
            text = text.replace(old, new)
    return text.lower()


def is_letter(char: str) -> bool:
    """Letters and combining marks (Arabic, Devanagari vowels) count as word characters."""
    return char.isalnum() or unicodedata.category(char).startswith("M")
