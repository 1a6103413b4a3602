"""AI image generation behind one protocol, and what every generated image carries.

Backends: ``none`` (the default: generation is off), ``openai`` (any OpenAI-compatible images
endpoint: base URL, model, key; works with local servers), ``diffusers`` (a local pipeline on a
machine with a GPU; optional extra). ``make_backend(config)`` picks one from settings.

Every ``GeneratedImage`` holds its ``Provenance`` (backend, model, prompt, seed, who asked, when).
``labelled()`` draws the visible "AI-generated" label in the post's language (only a
``LabelWaiver`` drops it) and ``save()`` writes the file with XMP ``trainedAlgorithmicMedia`` and,
when a signing certificate is configured, a signed C2PA manifest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from PIL import Image, ImageDraw

from elshi.creative.c2pa_manifest import sign_asset
from elshi.creative.errors import BackendUnavailable, CreativeError, TextDoesNotFit
from elshi.creative.fonts import FontLibrary
from elshi.creative.labels import ai_label
from elshi.creative.layout import Box, TextStyle, draw_text, fit_text
from elshi.creative.provenance import LabelWaiver, Provenance, save_with_provenance

__all__ = [
    "GeneratedImage",
    "ImageBackend",
    "ImageRequest",
    "NoBackend",
    "draw_ai_label",
    "make_backend",
]


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    made_by: str
    size: tuple[int, int] = (1024, 1024)
    seed: int | None = None
    negative_prompt: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.prompt.strip():
            raise CreativeError("prompt: an image needs a prompt")
        if not self.made_by.strip():
            raise CreativeError("made_by: every AI image records who asked for it")
        w, h = self.size
        if not (64 <= w <= 4096 and 64 <= h <= 4096):
            raise CreativeError(f"size: {w}x{h} is outside 64..4096 px")


@runtime_checkable
class ImageBackend(Protocol):
    name: str
    model: str

    def generate(self, request: ImageRequest) -> GeneratedImage: ...


@dataclass
class GeneratedImage:
    image: Image.Image
    provenance: Provenance
    revised_prompt: str = ""

    def labelled(self, language: str, waiver: LabelWaiver | None = None) -> Image.Image:
        """The image as it may be published: with the visible label unless an approver waived it."""
        return self.image.copy() if waiver is not None else draw_ai_label(self.image, language)

    def save(
        self,
        path: str | Path,
        language: str,
        alt_text: str,
        waiver: LabelWaiver | None = None,
        signing: Any = None,
    ) -> Path:
        """Write the publishable image with XMP; sign a C2PA manifest when ``signing`` is a SigningConfig."""
        if not alt_text.strip():
            raise CreativeError("alt_text: every image needs alt text before it can be used")
        target = save_with_provenance(self.labelled(language, waiver), path, self.provenance, alt_text)
        if signing is not None:
            sign_asset(target, self.provenance, signing)
        return target


def draw_ai_label(
    image: Image.Image, language: str, library: FontLibrary | None = None, at_height: float | None = None
) -> Image.Image:
    """A dark pill with the label at the bottom-start corner, about 6% of the short side tall.

    ``at_height`` (a fraction of the height) puts it higher: vertical videos keep it clear of the
    platforms' own buttons and captions at the bottom.
    """
    out = image.convert("RGB")
    w, h = out.size
    short = min(w, h)
    pad, height = max(4, short // 60), max(28, short * 3 // 50)
    top = h - pad * 2 - height if at_height is None else round(h * at_height)
    box = Box(pad * 3, top, w * 3 // 4, height)
    style = TextStyle(max_size=box.h, min_size=8, weight="bold", max_lines=1, valign="middle")
    try:
        fitted = fit_text(ai_label(language), box, style, library, language)
    except TextDoesNotFit:
        # A thumbnail-sized image (under about 200 px) cannot hold the words: it still says "AI".
        box = Box(pad * 2, top, w - pad * 4, height)
        fitted = fit_text("AI", box, replace(style, min_size=6), library, "en")
    inks = draw_text(ImageDraw.Draw(Image.new("L", (1, 1))), fitted, (0,))
    width = max(i.right for i in inks) - min(i.x for i in inks)
    x0 = w - pad * 3 - width - 2 * pad if fitted.rtl else pad * 2
    draw = ImageDraw.Draw(out)
    draw.rounded_rectangle(
        (x0, box.y - pad, x0 + width + 2 * pad, box.bottom + pad), radius=pad, fill=(15, 15, 15)
    )
    placed = replace(fitted, box=Box(x0 + pad, box.y, width + 2, box.h))
    draw_text(draw, placed, (255, 255, 255))
    return out


class NoBackend:
    """Generation is off (the default): the studio says so instead of pretending."""

    name = "none"
    model = ""

    def generate(self, request: ImageRequest) -> GeneratedImage:
        raise BackendUnavailable("no AI image backend is configured (set the images endpoint in settings)")


def make_backend(config: Mapping[str, Any], client: Any = None) -> ImageBackend:
    """``{"backend": "openai", "base_url": ..., "model": ..., "api_key": ...}``, ``{"backend": "diffusers",
    "model_path": ...}`` or ``{"backend": "none"}``; ``client`` is an ``httpx.Client`` for tests."""
    kind = str(config.get("backend", "none")).lower()
    if kind == "none":
        return NoBackend()
    if kind == "openai":
        # The backends build on this module's types (ImageRequest, GeneratedImage): imported when chosen.
        from elshi.creative.openai_images import OpenAIImages

        return OpenAIImages(
            base_url=str(config["base_url"]),
            model=str(config["model"]),
            api_key=str(config.get("api_key") or ""),
            client=client,
            send_seed=bool(config.get("send_seed", False)),
            timeout=float(config.get("timeout", 120)),
        )
    if kind == "diffusers":
        # As above; and its diffusers and torch are the optional ai-local extra.
        from elshi.creative.diffusers_images import DiffusersImages

        return DiffusersImages(
            str(config["model_path"]),
            device=str(config.get("device", "cuda")),
            steps=int(config.get("steps", 4)),
        )
    raise CreativeError(f"backend: {kind!r} is not one of none, openai, diffusers")
