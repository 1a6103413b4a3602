"""The brand kit: a ministry's (or one mission's) colours, fonts, logo, language and safe margins.

A kit is a frozen value that round-trips through JSON (``to_dict``/``from_dict``), so the
``content`` app can keep one per ministry and an override per mission:
``BrandKit.from_dict(ministry_json).merged(mission_overrides)``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from elshi.creative.errors import BrandKitError

__all__ = ["RGB", "BrandKit", "contrast_ratio", "parse_colour"]

RGB = tuple[int, int, int]
_HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def parse_colour(value: str, what: str = "colour") -> RGB:
    """``"#00AFCA"`` -> ``(0, 175, 202)``; anything else is refused, naming the field."""
    match = _HEX.match(value.strip())
    if not match:
        raise BrandKitError(f"{what}: {value!r} is not a #RRGGBB colour")
    h = match.group(1)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _luminance(rgb: RGB) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: RGB, b: RGB) -> float:
    """WCAG 2.1 contrast ratio between two colours (1.0 to 21.0)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@dataclass(frozen=True)
class BrandKit:
    """Colours are ``#RRGGBB``; ``safe_margin`` is a fraction of the shorter side kept free of text.

    Defaults follow UI.md: Kazakhstan's sky blue as accent (darkened where it carries text), gold
    only for highlights. ``font_regular``/``font_bold`` (optional paths) come first in the font
    search; the system's Noto fonts cover what they do not.
    """

    name: str = "Ministry of Foreign Affairs"
    accent: str = "#00AFCA"
    accent_text: str = "#00829A"
    highlight: str = "#FEC50C"
    background: str = "#FFFFFF"
    surface: str = "#F2F4F5"
    text: str = "#1B2428"
    muted_text: str = "#4A5A62"
    font_regular: str | None = None
    font_bold: str | None = None
    logo: str | None = None
    default_language: str = "kk"
    safe_margin: float = 0.07
    handle: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("accent", "accent_text", "highlight", "background", "surface", "text", "muted_text"):
            parse_colour(getattr(self, name), name)
        if not 0.02 <= self.safe_margin <= 0.2:
            raise BrandKitError(f"safe_margin: {self.safe_margin} is outside 0.02..0.2")
        if not _LANG.match(self.default_language):
            raise BrandKitError(f"default_language: {self.default_language!r} is not a language tag")
        for name in ("font_regular", "font_bold", "logo"):
            value = getattr(self, name)
            if value is not None and not Path(value).is_file():
                raise BrandKitError(f"{name}: no file at {value}")

    def rgb(self, name: str) -> RGB:
        """A colour of the kit by field name, as an RGB tuple."""
        return parse_colour(getattr(self, name), name)

    def margin_px(self, size: tuple[int, int]) -> int:
        return round(min(size) * self.safe_margin)

    def merged(self, overrides: Mapping[str, Any]) -> BrandKit:
        """This kit with a mission's overrides applied (unknown keys are refused)."""
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise BrandKitError(f"unknown brand kit fields: {', '.join(unknown)}")
        return dataclasses.replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["extra"] = dict(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BrandKit:
        return cls().merged(data)
