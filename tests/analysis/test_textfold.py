from __future__ import annotations

import sys

from elshi.analysis.textfold import fold


def test_fold_keeps_length_and_offsets() -> None:
    text = "KAZAKİSTAN’ın Ёлка Straße ΣΊΣΥΦΟΣ Қазақстанның"
    assert len(fold(text)) == len(text)
    assert fold(text).startswith("kazakistan'ın елка")


def test_only_dotted_capital_i_lowers_to_two_characters() -> None:
    # textfold hard-codes U+0130 as the one such character; this re-checks it on this Python.
    odd = [c for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF and len(chr(c).lower()) != 1]
    assert odd == [0x130]
