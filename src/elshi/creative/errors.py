"""The errors of ``elshi.creative``, in one place.

CreativeError (ValueError)         anything the studio refuses to make
├── BrandKitError                  a brand kit with a bad colour, margin, font or logo
├── FontMissing                    no installed font covers the text (we never draw tofu)
├── TextDoesNotFit                 the text overflows its box even at the smallest size
├── StoryboardError                a storyboard the platforms would refuse (length, scenes, files)
└── ProvenanceError                a label removed without a reason, unreadable metadata
RenderError (RuntimeError)         ffmpeg or espeak-ng failed; carries the tool's last output
BackendError (RuntimeError)        an AI image backend failed; ``permanent`` says whether to retry
└── BackendUnavailable             no backend configured, or its optional extra is not installed
"""

from __future__ import annotations

__all__ = [
    "BackendError",
    "BackendUnavailable",
    "BrandKitError",
    "CreativeError",
    "FontMissing",
    "ProvenanceError",
    "RenderError",
    "StoryboardError",
    "TextDoesNotFit",
]


class CreativeError(ValueError):
    """The studio refuses to make this asset; the message says which input is wrong."""


class BrandKitError(CreativeError):
    pass


class FontMissing(CreativeError):
    def __init__(self, message: str, missing: str = "") -> None:
        super().__init__(message)
        self.missing = missing


class TextDoesNotFit(CreativeError):
    pass


class StoryboardError(CreativeError):
    pass


class ProvenanceError(CreativeError):
    pass


class RenderError(RuntimeError):
    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output


class BackendError(RuntimeError):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


class BackendUnavailable(BackendError):
    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)
