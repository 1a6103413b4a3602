"""elshi's creative studio: story cards, carousels, short vertical videos, AI images with provenance.

Pure (no Django; DESIGN §3): the ``content`` app calls it and stores what it returns.

    from elshi.creative import BrandKit, NumberCard, render_card
    card = render_card(NumberCard("24th", "in the UN E-Government Development Index", "UN DESA, 2024",
                                  language="en"), "1080x1350", BrandKit())
    card.save("card.png")          # PNG with XMP (IPTC digital source type) and alt text
    card.alt_text                  # drafted from the card's text; the editor may change it

Modules: ``brand`` (BrandKit), ``fonts`` (glyph-covering font choice), ``layout`` (text fitting and
shaped drawing), ``labels`` (the words drawn into pixels), ``cards`` and ``carousel`` (templates),
``captions`` (cues, SRT/VTT), ``storyboard``, ``video`` with ``video_frames`` and ``soundtrack``
(storyboards to H.264/AAC MP4 through imageio-ffmpeg's ffmpeg), ``ffmpeg`` (run, probe), ``voice``
(espeak-ng), ``provenance`` (XMP, PNG text chunks, read-back), ``c2pa_manifest`` (signed C2PA
manifests, optional extra), ``imagegen`` with ``openai_images`` and ``diffusers_images`` (AI image
backends), ``alt_text`` (the clearance rule), ``spec`` (JSON specs), ``bench`` and ``commands``
(CLI). Errors: see ``errors``.
"""

from __future__ import annotations

from elshi.creative.alt_text import AltTextMissing, check_alt_text
from elshi.creative.brand import BrandKit, contrast_ratio, parse_colour
from elshi.creative.captions import Cue, parse_srt, parse_vtt, split_cues, to_srt, to_vtt
from elshi.creative.cards import Card, CardSize, NumberCard, PhotoCard, QuoteCard, RenderedCard, render_card
from elshi.creative.carousel import MAX_SLIDES, render_carousel
from elshi.creative.errors import (
    BackendError,
    BackendUnavailable,
    BrandKitError,
    CreativeError,
    FontMissing,
    ProvenanceError,
    RenderError,
    StoryboardError,
    TextDoesNotFit,
)
from elshi.creative.ffmpeg import MediaInfo, probe
from elshi.creative.fonts import FontLibrary
from elshi.creative.imagegen import (
    GeneratedImage,
    ImageBackend,
    ImageRequest,
    NoBackend,
    draw_ai_label,
    make_backend,
)
from elshi.creative.layout import Box, TextStyle, fit_text
from elshi.creative.provenance import LabelWaiver, Provenance, ReadBack, read_provenance, save_with_provenance
from elshi.creative.storyboard import Scene, Storyboard
from elshi.creative.video import VideoResult, render_video

__all__ = [
    "MAX_SLIDES",
    "AltTextMissing",
    "BackendError",
    "BackendUnavailable",
    "Box",
    "BrandKit",
    "BrandKitError",
    "Card",
    "CardSize",
    "CreativeError",
    "Cue",
    "FontLibrary",
    "FontMissing",
    "GeneratedImage",
    "ImageBackend",
    "ImageRequest",
    "LabelWaiver",
    "MediaInfo",
    "NoBackend",
    "NumberCard",
    "PhotoCard",
    "Provenance",
    "ProvenanceError",
    "QuoteCard",
    "ReadBack",
    "RenderError",
    "RenderedCard",
    "Scene",
    "Storyboard",
    "StoryboardError",
    "TextDoesNotFit",
    "TextStyle",
    "VideoResult",
    "check_alt_text",
    "contrast_ratio",
    "draw_ai_label",
    "fit_text",
    "make_backend",
    "parse_colour",
    "parse_srt",
    "parse_vtt",
    "probe",
    "read_provenance",
    "render_card",
    "render_carousel",
    "render_video",
    "save_with_provenance",
    "split_cues",
    "to_srt",
    "to_vtt",
]
