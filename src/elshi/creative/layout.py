"""Fitting text into a box: wrap, shrink, never overflow, no orphaned last word.

``fit_text`` tries font sizes from ``max_size`` down to ``min_size`` (binary search on the
largest size that fits) and wraps at each: words for alphabetic scripts, characters for Chinese
and Japanese (with line-start/line-end punctuation rules). Every line is measured as libraqm
shapes it (Arabic joined and right to left, Kazakh and Russian Cyrillic with their letters),
so what is measured is what is drawn. ``draw_text`` returns the ink boxes actually drawn, which
the tests hold to the safe margins.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PIL import ImageDraw, ImageFont

from elshi.creative.errors import TextDoesNotFit
from elshi.creative.fonts import FontFace, FontLibrary, Weight, is_cjk, is_rtl_text, load_font

__all__ = ["Box", "FittedText", "TextStyle", "draw_text", "fit_text", "wrap"]

Align = Literal["start", "center", "end"]
# Kinsoku: these never start a line (closing marks) or end one (opening marks).
NO_LINE_START = set("，。、．・：；！？）」』】〕〉》”’%‰,.:;!?)]}")
NO_LINE_END = set("（「『【〔〈《“‘([{")


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and other.right <= self.right
            and other.bottom <= self.bottom
        )


@dataclass(frozen=True)
class TextStyle:
    max_size: int
    min_size: int = 18
    weight: Weight = "regular"
    align: Align = "start"
    valign: Literal["top", "middle", "bottom"] = "top"
    line_spacing: float = 1.18
    max_lines: int = 12


@dataclass(frozen=True)
class FittedText:
    text: str
    lines: tuple[str, ...]
    size: int
    face: FontFace
    box: Box
    style: TextStyle
    rtl: bool
    language: str
    line_height: int
    height: int
    ascent: int

    @property
    def font(self) -> ImageFont.FreeTypeFont:
        return load_font(self.face, self.size)


@dataclass(frozen=True)
class _Token:
    text: str
    space_before: bool


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    space = False
    for char in text:
        if char.isspace():
            space = bool(tokens)
            continue
        prev = tokens[-1] if tokens else None
        glue = (
            prev is not None
            and not space
            and (
                not (is_cjk(char) or is_cjk(prev.text[-1]))
                or char in NO_LINE_START
                or prev.text[-1] in NO_LINE_END
            )
        )
        if prev is not None and glue:
            tokens[-1] = _Token(prev.text + char, prev.space_before)
        else:
            tokens.append(_Token(char, space))
        space = False
    return tokens


def _join(tokens: list[_Token]) -> str:
    return "".join((" " if t.space_before and i else "") + t.text for i, t in enumerate(tokens))


def _extent(font: ImageFont.FreeTypeFont, line: str, rtl: bool, language: str) -> tuple[int, int, int]:
    """Width, height above and below the baseline of a shaped line, ink or advance, whichever is more."""
    direction = "rtl" if rtl else "ltr"
    left, top, right, bottom = font.getbbox(line, anchor="ls", direction=direction, language=language or None)
    advance = font.getlength(line, direction=direction, language=language or None)
    return int(max(right, advance) - min(left, 0)) + 1, int(-top) + 1, int(bottom) + 1


def _advance(font: ImageFont.FreeTypeFont, text: str, rtl: bool, language: str) -> float:
    return font.getlength(text, direction="rtl" if rtl else "ltr", language=language or None)


@dataclass(frozen=True)
class _Measured:
    """Paragraphs of tokens with their advances at ``size``; other sizes scale linearly."""

    paragraphs: tuple[tuple[tuple[_Token, float], ...], ...]
    space: float
    size: int

    @classmethod
    def of(cls, text: str, font: ImageFont.FreeTypeFont, rtl: bool, language: str) -> _Measured:
        paragraphs = tuple(
            tuple((t, _advance(font, t.text, rtl, language)) for t in _tokens(p)) for p in text.split("\n")
        )
        return cls(paragraphs, _advance(font, " ", rtl, language), int(font.size))


Line = list[tuple[_Token, float]]


def _greedy(
    paragraph: tuple[tuple[_Token, float], ...], width: float, scale: float, space: float
) -> list[Line]:
    lines: list[Line] = []
    current: Line = []
    used = 0.0
    for token, raw in paragraph:
        advance = raw * scale
        gap = space if token.space_before and current else 0.0
        if current and used + gap + advance > width:
            lines.append(current)
            current, used = [(_Token(token.text, False), raw)], advance
        else:
            current.append((token, raw))
            used += gap + advance
    lines.append(current)
    return lines


def wrap(measured: _Measured, size: int, width: float) -> list[str] | None:
    """Greedy wrap on summed token advances without an orphan; ``None`` when a token is too wide.

    Shaping happens within words (spaces break it), so summed advances, measured once and
    scaled, are a close estimate; ``_layout`` then measures every final line as shaped, so an
    estimate never lets text overflow. A last line of one word (or one Han character) reads as a
    mistake, so the paragraph is re-wrapped a little narrower until the last line has company.
    """
    scale = size / measured.size
    space = measured.space * scale
    out: list[str] = []
    for paragraph in measured.paragraphs:
        if any(raw * scale > width for _t, raw in paragraph):
            return None
        lines = _greedy(paragraph, width, scale, space)
        narrower = width
        while len(lines) >= 2 and len(lines[-1]) == 1 and narrower > width * 0.7:
            narrower *= 0.96
            if any(raw * scale > narrower for _t, raw in paragraph):
                break
            candidate = _greedy(paragraph, narrower, scale, space)
            if len(candidate[-1]) >= 2 and len(candidate) <= len(lines) + 1:
                lines = candidate
        out.extend(_join([t for t, _w in line]) for line in lines)
    return out


def _layout(
    text: str,
    measured: _Measured,
    face: FontFace,
    size: int,
    box: Box,
    style: TextStyle,
    rtl: bool,
    language: str,
    exact: bool = True,
) -> FittedText | None:
    """Lines at ``size`` if they fit; ``exact=False`` trusts the estimate (for the size search)."""
    # Ink can overhang the advance by a few pixels; wrap a little short so the check below holds.
    lines = wrap(measured, size, box.w - 2 - size / 25)
    if lines is None or len(lines) > style.max_lines:
        return None
    font = load_font(face, size)
    ascent, descent = font.getmetrics()
    line_height = round(size * style.line_spacing)
    if not exact:
        height = (len(lines) - 1) * line_height + ascent + descent
        return (
            None
            if height > box.h
            else FittedText(
                text, tuple(lines), size, face, box, style, rtl, language, line_height, height, ascent
            )
        )
    extents = [_extent(font, line, rtl, language) for line in lines]
    if any(width > box.w for width, _a, _d in extents):
        return None
    # Some fonts draw marks and descenders beyond their declared metrics: count the ink too.
    ascent = max(ascent, extents[0][1])
    descent = max(descent, extents[-1][2])
    height = (len(lines) - 1) * line_height + ascent + descent
    if height > box.h:
        return None
    return FittedText(text, tuple(lines), size, face, box, style, rtl, language, line_height, height, ascent)


def fit_text(
    text: str, box: Box, style: TextStyle, library: FontLibrary | None = None, language: str = ""
) -> FittedText:
    """The largest size at which ``text`` fits ``box``; ``TextDoesNotFit`` below ``style.min_size``."""
    text = "\n".join(" ".join(p.split()) for p in text.strip().split("\n"))
    face = (library or FontLibrary()).face_for(text, style.weight, language)
    rtl = is_rtl_text(text)
    measured = _Measured.of(text, load_font(face, style.max_size), rtl, language)
    args = (text, measured, face)
    low, high, found = style.min_size, max(style.min_size, style.max_size), 0
    while low <= high:  # the largest size whose estimate fits
        mid = (low + high) // 2
        if _layout(*args, mid, box, style, rtl, language, exact=False) is None:
            high = mid - 1
        else:
            found, low = mid, mid + 1
    best: FittedText | None = None
    for size in range(found, style.min_size - 1, -1) if found else ():  # the largest that truly fits
        best = _layout(*args, size, box, style, rtl, language)
        if best is not None:
            break
    if best is None:
        raise TextDoesNotFit(
            f"{text[:40]!r}... does not fit {box.w}x{box.h} px even at {style.min_size} px; shorten it"
        )
    # An orphan that re-wrapping cannot avoid (two long words) goes away a few sizes down.
    size = best.size
    while _orphaned(best) and size > max(style.min_size, best.size * 0.75):
        size -= 1
        estimate = _layout(*args, size, box, style, rtl, language, exact=False)
        if estimate is None or _orphaned(estimate):
            continue
        smaller = _layout(*args, size, box, style, rtl, language)
        if smaller is not None and not _orphaned(smaller):
            best = smaller
    return best


def _orphaned(fitted: FittedText) -> bool:
    return len(fitted.lines) >= 2 and len(_tokens(fitted.lines[-1])) == 1


def draw_text(draw: ImageDraw.ImageDraw, fitted: FittedText, fill: tuple[int, ...]) -> list[Box]:
    """Draw the fitted lines; returns each line's ink box as drawn (for safe-margin checks)."""
    font, box, style = fitted.font, fitted.box, fitted.style
    ascent = fitted.ascent
    top = box.y
    if style.valign == "middle":
        top += (box.h - fitted.height) // 2
    elif style.valign == "bottom":
        top += box.h - fitted.height
    direction = "rtl" if fitted.rtl else "ltr"
    language = fitted.language or None
    align = style.align
    if align != "center" and fitted.rtl:
        align = "end" if align == "start" else "start"
    inks: list[Box] = []
    for i, line in enumerate(fitted.lines):
        left, _t, right, _b = font.getbbox(line, anchor="ls", direction=direction, language=language)
        advance = font.getlength(line, direction=direction, language=language)
        ink_left, width = min(left, 0), int(max(right, advance) - min(left, 0))
        x = (
            box.x
            if align == "start"
            else box.right - width
            if align == "end"
            else box.x + (box.w - width) // 2
        )
        origin = (x - ink_left, top + ascent + i * fitted.line_height)
        draw.text(origin, line, font=font, fill=fill, anchor="ls", direction=direction, language=language)
        x0, y0, x1, y1 = draw.textbbox(
            origin, line, font=font, anchor="ls", direction=direction, language=language
        )
        inks.append(Box(int(x0), int(y0), int(x1 - x0), int(y1 - y0)))
    return inks
