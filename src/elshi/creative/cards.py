"""Story card templates: a number card from a claim, a quote card, a photo with a headline.

``render_card(card, size, brand)`` returns a ``RenderedCard``: the image, drafted alt text, and
every text region with the ink boxes actually drawn, so callers (and tests) can prove that no
text leaves the brand kit's safe margins. Photo cards built on an AI-made image draw a visible
"AI-generated" label in the card's language unless a ``LabelWaiver`` is given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from PIL import Image

from elshi.creative.brand import BrandKit
from elshi.creative.c2pa_manifest import sign_asset
from elshi.creative.errors import CreativeError
from elshi.creative.fonts import FontLibrary
from elshi.creative.layout import Box, FittedText
from elshi.creative.provenance import LabelWaiver, Provenance, save_with_provenance

__all__ = [
    "Card",
    "CardSize",
    "NumberCard",
    "PhotoCard",
    "QuoteCard",
    "RenderedCard",
    "TextRegion",
    "render_card",
]


class CardSize(Enum):
    SQUARE = (1080, 1080)
    PORTRAIT = (1080, 1350)
    STORY = (1080, 1920)
    LANDSCAPE = (1200, 675)
    LINK = (1200, 630)

    @classmethod
    def parse(cls, value: str | tuple[int, int] | CardSize) -> CardSize:
        """``"1080x1350"``, ``"portrait"`` or a (w, h) tuple."""
        if isinstance(value, CardSize):
            return value
        if isinstance(value, tuple):
            return cls(value)
        text = value.strip().lower()
        if "x" in text:
            w, _, h = text.partition("x")
            if w.isdigit() and h.isdigit():
                try:
                    return cls((int(w), int(h)))
                except ValueError:
                    pass
        elif text.upper() in cls.__members__:
            return cls[text.upper()]
        sizes = ", ".join(f"{w}x{h}" for w, h in (s.value for s in cls))
        raise CreativeError(f"size: {value!r} is not one of {sizes}")

    @property
    def px(self) -> tuple[int, int]:
        w, h = self.value
        return int(w), int(h)


@dataclass(frozen=True)
class NumberCard:
    """A claim as a card: ``figure`` ("24th"), ``statement``, ``source`` ("UN DESA, 2024")."""

    figure: str
    statement: str
    source: str
    language: str = ""


@dataclass(frozen=True)
class QuoteCard:
    quote: str
    attribution: str
    language: str = ""


@dataclass(frozen=True)
class PhotoCard:
    photo: str | Path | Image.Image
    headline: str
    credit: str = ""
    language: str = ""
    provenance: Provenance | None = None
    label_waiver: LabelWaiver | None = None


Card = NumberCard | QuoteCard | PhotoCard
REQUIRED = {
    NumberCard: ("figure", "statement", "source"),
    QuoteCard: ("quote", "attribution"),
    PhotoCard: ("headline",),
}


def require_text(card: Card) -> None:
    for name in REQUIRED[type(card)]:
        if not str(getattr(card, name)).strip():
            raise CreativeError(f"{type(card).__name__}.{name}: required")


@dataclass(frozen=True)
class TextRegion:
    role: str
    box: Box
    inks: tuple[Box, ...]
    fitted: FittedText


@dataclass
class RenderedCard:
    image: Image.Image
    alt_text: str
    language: str
    regions: list[TextRegion]
    safe_area: Box
    ai_labelled: bool = False
    provenance: Provenance | None = None

    def save(self, path: str | Path, made_by: str = "elshi", signing: Any = None) -> Path:
        """PNG/JPEG/WebP with XMP: a card is ``digitalCreation``, or a composite of its AI photo.

        ``signing`` (a ``c2pa_manifest.SigningConfig``) adds a signed C2PA manifest.
        """
        now = datetime.now(UTC)
        provenance = self.provenance.composite(made_by, now) if self.provenance else None
        provenance = provenance or Provenance("digitalCreation", made_by, now)
        target = save_with_provenance(self.image, path, provenance, self.alt_text)
        if signing is not None:
            sign_asset(target, provenance, signing)
        return target


def render_card(
    card: Card,
    size: str | tuple[int, int] | CardSize,
    brand: BrandKit | None = None,
    library: FontLibrary | None = None,
) -> RenderedCard:
    """Render ``card`` at ``size`` (e.g. ``"1080x1350"``) with ``brand`` (default: the MFA kit)."""
    # The templates import the card types above; importing them here keeps that one-directional.
    from elshi.creative.templates import render

    return render(card, size, brand, library)
