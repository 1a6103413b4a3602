"""The drawing of each card template on a canvas whose safe area comes from the brand kit.

Number card: header, the figure in the kit's text-safe accent, a gold rule, the statement, the
source line (and logo). Quote card: an accent bar on the reading-start side, the quote, the
attribution. Photo card: the photo cover-fitted, darkened where text sits, the headline in
white, the credit, and the "AI-generated" badge when the photo is AI-made.
"""

from __future__ import annotations

from dataclasses import replace

from PIL import Image, ImageDraw, ImageOps

from elshi.creative.brand import RGB, BrandKit
from elshi.creative.cards import (
    Card,
    CardSize,
    NumberCard,
    PhotoCard,
    QuoteCard,
    RenderedCard,
    TextRegion,
    require_text,
)
from elshi.creative.fonts import FontLibrary, is_rtl_text
from elshi.creative.labels import ai_label, source_line
from elshi.creative.layout import Box, TextStyle, draw_text, fit_text

__all__ = ["render"]


class _Canvas:
    def __init__(self, size: tuple[int, int], brand: BrandKit, language: str, library: FontLibrary) -> None:
        self.size, self.brand, self.language, self.library = size, brand, language, library
        self.image = Image.new("RGB", size, brand.rgb("background"))
        self.draw = ImageDraw.Draw(self.image)
        m = brand.margin_px(size)
        self.safe = Box(m, m, size[0] - 2 * m, size[1] - 2 * m)
        self.regions: list[TextRegion] = []

    def rows(self, *fractions: float, gap: float = 0.03) -> list[Box]:
        """Split the safe area top to bottom by ``fractions`` of its height, with gaps between."""
        s, g = self.safe, round(self.safe.h * gap)
        assert sum(fractions) + gap * (len(fractions) - 1) <= 1.0, fractions  # noqa: S101 - a template bug
        boxes, y = [], s.y
        for f in fractions:
            h = int(s.h * f)
            boxes.append(Box(s.x, y, s.w, h))
            y += h + g
        return boxes

    def text(self, role: str, text: str, box: Box, style: TextStyle, fill: RGB) -> TextRegion:
        fitted = fit_text(text, box, style, self.library, self.language)
        region = TextRegion(role, box, tuple(draw_text(self.draw, fitted, fill)), fitted)
        self.regions.append(region)
        return region

    def logo(self, box: Box, rtl: bool) -> None:
        if not self.brand.logo:
            return
        with Image.open(self.brand.logo) as raw:
            logo = raw.convert("RGBA")
        logo.thumbnail((box.w, box.h))
        x = box.x if rtl else box.right - logo.width
        self.image.paste(logo, (x, box.bottom - logo.height), logo)


def _header(c: _Canvas, box: Box, fill: RGB) -> None:
    label = c.brand.handle or c.brand.name
    c.text("header", label, box, TextStyle(max_size=box.h, min_size=14, max_lines=1), fill)


