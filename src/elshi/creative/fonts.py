"""Finding a font that really has the glyphs: no card ever shows tofu boxes.

Search order for a text: the brand kit's own font, fonts bundled in ``elshi/creative/fonts/``,
then the system's Noto families (Debian ``fonts-noto-core``, ``fonts-noto-cjk``) chosen by script
(Arabic -> Noto Sans Arabic, Han/Kana/Hangul -> Noto Sans CJK in the language's regional form),
then DejaVu Sans. The first face whose character map covers every character wins; when none
does, ``FontMissing`` names the characters. Coverage is read with fontTools and cached.

``ELSHI_FONT_DIRS`` (folders separated by ``:``) replaces the system folders searched: a machine
without Noto is simulated by pointing it at a folder holding only DejaVu. ``font_gaps`` says which
languages fall back to DejaVu or cannot be drawn at all, ``warn_font_gaps`` says so once a process.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from fontTools.ttLib import TTCollection, TTFont
from PIL import ImageFont

from elshi.creative.errors import FontMissing

__all__ = [
    "FontFace",
    "FontGap",
    "FontLibrary",
    "Weight",
    "font_advice",
    "font_dirs",
    "font_gaps",
    "is_cjk",
    "is_rtl_text",
    "load_font",
    "needs_glyph",
    "warn_font_gaps",
]

Weight = Literal["regular", "bold"]
BUNDLED = Path(__file__).with_name("fonts")
SYSTEM_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")
# Regional forms of Han glyphs inside the Noto Sans CJK collection (face index per language).
CJK_INDEX = {"ja": 0, "ko": 1, "zh": 2, "zh-hans": 2, "zh-cn": 2, "zh-hant": 3, "zh-tw": 3, "zh-hk": 4}
FILES: dict[str, dict[Weight, str]] = {
    "latin": {"regular": "NotoSans-Regular.ttf", "bold": "NotoSans-Bold.ttf"},
    "arabic": {"regular": "NotoSansArabic-Regular.ttf", "bold": "NotoSansArabic-Bold.ttf"},
    "cjk": {"regular": "NotoSansCJK-Regular.ttc", "bold": "NotoSansCJK-Bold.ttc"},
    "fallback": {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"},
}


@dataclass(frozen=True)
class FontFace:
    path: str
    index: int = 0

    def covers(self, text: str) -> bool:
        return not self.missing(text)

    def missing(self, text: str) -> str:
        """The characters of ``text`` this face has no glyph for (marks and spaces need none)."""
        cmap = _cmap(self.path, self.index)
        return "".join(sorted({c for c in text if needs_glyph(c) and ord(c) not in cmap}))


def needs_glyph(char: str) -> bool:
    # Format controls (ZWJ, bidi marks) and separators are shaped away, not drawn.
    return unicodedata.category(char) not in {"Zs", "Zl", "Zp", "Cc", "Cf"}


@lru_cache(maxsize=32)
def _cmap(path: str, index: int) -> frozenset[int]:
    if path.lower().endswith((".ttc", ".otc")):
        font = TTCollection(path, lazy=True).fonts[index]
    else:
        font = TTFont(path, lazy=True, fontNumber=index)
    return frozenset(font.getBestCmap() or {})


@lru_cache(maxsize=256)
def load_font(face: FontFace, size: int) -> ImageFont.FreeTypeFont:
    """A Pillow font laid out by libraqm (HarfBuzz shaping, FriBiDi reordering)."""
    return ImageFont.truetype(face.path, size, index=face.index, layout_engine=ImageFont.Layout.RAQM)


def font_dirs() -> tuple[Path, ...]:
    """The system folders searched for fonts: ``ELSHI_FONT_DIRS`` when set, else Debian's."""
    configured = os.environ.get("ELSHI_FONT_DIRS", "")
    if configured.strip():
        return tuple(Path(part) for part in configured.split(os.pathsep) if part.strip())
    return SYSTEM_DIRS


def _system_files() -> dict[str, str]:
    return _files_in(font_dirs())


