"""Posts and clearance over JSON: the same actions and refusals as the interface."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from elshi.clearance import actions as clearance_actions
from elshi.clearance.forms_ctx import steps_view
from elshi.content import actions
from elshi.content.models import Claim, Narrative, Post
from elshi.content.validation import check_post
from elshi.missions.models import Channel, Mission, Platform
from elshi.missions.permissions import Perm, require
from elshi.common.api_errors import ApiRefusal

router = Router(tags=["posts"])


class VariantIn(Schema):
    platform: Platform
    language: str
    text: str = ""
    link: str = ""
    media: list[dict[str, str]] = []


class PostIn(Schema):
    mission: str
    title: str
    scheduled_at: datetime | None = None
    channels: list[int] = []
    narratives: list[str] = []
    claims: list[int] = []
    campaign: int | None = None
    variants: list[VariantIn]


class CommentIn(Schema):
    comment: str = ""


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


def _out(post: Post) -> dict[str, Any]:
    reports = check_post(post)
    history = []
    for clearance in post.clearances.prefetch_related("decisions__user").order_by("submitted_at"):
        history.append(
            {
                "id": clearance.pk,
                "state": clearance.state,
                "submitted_at": clearance.submitted_at,
                "steps": [
                    {"order": s["order"], "who": s["who"], "mode": s["mode"], "state": s["state"]}
                    for s in steps_view(clearance)
                ],
                "decisions": [
                    {
                        "step": d.step,
                        "user": d.user.get_username(),
                        "verdict": d.verdict,
                        "comment": d.comment,
                        "at": d.at,
                    }
                    for d in clearance.decisions.all()
                ],
            }
        )
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
                "check": r.as_json(),
            }
            for v, r in zip(post.variants.all(), reports, strict=True)
        ],
        "clearance": history,
    }


def _refuse(exc: Exception) -> ApiRefusal:
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
        post = Post(
            mission=mission,
            title=payload.title,
            scheduled_at=payload.scheduled_at,
            campaign_id=payload.campaign,
        )
        actions.do_save_post(
            post,
            acting_user=request.user,
            variants=[v.dict() for v in payload.variants],
            channels=channels,
            narratives=list(Narrative.objects.filter(key__in=payload.narratives)),
            claims=list(Claim.objects.filter(pk__in=payload.claims)),
        )
    except (PermissionDenied, ValidationError) as exc:
        raise _refuse(exc) from exc
    return 201, _out(post)


@router.get(
    "/posts/{post_id}", response=PostOut, summary="A post with its state, checks and clearance history"
)
def get_post(request: HttpRequest, post_id: int) -> dict[str, Any]:
    post = get_object_or_404(Post, pk=post_id)
    require(request.user, Perm.VIEW, post.mission)
    return _out(post)


@router.post(
    "/posts/{post_id}/submit",
    response=PostOut,
    summary="Submit for clearance (422 lists each variant's problems)",
)
def submit_post(request: HttpRequest, post_id: int) -> dict[str, Any]:
    post = get_object_or_404(Post, pk=post_id)
    try:
        clearance_actions.check_submit(request.user, post)
    except (PermissionDenied, ValidationError) as exc:
        raise _refuse(exc) from exc
    clearance_actions.do_submit(post, acting_user=request.user)
    return _out(post)


def _decide(request: HttpRequest, post_id: int, verdict: str, comment: str) -> dict[str, Any]:
    post = get_object_or_404(Post, pk=post_id)
    try:
        require(request.user, Perm.VIEW, post.mission)
        clearance = clearance_actions.check_decide(request.user, post, verdict, comment)
    except (PermissionDenied, ValidationError) as exc:
        raise _refuse(exc) from exc
    clearance_actions.do_decide(clearance, verdict, comment, acting_user=request.user)
    post.refresh_from_db()
    return _out(post)


@router.post("/posts/{post_id}/approve", response=PostOut)
def approve(request: HttpRequest, post_id: int, payload: CommentIn | None = None) -> dict[str, Any]:
    return _decide(request, post_id, "approve", payload.comment if payload else "")


@router.post("/posts/{post_id}/request-changes", response=PostOut)
def request_changes(request: HttpRequest, post_id: int, payload: CommentIn) -> dict[str, Any]:
    return _decide(request, post_id, "request_changes", payload.comment)


@router.post("/posts/{post_id}/reject", response=PostOut)
def reject(request: HttpRequest, post_id: int, payload: CommentIn) -> dict[str, Any]:
    return _decide(request, post_id, "reject", payload.comment)
