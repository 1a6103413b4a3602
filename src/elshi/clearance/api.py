"""Clearance over JSON: a post with its clearance history, submit, approve, request changes, reject."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from elshi.clearance import actions as clearance_actions
from elshi.clearance.forms_ctx import steps_view
from elshi.content.api import PostOut, post_out, refusal
from elshi.content.models import Post
from elshi.missions.permissions import Perm, require

router = Router(tags=["clearance"])


class CommentIn(Schema):
    comment: str = ""


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


@router.post("/posts/{post_id}/approve", response=PostOut)
def approve(request: HttpRequest, post_id: int, payload: CommentIn | None = None) -> dict[str, Any]:
    return _decide(request, post_id, "approve", payload.comment if payload else "")


@router.post("/posts/{post_id}/request-changes", response=PostOut)
def request_changes(request: HttpRequest, post_id: int, payload: CommentIn) -> dict[str, Any]:
    return _decide(request, post_id, "request_changes", payload.comment)


@router.post("/posts/{post_id}/reject", response=PostOut)
def reject(request: HttpRequest, post_id: int, payload: CommentIn) -> dict[str, Any]:
    return _decide(request, post_id, "reject", payload.comment)
