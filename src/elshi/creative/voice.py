"""Spoken voice-over with espeak-ng, where it is installed (Debian package ``espeak-ng``).

espeak-ng is a formant synthesiser: robotic but intelligible, offline, and it speaks Kazakh,
Russian, English, Arabic, German and Mandarin. It is optional: ``available()`` says whether a
storyboard may ask for a voice-over.
"""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404 - a known binary with argument lists, never a shell
import wave
from pathlib import Path

from elshi.creative.errors import RenderError, StoryboardError

__all__ = ["VOICES", "available", "synthesize", "wav_duration"]

VOICES = {"kk": "kk", "ru": "ru", "en": "en-us", "de": "de", "ar": "ar", "zh": "cmn", "fr": "fr", "tr": "tr"}


def _binary() -> str | None:
    return shutil.which("espeak-ng")


def available() -> bool:
    return _binary() is not None


def synthesize(text: str, language: str, out: Path, words_per_minute: int = 165) -> float:
    """Speak ``text`` into a WAV file; returns its duration in seconds."""
    binary = _binary()
    if binary is None:
        raise StoryboardError("voice-over needs espeak-ng (Debian package espeak-ng), which is not installed")
    voice = VOICES.get(language.lower(), VOICES.get(language.lower()[:2], "en-us"))
    result = subprocess.run(  # noqa: S603
        [binary, "-v", voice, "-s", str(words_per_minute), "-w", str(out), "--stdin"],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0 or not out.is_file():
        raise RenderError(f"espeak-ng failed for voice {voice}", result.stderr)
    return wav_duration(out)


def wav_duration(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())
