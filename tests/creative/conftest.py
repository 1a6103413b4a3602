"""Shared helpers for the creative studio tests: texts that are hard to set, and a test photo."""

from __future__ import annotations

import pytest
from PIL import Image

from elshi.creative.fonts import font_advice, font_gaps

LONG_TEXTS = {
    "kk": "Қазақстан Біріккен Ұлттар Ұйымының электрондық үкіметті дамыту индексінде 193 елдің "
    "ішінде 24-орынға көтеріліп, Орталық Азиядағы көшбасшылығын нығайтты",
    "ru": "Казахстан поднялся на 24-е место в Индексе развития электронного правительства ООН среди "
    "193 государств и укрепил лидерство в Центральной Азии",
    "de": "Kasachstan verbesserte sich im E-Government-Entwicklungsindex der Vereinten Nationen auf "
    "Platz 24 unter 193 Staaten; Außenministeriumsdigitalisierungsbeauftragte begrüßten das",
    "zh": "哈萨克斯坦在联合国电子政务发展指数中跃居193个国家中的第24位，巩固了其在中亚地区的领先地位。",
    "ar": "تقدمت كازاخستان إلى المرتبة الرابعة والعشرين بين 193 دولة في مؤشر الأمم المتحدة لتطوير "
    "الحكومة الإلكترونية، مما عزز ريادتها في آسيا الوسطى",
}


# The Noto family each long text needs where DejaVu has no glyphs for it.
_NEEDS = {"zh": "Noto Sans CJK"}


def require_font_for(language: str) -> None:
    """Skip, saying what to install, where this machine lacks the Noto family a language needs
    (a fresh machine has only DejaVu; ``scripts/bootstrap`` installs the rest)."""

    family = _NEEDS.get(language)
    gaps = [gap for gap in font_gaps() if gap.family == family]
    if gaps:
        pytest.skip(f"needs {family} for {language}: {font_advice(gaps)}")


@pytest.fixture(scope="session")
def photo() -> Image.Image:
    """A busy, mostly bright picture: the worst case for white headline text."""
    base = Image.effect_mandelbrot((900, 700), (-2.0, -1.2, 1.0, 1.2), 80).convert("RGB")
    bright = Image.new("RGB", base.size, (235, 225, 200))
    return Image.blend(base, bright, 0.6)
