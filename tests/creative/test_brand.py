from __future__ import annotations

import pytest

from elshi.creative import BrandKit, BrandKitError, contrast_ratio, parse_colour


def test_colours_parse_and_bad_values_are_named() -> None:
    assert parse_colour("#00AFCA") == (0, 175, 202)
    with pytest.raises(BrandKitError, match="accent"):
        BrandKit(accent="sky blue")
    with pytest.raises(BrandKitError, match="safe_margin"):
        BrandKit(safe_margin=0.5)
    with pytest.raises(BrandKitError, match="logo"):
        BrandKit(logo="/nonexistent/logo.png")


def test_mission_overrides_merge_and_round_trip() -> None:
    ministry = BrandKit(name="MFA of Kazakhstan", default_language="kk")
    berlin = ministry.merged({"default_language": "de", "handle": "@KazEmbassyDE"})
    assert (berlin.name, berlin.default_language, berlin.handle) == (
        "MFA of Kazakhstan",
        "de",
        "@KazEmbassyDE",
    )
    assert BrandKit.from_dict(berlin.to_dict()) == berlin
    with pytest.raises(BrandKitError, match="colour_scheme"):
        ministry.merged({"colour_scheme": "dark"})


def test_default_text_colours_meet_wcag_aa_on_white() -> None:
    kit = BrandKit()
    white = kit.rgb("background")
    assert contrast_ratio(kit.rgb("text"), white) >= 4.5
    assert contrast_ratio(kit.rgb("muted_text"), white) >= 4.5
    # The figure is large text (WCAG: 3:1); the darkened accent of UI.md carries it.
    assert contrast_ratio(kit.rgb("accent_text"), white) >= 3.0
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
