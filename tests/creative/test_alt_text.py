from __future__ import annotations

import pytest

from elshi.creative import NumberCard, render_card
from elshi.creative.alt_text import ALT_TEXT_MAX, AltTextMissing, check_alt_text


@pytest.mark.parametrize(
    "bad", [None, "", "   ", "IMG_2041.JPG", "фото", "image", "abc", "x" * (ALT_TEXT_MAX + 1)]
)
def test_unusable_alt_text_is_refused(bad: str | None) -> None:
    with pytest.raises(AltTextMissing) as info:
        check_alt_text(bad, asset="card-17")
    assert info.value.asset == "card-17" and str(info.value).startswith("card-17: ")


def test_drafted_alt_text_of_a_card_passes_and_is_cleaned() -> None:
    card = render_card(NumberCard("24-орын", "БҰҰ  индексінде", "БҰҰ DESA, 2024", "kk"), "1080x1080")
    assert check_alt_text(card.alt_text) == "24-орын БҰҰ индексінде. Дереккөз: БҰҰ DESA, 2024"