def _number(card: NumberCard, c: _Canvas) -> str:
    b = c.brand
    c.draw.rectangle((0, 0, c.size[0], max(8, c.safe.y // 3)), fill=b.rgb("accent"))
    header, figure, statement, source = c.rows(0.06, 0.34, 0.36, 0.13)
    _header(c, header, b.rgb("muted_text"))
    c.text(
        "figure",
        card.figure,
        figure,
        TextStyle(max_size=figure.h, min_size=40, weight="bold", max_lines=2, valign="bottom"),
        b.rgb("accent_text"),
    )
    rule_y = figure.bottom + (statement.y - figure.bottom) // 2
    rule_x = statement.right - statement.w // 6 if is_rtl_text(card.statement) else statement.x
    c.draw.rectangle((rule_x, rule_y - 3, rule_x + statement.w // 6, rule_y + 3), fill=b.rgb("highlight"))
    c.text(
        "statement",
        card.statement,
        statement,
        TextStyle(max_size=statement.h // 3, min_size=22, weight="bold"),
        b.rgb("text"),
    )
    line = source_line(c.language, card.source)
    rtl = is_rtl_text(card.statement)
    text_box = source
    if b.logo:
        text_box = Box(source.x + (source.w // 4 if rtl else 0), source.y, source.w * 3 // 4, source.h)
    c.text(
        "source",
        line,
        text_box,
        TextStyle(max_size=max(20, source.h // 3), min_size=14, valign="bottom"),
        b.rgb("muted_text"),
    )
    c.logo(Box(source.x if rtl else source.x + source.w * 4 // 5, source.y, source.w // 5, source.h), rtl)
    said = card.statement.rstrip()
    end = "" if said.endswith((".", "!", "?", "。", "؟", "…")) else "."
    return f"{card.figure} {said}{end} {line}"


def _quote(card: QuoteCard, c: _Canvas) -> str:
    b = c.brand
    c.draw.rectangle((0, 0, *c.size), fill=b.rgb("surface"))
    header, quote, attribution = c.rows(0.06, 0.66, 0.16)
    _header(c, header, b.rgb("muted_text"))
    rtl = is_rtl_text(card.quote)
    bar = max(8, c.safe.w // 60)
    bar_x = quote.right - bar if rtl else quote.x
    c.draw.rectangle((bar_x, quote.y, bar_x + bar, quote.bottom), fill=b.rgb("accent"))
    inner = Box(quote.x + (0 if rtl else 3 * bar), quote.y, quote.w - 3 * bar, quote.h)
    c.text(
        "quote",
        card.quote,
        inner,
        TextStyle(max_size=inner.h // 4, min_size=22, valign="middle"),
        b.rgb("text"),
    )
    c.text(
        "attribution",
        card.attribution,
        attribution,
        TextStyle(max_size=max(24, attribution.h // 3), min_size=16, weight="bold", max_lines=3),
        b.rgb("accent_text"),
    )
    return f"«{card.quote}» — {card.attribution}"


def _photo(card: PhotoCard, c: _Canvas) -> str:
    if isinstance(card.photo, Image.Image):
        photo = card.photo.convert("RGB")
    else:
        with Image.open(card.photo) as raw:
            photo = raw.convert("RGB")
    c.image.paste(ImageOps.fit(photo, c.size, Image.Resampling.BICUBIC), (0, 0))
    w, h = c.size
    # Darken towards the bottom (headline) and the top (label) so white text keeps its contrast.
    column = Image.frombytes("L", (1, h), bytes(_shade(y / h) for y in range(h)))
    c.image.paste((0, 0, 0), (0, 0), column.resize((w, h), Image.Resampling.NEAREST))
    label = max(0.06, 52 / c.safe.h)  # tall enough for Arabic and Chinese at a legible size
    label_box, _, headline, credit = c.rows(label, 0.79 - label - 0.35, 0.35, 0.06)
    white = (255, 255, 255)
    c.text(
        "headline",
        card.headline,
        headline,
        TextStyle(max_size=headline.h // 3, min_size=24, weight="bold", valign="bottom"),
        white,
    )
    if card.credit:
        c.text(
            "credit",
            card.credit,
            credit,
            TextStyle(max_size=credit.h, min_size=14, max_lines=1),
            (225, 225, 225),
        )
    alt = card.headline + (f" ({card.credit})" if card.credit else "")
    if card.provenance and card.provenance.ai_generated and card.label_waiver is None:
        _ai_badge(c, label_box)
        alt = f"{ai_label(c.language)}: {alt}"
    return alt


def _shade(t: float) -> int:
    """Opacity of the black overlay at height ``t`` (0 top, 1 bottom): strong under the headline."""
    if t > 0.35:
        return int((t - 0.35) / 0.65 * 215)
    return int(max(0.0, (0.2 - t) / 0.2) * 150)


def _ai_badge(c: _Canvas, box: Box) -> None:
    """A dark pill with the label, at the reading start of the top row (top right in Arabic)."""
    text = ai_label(c.language)
    pad = max(6, box.h // 5)
    inner = Box(box.x + pad, box.y + pad, box.w * 2 // 3 - 2 * pad, box.h - 2 * pad)
    style = TextStyle(max_size=inner.h, min_size=14, weight="bold", max_lines=1, valign="middle")
    fitted = fit_text(text, inner, style, c.library, c.language)
    scratch = ImageDraw.Draw(Image.new("L", (1, 1)))
    width = max(i.w for i in draw_text(scratch, fitted, (0,))) + 2
    x0 = box.right - width - 2 * pad if fitted.rtl else box.x
    c.draw.rounded_rectangle((x0, box.y, x0 + width + 2 * pad, box.bottom), radius=pad, fill=(20, 20, 20))
    placed = replace(fitted, box=Box(x0 + pad, inner.y, width, inner.h))
    c.regions.append(
        TextRegion("ai_label", placed.box, tuple(draw_text(c.draw, placed, (255, 255, 255))), placed)
    )


def render(
    card: Card,
    size: str | tuple[int, int] | CardSize,
    brand: BrandKit | None = None,
    library: FontLibrary | None = None,
) -> RenderedCard:
    require_text(card)
    brand = brand or BrandKit()
    language = card.language or brand.default_language
    library = library or FontLibrary.for_brand(brand.font_regular, brand.font_bold)
    canvas = _Canvas(CardSize.parse(size).px, brand, language, library)
    if isinstance(card, NumberCard):
        alt = _number(card, canvas)
    elif isinstance(card, QuoteCard):
        alt = _quote(card, canvas)
    else:
        alt = _photo(card, canvas)
    provenance = card.provenance if isinstance(card, PhotoCard) else None
    labelled = any(r.role == "ai_label" for r in canvas.regions)
    return RenderedCard(canvas.image, alt, language, canvas.regions, canvas.safe, labelled, provenance)
