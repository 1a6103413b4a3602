"""A carousel: up to ten cards of one size, each marked with its place (dots in the bottom margin)."""

from __future__ import annotations

from collections.abc import Sequence

from PIL import ImageDraw

from elshi.creative.brand import BrandKit
from elshi.creative.cards import Card, CardSize, PhotoCard, RenderedCard, render_card
from elshi.creative.errors import CreativeError
from elshi.creative.fonts import FontLibrary

__all__ = ["MAX_SLIDES", "render_carousel"]

MAX_SLIDES = 10  # Instagram's and LinkedIn's limit for one post


def render_carousel(
    cards: Sequence[Card],
    size: str | tuple[int, int] | CardSize,
    brand: BrandKit | None = None,
    library: FontLibrary | None = None,
) -> list[RenderedCard]:
    """Render each slide at the same size; alt text starts with "2/5:" so screen readers keep place."""
    if not 1 <= len(cards) <= MAX_SLIDES:
        raise CreativeError(f"a carousel has 1 to {MAX_SLIDES} slides, not {len(cards)}")
    brand = brand or BrandKit()
    library = library or FontLibrary.for_brand(brand.font_regular, brand.font_bold)
    slides = []
    for n, card in enumerate(cards, start=1):
        slide = render_card(card, size, brand, library)
        if len(cards) > 1:
            _dots(slide, n, len(cards), brand, on_photo=isinstance(card, PhotoCard))
            slide.alt_text = f"{n}/{len(cards)}: {slide.alt_text}"
        slides.append(slide)
    return slides


def _dots(slide: RenderedCard, current: int, total: int, brand: BrandKit, on_photo: bool) -> None:
    # The dots sit in the bottom margin, outside the safe area that text keeps to.
    width, height = slide.image.size
    margin = height - slide.safe_area.bottom
    radius = max(4, margin // 8)
    step = radius * 4
    y = slide.safe_area.bottom + margin // 2
    x = (width - step * (total - 1)) // 2
    draw = ImageDraw.Draw(slide.image)
    idle = (200, 200, 200) if on_photo else (190, 197, 200)
    active = (255, 255, 255) if on_photo else brand.rgb("accent_text")
    for i in range(1, total + 1):
        r = radius if i == current else radius * 2 // 3
        draw.ellipse((x - r, y - r, x + r, y + r), fill=active if i == current else idle)
        x += step
