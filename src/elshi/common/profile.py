"""The country profile: one owner and one cache, read by every view, API, task, report and the demo.

``ELSHI_PROFILE`` names it (a shipped profile such as ``kz`` or a YAML path). Nothing outside the
profiles and the demo data names a country: the target, its peers, names and narratives come from here.
"""

from __future__ import annotations

import functools

from django.conf import settings

from elshi.analysis import CountryProfile, load_profile

__all__ = ["current_profile", "profile_for", "profile_key"]


def profile_key() -> str:
    """The configured profile's name or path (``ELSHI_PROFILE``)."""
    return str(settings.ELSHI_PROFILE)


def current_profile() -> CountryProfile:
    """The installation's country profile, loaded once per name (tests may switch ``ELSHI_PROFILE``)."""
    return _load(profile_key())


def profile_for(key: str | None = None) -> CountryProfile:
    """The profile a command names (``--profile``), else the configured one; from the same cache."""
    return _load(key) if key else current_profile()


@functools.lru_cache(maxsize=8)
def _load(key: str) -> CountryProfile:
    return load_profile(key)
