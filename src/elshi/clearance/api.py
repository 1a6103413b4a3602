"""Clearance over JSON: a post with its clearance history, submit, approve, request changes, reject."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from elshi.clearance import actions as clearance_actions
from elshi.clearance import reschedule as moves
from elshi.clearance.forms_ctx import steps_view
from elshi.content.api import PostOut, post_out, refusal
from elshi.content.models import Post
from elshi.missions.api_auth import needs_scope
from elshi.missions.models import TokenScope
from elshi.missions.permissions import Perm, require

router = Router(tags=["clearance"])


class CommentIn(Schema):
    comment: str = ""


class RescheduleIn(Schema):
    scheduled_at: datetime


def _out(post: Post) -> dict[str, Any]:
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
                        "exception": d.exception,
                        "at": d.at,
                    }
                    for d in clearance.decisions.all()
                ],
            }
        )
    return post_out(post, history)


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
        raise refusal(exc) from exc
    clearance_actions.do_submit(post, acting_user=request.user)
    return _out(post)


def _decide(request: HttpRequest, post_id: int, verdict: str, comment: str) -> dict[str, Any]:
    post = get_object_or_404(Post, pk=post_id)
    try:
        require(request.user, Perm.VIEW, post.mission)
        clearance = clearance_actions.check_decide(request.user, post, verdict, comment)
    except (PermissionDenied, ValidationError) as exc:
        raise refusal(exc) from exc
    clearance_actions.do_decide(clearance, verdict, comment, acting_user=request.user)
    post.refresh_from_db()
    return _out(post)


@router.post(
    "/posts/{post_id}/approve", response=PostOut, openapi_extra=needs_scope(TokenScope.APPROVE)
)
def approve(request: HttpRequest, post_id: int, payload: CommentIn | None = None) -> dict[str, Any]:
    return _decide(request, post_id, "approve", payload.comment if payload else "")


@router.post(
    "/posts/{post_id}/request-changes", response=PostOut, openapi_extra=needs_scope(TokenScope.APPROVE)
)
def request_changes(request: HttpRequest, post_id: int, payload: CommentIn) -> dict[str, Any]:
    return _decide(request, post_id, "request_changes", payload.comment)


@router.post(
    "/posts/{post_id}/reject", response=PostOut, openapi_extra=needs_scope(TokenScope.APPROVE)
)
def reject(request: HttpRequest, post_id: int, payload: CommentIn) -> dict[str, Any]:
    return _decide(request, post_id, "reject", payload.comment)


@router.post(
    "/posts/{post_id}/reschedule",
    response=PostOut,
    summary="Move a post; a cleared post moved beyond its policy's window is cleared again",
)
def reschedule_post(request: HttpRequest, post_id: int, payload: RescheduleIn) -> dict[str, Any]:
    post = get_object_or_404(Post, pk=post_id)
    when = payload.scheduled_at
    try:
        require(request.user, Perm.VIEW, post.mission)
        if when.tzinfo is None:  # a naive time means a different instant in every mission
            raise ValidationError(_("Give the time with its offset, e.g. 2026-12-01T10:00:00+01:00."))
        moves.check_reschedule(request.user, post, when)
    except (PermissionDenied, ValidationError) as exc:
        raise refusal(exc) from exc
    moves.do_reschedule(post, when, acting_user=request.user)
    post.refresh_from_db()
    return _out(post)
