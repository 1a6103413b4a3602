"""What the channel screens need to know about each platform: its name, how an account is connected,
and which settings and secrets a channel must hold. Each entry is the ``facts`` its publisher class
declares, so that the catalog and the registry cannot disagree."""

from __future__ import annotations

from ._builtin import BUILTIN
from .facts import Connect, PlatformFacts

__all__ = ["CATALOG", "Connect", "PlatformInfo"]

PlatformInfo = PlatformFacts  # the name the channel screens know it by

CATALOG: dict[str, PlatformInfo] = {publisher.platform: publisher.facts for publisher in BUILTIN}
