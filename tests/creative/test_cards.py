"""Every template at every size keeps its text inside the brand kit's safe margins."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from elshi.creative import (
    BrandKit,
    CardSize,
    CreativeError,
    LabelWaiver,
    NumberCard,
    PhotoCard,
    Provenance,
    ProvenanceError,
    QuoteCard,
    read_provenance,
    render_card,
    render_carousel,
)

from .conftest import LONG_TEXTS, require_font_for

AI = Provenance(
    "trainedAlgorithmicMedia",
    "aigerim",
    datetime(2025, 3, 1, tzinfo=UTC),
    "openai",
    "gpt-image-1",
    "Astana skyline at dawn",
    7,
)
FIGURES = {"kk": "24-орын", "ru": "24-е место", "de": "Platz 24", "zh": "第24位", "ar": "المرتبة 24"}


def _cards(language: str, photo: Image.Image) -> list[NumberCard | QuoteCard | PhotoCard]:
    text = LONG_TEXTS[language]
    return [
        NumberCard(FIGURES[language], text, "UN DESA, E-Government Survey 2024", language),
        QuoteCard(text, "Ministry of Foreign Affairs of the Republic of Kazakhstan", language),
        PhotoCard(photo, text, "© MFA", language, provenance=AI),
    ]


@pytest.mark.parametrize("size", list(CardSize), ids=[s.name for s in CardSize])
@pytest.mark.parametrize("language", sorted(LONG_TEXTS))
def test_text_stays_inside_safe_margins(size: CardSize, language: str, photo: Image.Image) -> None:
    require_font_for(language)
    for card in _cards(language, photo):
        rendered = render_card(card, size)
        assert rendered.image.size == size.px
        margin = BrandKit().margin_px(size.px)
        assert rendered.safe_area.x == margin and rendered.safe_area.right == size.px[0] - margin
        assert rendered.regions
        for region in rendered.regions:
            assert region.box.x >= margin and region.box.right <= size.px[0] - margin
            for ink in region.inks:
                assert rendered.safe_area.contains(ink), (type(card).__name__, region.role, ink)
                assert region.box.contains(ink), (type(card).__name__, region.role, ink)


def test_number_card_reads_as_a_claim() -> None:
    card = NumberCard("24th", "in the UN E-Government Development Index", "UN DESA, 2024", "en")
    rendered = render_card(card, "1080x1350")
    roles = {r.role: r for r in rendered.regions}
    assert set(roles) == {"header", "figure", "statement", "source"}
    assert roles["figure"].fitted.size > roles["statement"].fitted.size > roles["source"].fitted.size
    assert roles["source"].fitted.text == "Source: UN DESA, 2024"
    assert rendered.alt_text == "24th in the UN E-Government Development Index. Source: UN DESA, 2024"
    # A statement that already ends its sentence gets no second full stop.
    ended = render_card(NumberCard("#24", "Kazakhstan ranked 24th.", "UN DESA, 2024", "en"), "1080x1350")
    assert ended.alt_text == "#24 Kazakhstan ranked 24th. Source: UN DESA, 2024"
    # The figure is drawn in the kit's text-safe accent.
    pixels = np.asarray(rendered.image)
    box = roles["figure"].inks[0]
    region = pixels[box.y : box.bottom, box.x : box.right].reshape(-1, 3)
    assert (np.abs(region - np.array(BrandKit().rgb("accent_text"))).sum(axis=1) < 10).sum() > 500


def test_kazakh_source_label_and_rtl_alignment() -> None:
    kk = render_card(NumberCard("24", "БҰҰ индексі", "БҰҰ DESA, 2024", "kk"), "square")
    assert kk.alt_text.endswith("Дереккөз: БҰҰ DESA, 2024")
    ar = render_card(QuoteCard(LONG_TEXTS["ar"], "وزارة الخارجية", "ar"), "square")
    quote = next(r for r in ar.regions if r.role == "quote")
    # Right-aligned: every line ends flush with the box's right edge.
    assert all(quote.box.right - ink.right <= 3 for ink in quote.inks)
    assert any(ink.x - quote.box.x > 20 for ink in quote.inks)


def test_ai_photo_is_labelled_unless_an_approver_waives_it(photo: Image.Image, tmp_path: Path) -> None:
    labelled = render_card(PhotoCard(photo, "Астана", language="kk", provenance=AI), "1080x1920")
    label = next(r for r in labelled.regions if r.role == "ai_label")
    assert labelled.ai_labelled and label.fitted.text == "Жасанды интеллект жасаған"
    assert labelled.alt_text.startswith("Жасанды интеллект жасаған:")
    # The label is legible: white text on a dark pill.
    ink = label.inks[0]
    patch = np.asarray(labelled.image.convert("L"))[ink.y : ink.bottom, ink.x : ink.right]
    assert patch.max() > 230 and np.median(patch) < 60
    saved = read_provenance(labelled.save(tmp_path / "card.png", made_by="editor@astana"))
    assert saved.source_type == "compositeWithTrainedAlgorithmicMedia"
    assert saved.provenance is not None and saved.provenance.model == "gpt-image-1"

    with pytest.raises(ProvenanceError):
        LabelWaiver("approver@astana", "")
    waived = render_card(
        PhotoCard(
            photo,
            "Астана",
            language="kk",
            provenance=AI,
            label_waiver=LabelWaiver("approver@astana", "Illustration, labelled in the caption"),
        ),
        "1080x1920",
    )
    assert not waived.ai_labelled and all(r.role != "ai_label" for r in waived.regions)
    # The file still says what it is, label or not.
    assert read_provenance(waived.save(tmp_path / "waived.jpg")).ai_generated


def test_real_photo_is_not_labelled_and_white_headline_keeps_contrast(photo: Image.Image) -> None:
    rendered = render_card(PhotoCard(photo, "Астана халықаралық форумы", "Фото: СІМ", "kk"), "1080x1080")
    assert not rendered.ai_labelled
    headline = next(r for r in rendered.regions if r.role == "headline")
    ink = headline.inks[-1]
    patch = np.asarray(rendered.image.convert("L"))[ink.y : ink.bottom, ink.x : ink.right]
    background = np.percentile(patch, 25)
    assert background < 90  # the gradient darkens even a bright photo under the text


def test_empty_fields_are_refused_by_name() -> None:
    with pytest.raises(CreativeError, match="NumberCard.figure"):
        render_card(NumberCard(" ", "statement", "source"), "square")
    with pytest.raises(CreativeError, match="QuoteCard.attribution"):
        render_card(QuoteCard("quote", ""), "square")


def test_sizes_parse_and_unknown_sizes_are_refused() -> None:
    assert CardSize.parse("1200x630") is CardSize.LINK
    assert CardSize.parse("story") is CardSize.STORY
    with pytest.raises(CreativeError, match="1080x1080"):
        CardSize.parse("1000x1000")


def test_carousel_marks_each_slide(photo: Image.Image) -> None:
    cards = [NumberCard(str(n), f"Slide {n} statement", "MFA", "en") for n in range(1, 5)]
    slides = render_carousel([*cards, PhotoCard(photo, "Closing", language="en")], "1080x1350")
    assert [s.image.size for s in slides] == [(1080, 1350)] * 5
    assert [s.alt_text.split(":")[0] for s in slides] == ["1/5", "2/5", "3/5", "4/5", "5/5"]
    # Dots in the bottom margin: the active one sits at a different x on each slide.
    actives = []
    for slide in slides[:4]:
        row = np.asarray(slide.image)[slide.safe_area.bottom + (1350 - slide.safe_area.bottom) // 2]
        accent = np.nonzero(np.abs(row - np.array(BrandKit().rgb("accent_text"))).sum(axis=1) < 10)[0]
        actives.append(int(accent.mean()))
    assert actives == sorted(actives) and len(set(actives)) == 4
    with pytest.raises(CreativeError, match="1 to 10"):
        render_carousel(cards * 3, "1080x1080")


def test_logo_sits_at_the_reading_end_of_the_source_line(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (200, 200), (254, 197, 12, 255)).save(logo)
    brand = BrandKit(logo=str(logo))
    gold = np.array(BrandKit().rgb("highlight"))
    for language, statement, right_side in [
        ("en", "in the UN index", True),
        ("ar", "في مؤشر الأمم المتحدة", False),
    ]:
        card = render_card(NumberCard("24", statement, "UN DESA, 2024", language), "1080x1080", brand)
        pixels = np.asarray(card.image).astype(int)
        source = next(r for r in card.regions if r.role == "source")
        band = pixels[source.box.y : source.box.bottom]
        cols = np.nonzero((np.abs(band - gold).sum(axis=2) < 10).any(axis=0))[0]
        assert len(cols) > 50
        assert (cols.min() > 1080 * 3 // 4) if right_side else (cols.max() < 1080 // 4)
        # The source text keeps clear of the logo.
        assert all(ink.right < cols.min() or ink.x > cols.max() for ink in source.inks)
