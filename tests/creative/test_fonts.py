"""Glyphs are really drawn: every character of each script differs from the font's .notdef box."""

from __future__ import annotations

import numpy as np
import pytest
from fontTools.ttLib import TTCollection, TTFont
from PIL import Image, ImageDraw

from elshi.creative import FontLibrary, FontMissing
from elshi.creative.fonts import FontFace, load_font

from .conftest import LONG_TEXTS


def _notdef_name(face: FontFace) -> str:
    font = (
        TTCollection(face.path, lazy=True).fonts[face.index]
        if face.path.endswith(".ttc")
        else TTFont(face.path, lazy=True)
    )
    return str(font.getGlyphOrder()[0])


def _bitmap(face: FontFace, char: str) -> np.ndarray:
    image = Image.new("L", (80, 80), 0)
    ImageDraw.Draw(image).text((10, 60), char, font=load_font(face, 48), fill=255, anchor="ls")
    return np.asarray(image)


@pytest.mark.parametrize("language", sorted(LONG_TEXTS))
def test_every_character_has_a_real_glyph(language: str) -> None:
    text = LONG_TEXTS[language]
    face = FontLibrary().face_for(text, "bold", language)
    assert face.covers(text)
    assert _notdef_name(face) == ".notdef"
    tofu = _bitmap(face, "\U00013000")  # an Egyptian hieroglyph none of our fonts has: .notdef
    letters = {c for c in text if c.isalpha()}
    assert letters
    for char in letters:
        assert not np.array_equal(_bitmap(face, char), tofu), f"{char!r} rendered as tofu with {face.path}"


def test_scripts_pick_their_families() -> None:
    library = FontLibrary()
    assert "Arabic" in library.face_for(LONG_TEXTS["ar"], "regular", "ar").path
    cjk = library.face_for(LONG_TEXTS["zh"], "regular", "zh")
    assert "CJK" in cjk.path and cjk.index == 2  # Simplified Chinese regional forms
    assert library.face_for("漢字", "regular", "ja").index == 0


def test_text_no_font_covers_is_refused_with_the_code_points() -> None:
    with pytest.raises(FontMissing, match="U\\+13000") as info:
        FontLibrary().face_for("Қазақстан \U00013000", "regular", "kk")
    assert info.value.missing == "\U00013000"


def test_brand_font_comes_first_when_it_covers_the_text() -> None:
    fallback = FontLibrary().face_for("Astana", "regular").path
    dejavu = FontLibrary().candidates("x")[-1].path
    assert dejavu != fallback
    assert FontLibrary.for_brand(dejavu, None).face_for("Astana", "regular").path == dejavu
