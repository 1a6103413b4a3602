"""Glyphs are really drawn, and a machine without Noto is told once what falls back and what to install."""

from __future__ import annotations

import logging
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from fontTools.ttLib import TTCollection, TTFont
from matplotlib import font_manager
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from elshi.cli import app
from elshi.creative import FontLibrary, FontMissing, fonts
from elshi.creative.bench import bench_cards
from elshi.creative.fonts import FontFace, font_advice, font_gaps, load_font
from elshi.reports import charts

from .conftest import LONG_TEXTS


def _require(*families: str) -> None:
    """Skip, saying what to install, where this machine lacks a Noto family the test is about."""
    gaps = [gap for gap in font_gaps() if gap.family in families]
    if gaps:
        pytest.skip(f"needs {', '.join(g.family for g in gaps)}: {font_advice(gaps)}")


def _notdef_name(face: FontFace) -> str:
    font = (
        TTCollection(face.path, lazy=True).fonts[face.index]
        if face.path.endswith(".ttc")
        else TTFont(face.path, lazy=True)
    )
    return str(font.getGlyphOrder()[0])


def _bitmap(face: FontFace, char: str) -> np.ndarray:
    image = Image.new("L", (80, 80), 0)
    ImageDraw.Draw(image).text((10, 60), char, font=load_font(face, 48), fill=255, anchor="ls")
    return np.asarray(image)


@pytest.mark.parametrize("language", sorted(LONG_TEXTS))
def test_every_character_has_a_real_glyph(language: str) -> None:
    text = LONG_TEXTS[language]
    if language in {"zh", "ja", "ko"}:
        _require("Noto Sans CJK")
    face = FontLibrary().face_for(text, "bold", language)
    assert face.covers(text)
    assert _notdef_name(face) == ".notdef"
    tofu = _bitmap(face, "\U00013000")  # an Egyptian hieroglyph none of our fonts has: .notdef
    letters = {c for c in text if c.isalpha()}
    assert letters
    for char in letters:
        assert not np.array_equal(_bitmap(face, char), tofu), f"{char!r} rendered as tofu with {face.path}"


def test_scripts_pick_their_families() -> None:
    _require("Noto Sans Arabic", "Noto Sans CJK")
    library = FontLibrary()
    assert "Arabic" in library.face_for(LONG_TEXTS["ar"], "regular", "ar").path
    cjk = library.face_for(LONG_TEXTS["zh"], "regular", "zh")
    assert "CJK" in cjk.path and cjk.index == 2  # Simplified Chinese regional forms
    assert library.face_for("漢字", "regular", "ja").index == 0


def test_text_no_font_covers_is_refused_with_the_code_points() -> None:
    with pytest.raises(FontMissing, match="U\\+13000") as info:
        FontLibrary().face_for("Қазақстан \U00013000", "regular", "kk")
    assert info.value.missing == "\U00013000"


def test_brand_font_comes_first_when_it_covers_the_text() -> None:
    _require("Noto Sans")  # the brand font here is DejaVu, which must differ from the default face
    fallback = FontLibrary().face_for("Astana", "regular").path
    dejavu = FontLibrary().candidates("x")[-1].path
    assert dejavu != fallback
    assert FontLibrary.for_brand(dejavu, None).face_for("Astana", "regular").path == dejavu


# A fresh machine: only DejaVu installed, no Noto.
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@pytest.fixture
def dejavu_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if not (DEJAVU / "DejaVuSans.ttf").is_file():
        pytest.skip("needs DejaVu Sans (Debian fonts-dejavu-core)")
    folder = tmp_path / "fonts"
    folder.mkdir()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        (folder / name).symlink_to(DEJAVU / name)
    monkeypatch.setenv("ELSHI_FONT_DIRS", str(folder))
    monkeypatch.setattr(fonts, "_SAID", set())
    return folder


