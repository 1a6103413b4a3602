"""Text fitting: no overflow, no orphaned last word, and shaping that really happened."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from elshi.creative import Box, FontLibrary, TextDoesNotFit, TextStyle, fit_text
from elshi.creative.fonts import load_font
from elshi.creative.layout import NO_LINE_START, draw_text

from .conftest import LONG_TEXTS, require_font_for

BOXES = [Box(60, 60, 960, 300), Box(40, 500, 480, 420), Box(100, 40, 1000, 120)]


@pytest.mark.parametrize("language", sorted(LONG_TEXTS))
@pytest.mark.parametrize("box", BOXES, ids=["wide", "narrow", "strip"])
def test_long_text_stays_inside_its_box(language: str, box: Box) -> None:
    require_font_for(language)
    image = Image.new("RGB", (1200, 1000), "white")
    fitted = fit_text(LONG_TEXTS[language], box, TextStyle(max_size=140, min_size=10), language=language)
    inks = draw_text(ImageDraw.Draw(image), fitted, (0, 0, 0))
    for ink in inks:
        assert box.contains(ink), (ink, box)
    # And the pixels agree: nothing dark outside the box.
    pixels = np.asarray(image.convert("L"))
    outside = pixels.copy()
    outside[box.y : box.bottom, box.x : box.right] = 255
    assert outside.min() == 255
    assert "".join(fitted.lines).replace(" ", "") == LONG_TEXTS[language].replace(" ", "")


@pytest.mark.parametrize("language", ["kk", "ru", "de", "ar"])
def test_no_orphaned_last_word(language: str) -> None:
    for width in range(700, 1100, 45):
        fitted = fit_text(
            LONG_TEXTS[language], Box(0, 0, width, 2000), TextStyle(max_size=60, min_size=20, max_lines=60)
        )
        if len(fitted.lines) > 1:
            assert len(fitted.lines[-1].split()) >= 2, (width, fitted.lines)


def test_chinese_wraps_by_character_and_keeps_punctuation_off_line_starts() -> None:
    require_font_for("zh")
    for width in range(200, 900, 37):
        fitted = fit_text(
            LONG_TEXTS["zh"], Box(0, 0, width, 3000), TextStyle(max_size=48, min_size=48, max_lines=60)
        )
        assert len(fitted.lines) > 1
        assert all(line[0] not in NO_LINE_START for line in fitted.lines), fitted.lines
        assert all(" " not in line for line in fitted.lines)


def test_shrinks_to_fit_and_refuses_the_impossible() -> None:
    style = TextStyle(max_size=200, min_size=12)
    big = fit_text("Астана", Box(0, 0, 1000, 400), style)
    small = fit_text(LONG_TEXTS["ru"], Box(0, 0, 1000, 400), style)
    assert big.size > small.size >= 12
    with pytest.raises(TextDoesNotFit):
        fit_text(LONG_TEXTS["kk"], Box(0, 0, 200, 40), TextStyle(max_size=40, min_size=24))


def _ink_columns(text: str, language: str) -> np.ndarray:
    face = FontLibrary().face_for(text, "regular", language)
    style = TextStyle(max_size=100, min_size=100, max_lines=1)
    fitted = fit_text(text, Box(10, 10, 900, 400), style, language=language)
    assert fitted.face == face
    image = Image.new("L", (920, 420), 0)
    draw_text(ImageDraw.Draw(image), fitted, (255,))
    return np.asarray(image)


def test_arabic_is_laid_out_right_to_left() -> None:
    # Alef is the tallest letter; in logical order it comes first, so it must be drawn at the right.
    pixels = _ink_columns("اسسس", "ar")
    columns = (pixels > 128).sum(axis=0)
    inked = np.nonzero(columns)[0]
    tallest = int(np.argmax(columns))
    assert tallest > inked[0] + (inked[-1] - inked[0]) * 3 // 4


def _components(mask: np.ndarray) -> int:
    """Count 4-connected ink blobs (a small flood fill; no scipy needed)."""
    seen = np.zeros_like(mask, dtype=bool)
    count = 0
    for start in zip(*np.nonzero(mask), strict=True):
        if seen[start]:
            continue
        count += 1
        stack = [start]
        seen[start] = True
        while stack:
            y, x = stack.pop()
            for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                if 0 <= ny < mask.shape[0] and 0 <= nx < mask.shape[1] and mask[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    stack.append((ny, nx))
    return count


def test_arabic_letters_are_joined_by_shaping() -> None:
    # Three seens joined by HarfBuzz are one stroke; unshaped isolated forms would be three.
    face = FontLibrary().face_for("سسس", "regular", "ar")
    image = Image.new("L", (600, 200), 0)
    ImageDraw.Draw(image).text(
        (20, 150), "سسس", font=load_font(face, 90), fill=255, anchor="ls", direction="rtl"
    )
    joined = _components(np.asarray(image) > 100)
    image = Image.new("L", (600, 200), 0)
    ImageDraw.Draw(image).text(
        (20, 150), "س س س", font=load_font(face, 90), fill=255, anchor="ls", direction="rtl"
    )
    apart = _components(np.asarray(image) > 100)
    assert joined == 1
    assert apart == 3
