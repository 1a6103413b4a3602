"""Caption cues: readable chunks, timing that covers the scene, SRT and WebVTT that round-trip."""

from __future__ import annotations

import pytest

from elshi.creative.captions import MIN_CUE_S, Cue, parse_srt, parse_vtt, split_cues, to_srt, to_vtt
from elshi.creative.errors import StoryboardError

from .conftest import LONG_TEXTS


@pytest.mark.parametrize("language", sorted(LONG_TEXTS))
def test_cues_cover_the_span_in_order_and_keep_every_word(language: str) -> None:
    cues = split_cues(LONG_TEXTS[language], 2.5, 9.0)
    assert len(cues) >= 2
    assert cues[0].start == 2.5 and cues[-1].end == 9.0
    assert all(a.end == b.start for a, b in zip(cues, cues[1:], strict=False))
    assert all(c.end - c.start >= MIN_CUE_S for c in cues)
    limit = 2 * 16 if language == "zh" else 2 * 42  # two lines at most
    assert all(len(c.text) <= limit for c in cues), [c.text for c in cues]
    joined = ("" if language == "zh" else " ").join(c.text for c in cues)
    assert joined.replace(" ", "") == LONG_TEXTS[language].replace(" ", "")


def test_short_scenes_merge_cues_and_impossible_ones_are_refused() -> None:
    cues = split_cues(LONG_TEXTS["ru"], 0, 2.0)
    assert all(c.end - c.start >= MIN_CUE_S for c in cues)
    with pytest.raises(StoryboardError, match="at least"):
        split_cues("Астана", 0, 0.5)


def test_srt_and_vtt_format_and_round_trip() -> None:
    cues = [Cue(0, 1.5, "Қазақстан"), Cue(1.5, 3723.004, "哈萨克斯坦\nKazakhstan")]
    srt = to_srt(cues)
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,500\nҚазақстан\n\n2\n00:00:01,500 --> 01:02:03,004\n")
    vtt = to_vtt(cues, "kk")
    assert vtt.startswith("WEBVTT\nLanguage: kk\n\n00:00:00.000 --> 00:00:01.500\n")
    assert parse_srt(srt) == cues
    assert parse_vtt(vtt) == cues
    with pytest.raises(StoryboardError):
        parse_vtt(srt)