def test_without_noto_one_warning_says_which_languages_fall_back_and_what_to_install(
    dejavu_only: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            gaps = fonts.warn_font_gaps()
    assert [g.family for g in gaps] == ["Noto Sans", "Noto Sans Arabic", "Noto Sans CJK"]
    [line] = [r.getMessage() for r in caplog.records]
    assert "zh, ja, ko cannot be drawn (no Noto Sans CJK)" in line
    assert "ar, fa drawn with DejaVu Sans" in line
    assert "apt-get install fonts-noto-cjk fonts-noto-core" in line


def test_with_every_noto_family_installed_nothing_is_said(
    dejavu_only: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The search goes by the files' names, as Debian's packages install them.
    for family in ("latin", "arabic", "cjk"):
        for name in fonts.FILES[family].values():
            (dejavu_only / name).symlink_to(DEJAVU / "DejaVuSans.ttf")
    with caplog.at_level(logging.WARNING):
        assert fonts.warn_font_gaps() == []
    assert caplog.records == []


def test_this_machines_noto_fonts_leave_nothing_to_say(caplog: pytest.LogCaptureFixture) -> None:
    _require("Noto Sans", "Noto Sans Arabic", "Noto Sans CJK")
    with caplog.at_level(logging.WARNING):
        assert fonts.warn_font_gaps() == []
    assert caplog.records == []


def test_bench_skips_a_language_without_a_font_with_a_line_saying_so(dejavu_only: Path) -> None:
    said: list[str] = []
    rows = bench_cards(runs=1, on_skip=said.append)
    assert "number (zh)" not in {r.name for r in rows} and "number (kk)" in {r.name for r in rows}
    [line] = said
    assert line.startswith("skipped number (zh): no installed font has glyphs for U+")
    assert "fonts-noto-cjk" in line


def test_charts_name_only_installed_families_and_draw_without_findfont_warnings(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    charts.chart_fonts.cache_clear()
    monkeypatch.setattr(charts, "FONTS", ["Elshi Missing Sans", *charts.FONTS])
    monkeypatch.setattr(fonts, "_SAID", set())
    days = [{"day": f"2026-03-0{d}", "positive": d, "neutral": 2, "negative": 1} for d in range(1, 8)]
    try:
        with caplog.at_level(logging.WARNING):
            charts.tone_volume_chart(
                days, {"positive": "оң", "neutral": "бейтарап", "negative": "теріс"}, "n"
            )
            charts.share_of_voice_chart(
                [{"name": "Қазақстан", "country": "KZ", "share_of_voice": 0.4}], "KZ", "%"
            )
        assert "Elshi Missing Sans" not in charts.chart_fonts()
    finally:
        charts.chart_fonts.cache_clear()
    assert not [r for r in caplog.records if "findfont" in r.getMessage()]
    assert len([r for r in caplog.records if r.name.startswith("elshi")]) <= 1


def test_fonts_installed_after_matplotlib_cached_its_list_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = font_manager.fontManager
    # The cache as it was written before DejaVu Sans Mono was installed.
    monkeypatch.setattr(manager, "ttflist", [f for f in manager.ttflist if f.name != "DejaVu Sans Mono"])
    monkeypatch.setattr(matplotlib, "get_cachedir", lambda: str(tmp_path))
    if not any("DejaVuSansMono" in p for p in font_manager.findSystemFonts()):
        pytest.skip("needs DejaVu Sans Mono installed (Debian fonts-dejavu-core)")
    assert charts.refresh_font_cache() > 0
    assert "DejaVu Sans Mono" in {f.name for f in manager.ttflist}
    assert list(tmp_path.glob("fontlist-v*.json")), "the refreshed list is saved for the next process"
    assert charts.refresh_font_cache() == 0


@pytest.mark.django_db
def test_elshi_check_lists_the_languages_that_fall_back(dejavu_only: Path) -> None:
    result = CliRunner().invoke(app, ["check"])
    said = " ".join(result.output.split())
    assert "warn fonts: kk, ru, en, tr, de, fr drawn with DejaVu Sans (no Noto Sans)" in said
    assert "zh, ja, ko cannot be drawn (no Noto Sans CJK)" in said
