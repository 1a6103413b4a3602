"""What the creator must choose before a TikTok Direct Post, and what TikTok lets them choose.

TikTok's Direct Post guidelines leave no choice to the app: the privacy level is picked by the person
from ``creator_info/query/``'s ``privacy_level_options`` (never preset), comments, duets and stitches
are switched by them (and forced off where the creator's settings disable them), and commercial
content is disclosed as "your brand" (``brand_organic_toggle``) or "branded content"
(``brand_content_toggle``, which cannot be private). Unaudited API clients may post ``SELF_ONLY``
only. This module reads creator info into :class:`CreatorInfo` and turns a message's
``options`` into the ``post_info`` TikTok expects, or says, in the person's terms, what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .._http import JSONObject
from ..types import Message

__all__ = ["INTERACTIONS", "PRIVACY_LEVELS", "CreatorInfo", "choice_problems", "post_info"]

PRIVACY_LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")
# option name -> the creator_info flag that forces it on
INTERACTIONS = {
    "disable_comment": "comment_disabled",
    "disable_duet": "duet_disabled",
    "disable_stitch": "stitch_disabled",
}


@dataclass(frozen=True, slots=True)
class CreatorInfo:
    """The creator's posting settings, as ``creator_info/query/`` returns them (untrusted JSON typed)."""

    privacy_level_options: tuple[str, ...]
    comment_disabled: bool = False
    duet_disabled: bool = False
    stitch_disabled: bool = False
    max_video_post_duration_sec: int | None = None
    username: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> CreatorInfo:
        options = data.get("privacy_level_options")
        levels = tuple(o for o in options if isinstance(o, str)) if isinstance(options, list) else ()
        duration = data.get("max_video_post_duration_sec")
        return cls(
            levels,
            comment_disabled=data.get("comment_disabled") is True,
            duet_disabled=data.get("duet_disabled") is True,
            stitch_disabled=data.get("stitch_disabled") is True,
            max_video_post_duration_sec=duration if isinstance(duration, int) and duration > 0 else None,
            username=str(data.get("creator_username") or ""),
        )

    def disabled(self, option: str) -> bool:
        return bool(getattr(self, INTERACTIONS[option]))

    @property
    def unaudited(self) -> bool:
        """TikTok offers an unaudited client's creators nothing but ``SELF_ONLY``."""
        return self.privacy_level_options == ("SELF_ONLY",)


def _flag(options: Mapping[str, str | bool], name: str) -> bool:
    value = options.get(name, False)
    return value is True or (isinstance(value, str) and value.lower() in ("1", "true", "on", "yes"))


def choice_problems(message: Message, info: CreatorInfo) -> list[str]:
    """Why ``message`` cannot be posted for this creator as chosen (empty: it can)."""
    problems: list[str] = []
    privacy = str(message.options.get("privacy_level") or "")
    if not privacy:
        problems.append("tiktok: choose who can see this post (TikTok allows no default)")
    elif privacy not in info.privacy_level_options:
        allowed = ", ".join(info.privacy_level_options) or "none"
        hint = " (unaudited TikTok apps may post only SELF_ONLY)" if info.unaudited else ""
        problems.append(f"tiktok: privacy level {privacy} is not offered to this creator: {allowed}{hint}")
    if _flag(message.options, "brand_content_toggle") and privacy == "SELF_ONLY":
        problems.append("tiktok: branded content cannot be private (SELF_ONLY)")
    limit = info.max_video_post_duration_sec
    for item in message.media:
        if item.kind == "video" and limit is not None and (item.duration_s or 0) > limit:
            problems.append(
                f"tiktok: the video lasts {item.duration_s:.0f} s, this creator may post {limit} s at most"
            )
    return problems


def post_info(message: Message, info: CreatorInfo, *, photo: bool) -> JSONObject:
    """The ``post_info`` object for ``video/init`` (``photo``: ``content/init``); call after
    :func:`choice_problems` found nothing. Interactions the creator disabled stay disabled."""
    options = message.options
    privacy = str(options["privacy_level"])
    if photo:
        # A photo post's title is short; the text goes in the description (TikTok: 90 / 4000).
        body: JSONObject = {
            "title": (message.title or "")[:90],
            "description": message.text,
            "privacy_level": privacy,
            "disable_comment": info.comment_disabled or _flag(options, "disable_comment"),
            "auto_add_music": True,
        }
    else:
        body = {"title": message.title or message.text, "privacy_level": privacy}
        for name in INTERACTIONS:
            body[name] = info.disabled(name) or _flag(options, name)
        body["video_cover_timestamp_ms"] = 1000
        # TikTok's own "AI-generated content" label, for a video the studio made or altered with AI.
        body["is_aigc"] = any(item.ai_generated for item in message.media)
    body["brand_content_toggle"] = _flag(options, "brand_content_toggle")
    body["brand_organic_toggle"] = _flag(options, "brand_organic_toggle")
    return body
