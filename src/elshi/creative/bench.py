"""``elshi bench creative``: median render time per card template, and of a 15 s 1080x1920 video.

Targets (issue 8, on 2 cores): a card under 150 ms; the 15-second captioned video under 15 s.
The inputs are the hard cases: long Kazakh text, a busy photo, Arabic and Chinese cards.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from elshi.creative.brand import BrandKit
from elshi.creative.cards import Card, NumberCard, PhotoCard, QuoteCard, render_card
from elshi.creative.errors import FontMissing
from elshi.creative.fonts import FontLibrary
from elshi.creative.storyboard import Scene, Storyboard
from elshi.creative.video import render_video

__all__ = ["BenchRow", "bench_cards", "bench_video", "sample_cards"]

KK_STATEMENT = "Қазақстан БҰҰ-ның электрондық үкіметті дамыту индексінде 193 елдің ішінде 24-орынға көтерілді"


@dataclass(frozen=True)
class BenchRow:
    name: str
    runs: int
    median_ms: float
    target_ms: float

    @property
    def ok(self) -> bool:
        return self.median_ms <= self.target_ms


def _photo() -> Image.Image:
    base = Image.effect_mandelbrot((1600, 1200), (-2.0, -1.2, 1.0, 1.2), 80).convert("RGB")
    return Image.blend(base, Image.new("RGB", base.size, (235, 225, 200)), 0.5)


def sample_cards() -> dict[str, Card]:
    return {
        "number (kk)": NumberCard("24-орын", KK_STATEMENT, "БҰҰ DESA, E-Government Survey 2024", "kk"),
        "quote (ru)": QuoteCard(
            "Цифровое государство служит каждому гражданину, где бы он ни находился",
            "Министр иностранных дел Республики Казахстан",
            "ru",
        ),
        "photo (kk)": PhotoCard(
            _photo(), "Астана халықаралық форумы: 60 елден 5000 қатысушы", "Фото: СІМ", "kk"
        ),
        "number (ar)": NumberCard(
            "24",
            "تقدمت كازاخستان إلى المرتبة الرابعة والعشرين في مؤشر الحكومة الإلكترونية",
            "الأمم المتحدة، 2024",
            "ar",
        ),
        "number (zh)": NumberCard(
            "第24位", "哈萨克斯坦在联合国电子政务发展指数中跃居第24位", "联合国经社部，2024", "zh"
        ),
    }


def _median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm: fonts opened, coverage read
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 1)


def _say(line: str) -> None:
    print(line, file=sys.stderr)


def bench_cards(
    size: str = "1080x1350", runs: int = 7, on_skip: Callable[[str], None] = _say
) -> list[BenchRow]:
    """One row per sample card; a card whose language has no installed font is skipped, saying so."""
    brand = BrandKit()
    library = FontLibrary()
    rows = []
    for name, card in sample_cards().items():

        def render(card: Card = card) -> object:
            return render_card(card, size, brand, library)

        try:
            render()  # a missing font shows on the first render, not after the timed ones
        except FontMissing as exc:
            # A fresh machine without Noto CJK still measures every other language.
            on_skip(f"skipped {name}: {exc}")
            continue
        rows.append(BenchRow(name, runs, _median_ms(render, runs), 150.0))
    return rows


def bench_video(runs: int = 1, seconds: float = 15.0, preset: str = "ultrafast") -> BenchRow:
    cards = sample_cards()
    third = seconds / 3 + 1 / 3  # three scenes, two 0.5 s transitions
    board = Storyboard(
        (
            Scene(cards["number (kk)"], third, KK_STATEMENT),
            Scene(cards["photo (kk)"], third, "Астана халықаралық форумы: 60 елден 5000 қатысушы"),
            Scene(cards["quote (ru)"], third, "Цифровое государство служит каждому гражданину"),
        ),
        language="kk",
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.mp4"
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            render_video(board, out, preset=preset)
            times.append((time.perf_counter() - start) * 1000)
    return BenchRow(
        f"video {board.duration:.0f}s 1080x1920", runs, round(statistics.median(times), 1), seconds * 1000
    )
