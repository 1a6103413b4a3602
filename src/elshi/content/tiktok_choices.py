"""What TikTok lets a channel's creator choose, read at compose time, and what is wrong with a choice.

TikTok's Direct Post rules leave the privacy level, the interaction switches and the commercial-content
disclosure to the person, from the creator's live ``creator_info`` (``elshi.connectors.tiktok.choices``).
The composer reads it here, through the guarded outbound client, and keeps it for a few minutes per
channel so that each keystroke's check does not cost one of the token's few calls a minute. A failed
read is said, never guessed around: no options are offered until TikTok answers. The same checks run
when the post is saved, submitted and shown, so that nothing the sender would refuse (the publisher
checks again before each post) is found only after clearance.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from elshi import connectors
from elshi.common.crypto import decrypt_json_cached, encrypt_json
from elshi.common.http import outbound_client
from elshi.connectors import Account, ConnectorError, Token
from elshi.connectors.tiktok import TikTokPublisher
from elshi.connectors.tiktok.choices import PRIVACY_LEVELS, CreatorInfo
from elshi.content.media import stored_file
from elshi.content.models import Asset
from elshi.missions.models import Channel

__all__ = [
    "CACHE_SECONDS",
    "Creator",
    "choice_findings",
    "choice_problems",
    "client_factory",
    "combined",
    "creator_of",
    "is_on",
]

CACHE_SECONDS = 300


def _client() -> httpx.Client:
    return outbound_client(
        timeout=httpx.Timeout(10.0), follow_redirects=False, headers={"User-Agent": "elshi"}
    )


# The seam tests replace with a MockTransport-backed client; the default is the guarded one.
client_factory: Callable[[], httpx.Client] = _client


@dataclass(frozen=True)
class Creator:
    """One TikTok channel's creator settings, or why they could not be read (``info`` is None)."""

    channel: Channel
    info: CreatorInfo | None
    error: str = ""


def _cache_key(channel: Channel) -> str:
    return f"elshi:tiktok-creator:{channel.pk}"


def _account(channel: Channel) -> Account:
    token = decrypt_json_cached(channel.token_encrypted)
    return Account(
        settings=dict(channel.settings),
        secrets=decrypt_json_cached(channel.secrets_encrypted) or {},
        token=Token.from_json(token) if token else None,
    )


def _fetch(channel: Channel) -> dict[str, Any]:
    with client_factory() as client:
        publisher = connectors.create("tiktok", client, _account(channel))
        if not isinstance(publisher, TikTokPublisher):  # a registry that maps "tiktok" elsewhere
            raise TypeError(f"the tiktok connector is {type(publisher).__name__}")
        refreshed = publisher.refresh_if_needed(timezone.now())
        if refreshed is not None:
            # TikTok may rotate the refresh token: a renewal not stored would lose the channel.
            channel.token_encrypted = encrypt_json(refreshed.to_json())
            channel.token_expires_at = refreshed.expires_at
            channel.save(update_fields=["token_encrypted", "token_expires_at"])
        return dict(publisher.creator_info())


def creator_of(channel: Channel) -> Creator:
    """The creator settings of a TikTok channel, from TikTok (cached for ``CACHE_SECONDS``)."""
    if channel.sandbox:  # records, never sends: every level TikTok knows, so rehearsals can choose
        return Creator(channel, CreatorInfo(PRIVACY_LEVELS, username=channel.handle))
    data = cache.get(_cache_key(channel))
    if not isinstance(data, dict):
        try:
            data = _fetch(channel)
        except (ConnectorError, httpx.HTTPError) as error:
            message = _(
                "TikTok did not say what %(channel)s may post (%(error)s), so no privacy or interaction "
                "choices can be offered for it. Try again in a moment, or reconnect the channel."
            ) % {"channel": channel.handle, "error": error}
            return Creator(channel, None, message)
        cache.set(_cache_key(channel), data, CACHE_SECONDS)
    return Creator(channel, CreatorInfo.from_json(data))


def combined(creators: Sequence[Creator]) -> CreatorInfo | None:
    """What one variant may choose when it goes to every one of these channels: the levels all of them
    offer, an interaction disabled where any disables it, the shortest duration allowed."""
    infos = [c.info for c in creators if c.info is not None]
    if not infos or len(infos) != len(creators):
        return None
    levels = tuple(
        level
        for level in infos[0].privacy_level_options
        if all(level in info.privacy_level_options for info in infos)
    )
    durations = [i.max_video_post_duration_sec for i in infos if i.max_video_post_duration_sec is not None]
    return CreatorInfo(
        levels,
        comment_disabled=any(i.comment_disabled for i in infos),
        duet_disabled=any(i.duet_disabled for i in infos),
        stitch_disabled=any(i.stitch_disabled for i in infos),
        max_video_post_duration_sec=min(durations) if durations else None,
        username=", ".join(i.username for i in infos if i.username),
    )


def is_on(options: Mapping[str, Any], name: str) -> bool:
    value = options.get(name, False)
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true", "on", "yes"))


def _durations(media: Iterable[Mapping[str, Any]]) -> list[float]:
    """The length of each video: said by the media item, or by the studio asset it is."""
    found = []
    for item in media:
        duration = item.get("duration_s")
        if duration is None and (file := stored_file(str(item.get("url") or ""))):
            asset = Asset.objects.filter(file=file).only("provenance").first()
            duration = (asset.provenance or {}).get("duration_s") if asset else None
        try:  # a number, or the API's string of one
            seconds = float(duration) if isinstance(duration, int | float | str) else 0.0
        except ValueError:
            continue
        if seconds > 0:
            found.append(seconds)
    return found


def choice_problems(
    options: Mapping[str, Any], media: Sequence[Mapping[str, Any]], creators: Sequence[Creator]
) -> list[str]:
    """Why a TikTok variant with these ``options`` cannot go to these channels (empty: it can)."""
    return [problem for _about, problem in choice_findings(options, media, creators)]


def choice_findings(
    options: Mapping[str, Any], media: Sequence[Mapping[str, Any]], creators: Sequence[Creator]
) -> list[tuple[str, str]]:
    """:func:`choice_problems`, each with what it is about ("privacy", "media" or "channel"), for the
    form to put beside the right field."""
    problems = [("channel", c.error) for c in creators if c.error]
    privacy = str(options.get("privacy_level") or "")
    if not privacy:
        problems.append(("privacy", _("TikTok: choose who can see this post (TikTok allows no default).")))
    info = combined(creators)
    if info is not None and privacy and privacy not in info.privacy_level_options:
        problems.append(
            (
                "privacy",
                _("TikTok: “%(level)s” is not offered to %(creator)s; choose one of: %(allowed)s.")
                % {
                    "level": privacy,
                    "creator": info.username or _("this creator"),
                    "allowed": ", ".join(info.privacy_level_options) or _("none"),
                },
            )
        )
        if info.unaudited:
            problems.append(
                ("privacy", _("TikTok lets an app that it has not audited post only privately (SELF_ONLY)."))
            )
    if is_on(options, "brand_content_toggle") and privacy == "SELF_ONLY":
        problems.append(
            ("privacy", _("TikTok: branded content cannot be private; choose who else can see it."))
        )
    limit = info.max_video_post_duration_sec if info is not None else None
    for duration in _durations(media):
        if limit is not None and duration > limit:
            problems.append(
                (
                    "media",
                    _("TikTok: the video lasts %(duration)d s; this creator may post %(limit)d s at most.")
                    % {"duration": round(duration), "limit": limit},
                )
            )
    return problems
