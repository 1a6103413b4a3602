"""The stills of a vertical video: each scene's picture, and its captions burned in.

Cards are set square at the top of the 9:16 frame and captions sit in a band above the bottom
fifth, which TikTok, Reels and Shorts cover with their own buttons and text.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageOps

from elshi.creative.brand import BrandKit
from elshi.creative.cards import CardSize, NumberCard, PhotoCard, QuoteCard, RenderedCard, render_card
from elshi.creative.fonts import FontLibrary
from elshi.creative.imagegen import GeneratedImage, draw_ai_label
from elshi.creative.labels import ai_label
from elshi.creative.layout import Box, TextStyle, draw_text, fit_text
from elshi.creative.storyboard import Scene, Storyboard

__all__ = ["caption_box", "scene_image", "with_caption"]

CARD_TYPES = (NumberCard, QuoteCard, PhotoCard)


def caption_box(size: tuple[int, int], brand: BrandKit) -> Box:
    """Where captions go: above the bottom fifth that TikTok, Reels and Shorts cover with their UI."""
    w, h = size
    side = max(brand.margin_px(size), round(w * 0.09))
    return Box(side, round(h * 0.60), w - 2 * side, round(h * 0.17))


def scene_image(
    scene: Scene, board: Storyboard, brand: BrandKit, library: FontLibrary
) -> tuple[Image.Image, str]:
    """The still behind a scene's captions.

    Cards are set square at the top of the frame, on their own background colour, so that their
    text never sits under the caption band; photos (and 9:16 cards made for stories) fill the frame.
    """
    visual = scene.visual
    if isinstance(visual, GeneratedImage):
        # Label the frame as shown, after cropping, so the crop can never cut the label away.
        frame = ImageOps.fit(visual.image.convert("RGB"), board.size, Image.Resampling.BICUBIC)
        if scene.label_waiver is None:
            frame = draw_ai_label(frame, board.language or brand.default_language, library, at_height=0.12)
        return frame, f"{ai_label(board.language or brand.default_language)}: {scene.caption}".rstrip(": ")
    if isinstance(visual, RenderedCard):
        image, alt = visual.image, visual.alt_text
    elif isinstance(visual, Image.Image):
        image, alt = visual, ""
    elif isinstance(visual, (str, Path)):
        with Image.open(visual) as raw:
            image, alt = raw.convert("RGB"), ""
    else:
        rendered = render_card(visual, CardSize.SQUARE, brand, library)
        image, alt = rendered.image, rendered.alt_text
    image = image.convert("RGB")
    w, h = board.size
    if isinstance(visual, (RenderedCard, *CARD_TYPES)) and image.height < image.width * 1.3:
        card = image.resize((w, round(image.height * w / image.width)), Image.Resampling.BICUBIC)
        frame = Image.new("RGB", board.size, card.getpixel((0, card.height - 1)))
        frame.paste(card, (0, min(round(h * 0.04), caption_box(board.size, brand).y - card.height)))
        return frame, alt
    if image.size != board.size:
        image = ImageOps.fit(image, board.size, Image.Resampling.BICUBIC)
    return image, alt


def with_caption(base: Image.Image, text: str, box: Box, library: FontLibrary, language: str) -> Image.Image:
    if not text:
        return base
    style = TextStyle(
        max_size=round(base.width * 0.06),
        min_size=max(12, round(base.width * 0.026)),
        weight="bold",
        max_lines=3,
        align="center",
        valign="bottom",
    )
    fitted = fit_text(text, box, style, library, language)
    scratch = ImageDraw.Draw(Image.new("L", (1, 1)))
    inks = draw_text(scratch, fitted, (0,))
    pad = round(fitted.size * 0.35)
    plate = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(plate)
    draw.rounded_rectangle(
        (
            min(i.x for i in inks) - pad,
            min(i.y for i in inks) - pad,
            max(i.right for i in inks) + pad,
            max(i.bottom for i in inks) + pad,
        ),
        radius=pad,
        fill=(0, 0, 0, 175),
    )
    out = Image.alpha_composite(base.convert("RGBA"), plate)
    draw_text(ImageDraw.Draw(out), fitted, (255, 255, 255, 255))
    return out.convert("RGB")
