"""Posts over JSON: the same actions and refusals as the interface (clearance: ``elshi.clearance.api``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError

from elshi.common.api_errors import ApiRefusal
from elshi.content import actions
from elshi.content.models import Campaign, Claim, Narrative, Post
from elshi.content.tiktok_choices import choice_problems, creator_of
from elshi.content.validation import check_post
from elshi.missions.models import Channel, Mission, Platform

router = Router(tags=["posts"])


class VariantIn(Schema):
    platform: Platform
    language: str
    text: str = ""
    link: str = ""
    media: list[dict[str, str]] = []
    # The person's platform choices (TikTok: privacy_level, disable_comment/duet/stitch,
    # brand_organic_toggle, brand_content_toggle), checked against the channel's creator settings.
    options: dict[str, str | bool] = {}


class PostIn(Schema):
    mission: str
    title: str
    scheduled_at: datetime | None = None
    channels: list[int] = []
    narratives: list[str] = []
    claims: list[int] = []
    campaign: int | None = None
    variants: list[VariantIn]


class DecisionOut(Schema):
    step: int
    user: str
    verdict: str
    comment: str
    at: datetime


class PostOut(Schema):
    id: int
    mission: str
    title: str
    state: str
    scheduled_at: datetime | None
    channels: list[int]
    variants: list[dict[str, Any]]
    clearance: list[dict[str, Any]]


def post_out(post: Post, clearance: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A post as the API shows it; the clearance app passes the post's clearance history."""
    reports = check_post(post)
    return {
        "id": post.pk,
        "mission": post.mission.slug,
        "title": post.title,
        "state": post.state,
        "scheduled_at": post.scheduled_at,
        "channels": list(post.channels.values_list("pk", flat=True)),
        "variants": [
            {
                "platform": v.platform,
                "language": v.language,
                "text": v.text,
                "link": v.link,
                "options": v.options or {},
                "check": r.as_json(),
            }
            for v, r in zip(post.variants.all(), reports, strict=True)
        ],
        "clearance": clearance or [],
    }


def refusal(exc: Exception) -> ApiRefusal:
    """The API's answer to a refused action: 403 for the role, 422 with each problem otherwise."""
    if isinstance(exc, PermissionDenied):
        return ApiRefusal(403, str(exc) or "Your role does not allow this.")
    messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    return ApiRefusal(
        422, "; ".join(messages), {"problems": messages, "variants": getattr(exc, "reports", [])}
    )


@router.post("/posts", response={201: PostOut}, summary="Create a draft post with its variants")
def create_post(request: HttpRequest, payload: PostIn) -> tuple[int, dict[str, Any]]:
    mission = get_object_or_404(Mission, slug=payload.mission)
    channels = list(Channel.objects.filter(pk__in=payload.channels))
    if len(channels) != len(set(payload.channels)):
        raise HttpError(422, "unknown channel id")
    try:
        actions.check_compose(request.user, mission, channels)
        if any(c.mission_id != mission.pk for c in channels):
            raise ValidationError("every channel must belong to the post's mission")
        if payload.campaign is not None and not Campaign.objects.filter(
            pk=payload.campaign, missions=mission
        ).exists():  # as in the form: a campaign that does not target this mission is not offered
            raise ValidationError(_("the campaign does not target the post's mission"))
        post = Post(
            mission=mission,
            title=payload.title,
            scheduled_at=payload.scheduled_at,
            campaign_id=payload.campaign,
        )
        tiktok = [creator_of(c) for c in channels if c.platform == Platform.TIKTOK]
        problems = [
            p
            for v in payload.variants
            if v.platform == Platform.TIKTOK
            for p in choice_problems(v.options, v.media, tiktok)
        ]
        if problems:  # refused now, as the composer refuses it, never after clearance
            raise ValidationError(problems)
        actions.do_save_post(
            post,
            acting_user=request.user,
            variants=[v.dict() for v in payload.variants],
            channels=channels,
            narratives=list(Narrative.objects.filter(key__in=payload.narratives)),
            claims=list(Claim.objects.filter(pk__in=payload.claims)),
        )
    except (PermissionDenied, ValidationError) as exc:
        raise refusal(exc) from exc
    return 201, post_out(post)
