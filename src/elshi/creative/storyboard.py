"""A storyboard: scenes (cards or photos) with durations and captions, checked against the platforms.

Limits are the strictest of TikTok, Instagram Reels and YouTube Shorts for a vertical clip that
every one of them accepts: 1080x1920, 3 to 90 seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from PIL import Image

from elshi.creative.cards import Card, RenderedCard
from elshi.creative.errors import StoryboardError
from elshi.creative.imagegen import GeneratedImage
from elshi.creative.provenance import LabelWaiver

__all__ = ["MAX_SCENES", "MAX_SECONDS", "MIN_SECONDS", "TRANSITIONS", "Scene", "Storyboard"]

MIN_SECONDS, MAX_SECONDS, MAX_SCENES = 3.0, 90.0, 20
# ffmpeg xfade transitions offered in the storyboard builder ("cut" means none).
TRANSITIONS = ("fade", "slideleft", "slideup", "wipeleft", "smoothleft", "circleopen", "dissolve", "cut")
Transition = Literal[
    "fade", "slideleft", "slideup", "wipeleft", "smoothleft", "circleopen", "dissolve", "cut"
]
Visual = Card | RenderedCard | GeneratedImage | Image.Image | str | Path


@dataclass(frozen=True)
class Scene:
    """One shot: a card, a rendered card, an AI image (labelled on the frame), or a photo."""

    visual: Visual
    duration: float
    caption: str = ""
    voiceover: str | None = None  # what to speak; the caption when None and the board is voiced
    label_waiver: LabelWaiver | None = None  # only for an AI image: an approver dropped its label

    @property
    def spoken(self) -> str:
        return self.caption if self.voiceover is None else self.voiceover


@dataclass(frozen=True)
class Storyboard:
    scenes: tuple[Scene, ...]
    language: str = ""
    transition: Literal[
        "fade", "slideleft", "slideup", "wipeleft", "smoothleft", "circleopen", "dissolve", "cut"
    ] = "fade"
    transition_s: float = 0.5
    music: str | Path | None = None
    music_volume: float = 0.3
    voiceover: bool = False
    title: str = ""
    size: tuple[int, int] = (1080, 1920)
    fps: int = 30
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        w, h = self.size
        if w * 16 != h * 9 or not 180 <= w <= 1080 or w % 2:
            raise StoryboardError(f"size: {w}x{h} is not an even 9:16 frame up to 1080x1920")
        if self.fps not in (24, 25, 30):
            raise StoryboardError(f"fps: {self.fps} is not 24, 25 or 30")
        if not 1 <= len(self.scenes) <= MAX_SCENES:
            raise StoryboardError(f"a storyboard has 1 to {MAX_SCENES} scenes, not {len(self.scenes)}")
        if self.transition not in TRANSITIONS:
            raise StoryboardError(f"transition: {self.transition!r} is not one of {', '.join(TRANSITIONS)}")
        if not 0 <= self.transition_s <= 2:
            raise StoryboardError("transition_s: must be between 0 and 2 seconds")
        for n, scene in enumerate(self.scenes, 1):
            if scene.duration < max(1.0, 2 * self.overlap):
                raise StoryboardError(f"scene {n}: {scene.duration} s is shorter than its transitions allow")
        if not MIN_SECONDS <= self.duration <= MAX_SECONDS:
            raise StoryboardError(
                f"the video lasts {self.duration:.1f} s; TikTok, Reels and Shorts all take "
                f"{MIN_SECONDS:.0f} to {MAX_SECONDS:.0f} s"
            )
        if self.music is not None and not Path(self.music).is_file():
            raise StoryboardError(f"music: no file at {self.music}")
        if not 0 <= self.music_volume <= 1:
            raise StoryboardError("music_volume: must be between 0 and 1")

    @property
    def overlap(self) -> float:
        return 0.0 if self.transition == "cut" else self.transition_s

    @property
    def duration(self) -> float:
        return sum(s.duration for s in self.scenes) - self.overlap * (len(self.scenes) - 1)

    def offsets(self) -> list[float]:
        """When each scene starts on the final timeline (transitions overlap neighbours)."""
        out, t = [], 0.0
        for scene in self.scenes:
            out.append(round(t, 3))
            t += scene.duration - self.overlap
        return out