@lru_cache(maxsize=4)
def _files_in(dirs: tuple[Path, ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for root in (BUNDLED, *dirs):
        if not root.is_dir():
            continue
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                found.setdefault(name, os.path.join(dirpath, name))
    return found


def is_rtl_text(text: str) -> bool:
    """True when the first strong character is right-to-left (Arabic, Hebrew, Syriac, Thaana)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in {"R", "AL"}:
            return True
        if kind == "L":
            return False
    return False


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3040 <= code <= 0x30FF  # kana
        or 0x3400 <= code <= 0x9FFF  # Han
        or 0xAC00 <= code <= 0xD7AF  # Hangul
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
    )


def _scripts(text: str) -> set[str]:
    scripts = set()
    for char in text:
        if is_cjk(char):
            scripts.add("cjk")
        elif unicodedata.bidirectional(char) in {"AL", "R"}:
            scripts.add("arabic")
    return scripts


class FontLibrary:
    """Resolves faces for texts; ``preferred`` faces (a brand kit's) are tried first."""

    def __init__(self, preferred: dict[Weight, Sequence[str]] | None = None) -> None:
        self._preferred = preferred or {}

    @classmethod
    def for_brand(cls, regular: str | None, bold: str | None) -> FontLibrary:
        return cls({"regular": [p for p in (regular,) if p], "bold": [p for p in (bold, regular) if p]})

    def candidates(self, text: str, weight: Weight = "regular", language: str = "") -> list[FontFace]:
        files = _system_files()
        faces = [FontFace(p) for p in self._preferred.get(weight, ())]
        scripts = _scripts(text)
        order = ["latin", "fallback"]
        if "arabic" in scripts:
            order = ["arabic", "fallback", "latin"]
        if "cjk" in scripts:
            order = ["cjk", *order]
        index = CJK_INDEX.get(language.lower(), CJK_INDEX.get(language.lower()[:2], 2))
        for family in order:
            for w in _weights(weight):
                path = files.get(FILES[family][w])
                if path:
                    faces.append(FontFace(path, index if family == "cjk" else 0))
        return list(dict.fromkeys(faces))

    def face_for(self, text: str, weight: Weight = "regular", language: str = "") -> FontFace:
        faces = self.candidates(text, weight, language)
        for face in faces:
            if face.covers(text):
                return face
        missing = min((f.missing(text) for f in faces), key=len, default=text)
        names = ", ".join(f"U+{ord(c):04X}" for c in missing[:12])
        raise FontMissing(
            f"no installed font has glyphs for {names}; install fonts-noto-core and fonts-noto-cjk "
            "or set a brand font that covers them",
            missing,
        )


def _weights(weight: Weight) -> Iterable[Weight]:
    return (weight, "regular") if weight == "bold" else (weight,)


@dataclass(frozen=True)
class FontGap:
    """A script whose Noto family is not installed, the languages it writes, and what draws them now."""

    family: str
    languages: tuple[str, ...]
    fallback: str | None  # None: no installed font has the glyphs
    package: str

    def describe(self) -> str:
        now = f"drawn with {self.fallback}" if self.fallback else "cannot be drawn"
        return f"{', '.join(self.languages)} {now} (no {self.family})"


# Per family of FILES: its name, the languages it is there for, a sample of their letters, and
# the Debian package that brings it.
_GAP_SAMPLES: dict[str, tuple[str, tuple[str, ...], str, str]] = {
    "latin": (
        "Noto Sans",
        ("kk", "ru", "en", "tr", "de", "fr"),
        "Қазақстан Türkiye Straße",
        "fonts-noto-core",
    ),
    "arabic": ("Noto Sans Arabic", ("ar", "fa"), "المرتبة کشور", "fonts-noto-core"),
    "cjk": ("Noto Sans CJK", ("zh", "ja", "ko"), "第七位かな한국", "fonts-noto-cjk"),
}
_SAID: set[str] = set()


def font_gaps() -> list[FontGap]:
    """The scripts that fall back, in FILES order; empty when every Noto family is installed."""
    files = _system_files()
    fallback = files.get(FILES["fallback"]["regular"])
    gaps = []
    for family, (name, languages, sample, package) in _GAP_SAMPLES.items():
        if files.get(FILES[family]["regular"]):
            continue
        drawn = fallback is not None and FontFace(fallback).covers(sample)
        gaps.append(FontGap(name, languages, "DejaVu Sans" if drawn else None, package))
    return gaps


def font_advice(gaps: Sequence[FontGap]) -> str:
    packages = " ".join(sorted({gap.package for gap in gaps}))
    return (
        "; ".join(gap.describe() for gap in gaps)
        + f". To add the fonts: apt-get install {packages} (or put .ttf/.otf files in ~/.local/share/fonts)"
    )


def warn_font_gaps(logger: logging.Logger | None = None) -> list[FontGap]:
    """Log the gaps as one warning line, once a process (again only if the installed fonts change)."""
    gaps = font_gaps()
    if gaps:
        advice = font_advice(gaps)
        if advice not in _SAID:
            _SAID.add(advice)
            (logger or logging.getLogger("elshi.fonts")).warning("fonts: %s", advice)
    return gaps
