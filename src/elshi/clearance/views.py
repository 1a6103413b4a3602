"""Clear: a post's page with its clearance, my queue, decisions, overrides and policies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from elshi.clearance import actions
from elshi.clearance.forms import DecisionForm, PolicyForm, StepFormSet
from elshi.clearance.forms_ctx import clearance_context
from elshi.clearance.models import Clearance, Policy
from elshi.clearance.workflow import can_decide
from elshi.content import actions as content_actions
from elshi.content.models import Post, PostState
from elshi.content.validation import check_post
from elshi.content.views import history_of
from elshi.missions.permissions import Perm, has_perm, missions_with, require


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """Posts waiting for this person's decision, oldest first."""
    missions = missions_with(request.user, Perm.VIEW)
    open_ones = (
        Clearance.objects.filter(state="open", post__mission__in=missions)
        .select_related("post__mission", "submitted_by")
        .order_by("submitted_at")
    )
    mine = [c for c in open_ones if can_decide(request.user, c)]
    return render(request, "clearance/queue.html", {"clearances": mine, "active": "clear"})


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=pk)
    try:
        actions.check_submit(request.user, post)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("post_detail", pk)
    actions.do_submit(post, acting_user=request.user)
    messages.success(request, _("Submitted for clearance."))
    return redirect("post_detail", pk)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=pk)
    require(request.user, Perm.VIEW, post.mission)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve, request changes or reject."))
        return redirect("post_detail", pk)
    verdict, comment = form.cleaned_data["verdict"], form.cleaned_data["comment"]
    try:
        clearance = actions.check_decide(request.user, post, verdict, comment)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("post_detail", pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("post_detail", pk)
    actions.do_decide(clearance, verdict, comment, acting_user=request.user)
    messages.success(request, _("Decision recorded."))
    return redirect("post_detail", pk)


@login_required
@require_POST
def override(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=pk)
    require(request.user, Perm.VIEW, post.mission)  # another mission's post is not theirs to see
    figure, reason = request.POST.get("figure", ""), request.POST.get("reason", "")
    try:
        content_actions.check_override(request.user, post, figure, reason)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("post_detail", pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("post_detail", pk)
    content_actions.do_override(post, figure, reason, acting_user=request.user)
    messages.success(request, _("Override recorded with your reason."))
    return redirect("post_detail", pk)


@login_required
def policies(request: HttpRequest) -> HttpResponse:
    missions = missions_with(request.user, Perm.VIEW)
    if not missions.exists():
        raise PermissionDenied("policies")
    rows = (
        Policy.objects.filter(mission__in=missions)
        .select_related("mission", "channel")
        .prefetch_related("steps__people")
    )
    managed = set(missions_with(request.user, Perm.MANAGE).values_list("pk", flat=True))
    return render(
        request, "clearance/policies.html", {"policies": rows, "managed": managed, "active": "clear"}
    )


@login_required
def policy_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    policy = get_object_or_404(Policy, pk=pk) if pk else None
    managed = missions_with(request.user, Perm.MANAGE)
    if policy is not None:
        actions.check_manage_policy(request.user, policy.mission)
    elif not managed.exists():
        raise PermissionDenied("policies")
    initial = (
        [
            {
                "role": s.role,
                "at_hq": s.at_hq,
                "mode": s.mode,
                "people": ", ".join(s.people.values_list("username", flat=True)),
            }
            for s in policy.steps.all()
        ]
        if policy
        else []
    )
    form = PolicyForm(request.POST or None, instance=policy, missions=managed)
    steps = StepFormSet(request.POST or None, initial=initial, prefix="s")
    if request.method == "POST" and form.is_valid() and steps.is_valid():
        data = [
            f.cleaned_data
            for f in steps
            if f.cleaned_data and (f.cleaned_data.get("role") or f.cleaned_data.get("people"))
        ]
        try:
            actions.check_manage_policy(request.user, form.cleaned_data["mission"])
            actions.do_save_policy(form.save(commit=False), data, acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Policy saved."))
            return redirect("policies")
    return render(
        request,
        "clearance/policy_edit.html",
        {"form": form, "steps": steps, "policy": policy, "active": "clear"},
    )


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post.objects.select_related("mission", "campaign", "created_by"), pk=pk)
    require(request.user, Perm.VIEW, post.mission)
    context = {
        "post": post,
        "reports": list(zip(post.variants.all(), check_post(post), strict=True)),
        "history": history_of(post),
        "can_edit": post.is_editable and has_perm(request.user, Perm.COMPOSE, post.mission),
        "can_submit": post.state in (PostState.DRAFT, PostState.CHANGES_REQUESTED)
        and has_perm(request.user, Perm.COMPOSE, post.mission),
        "local_time": post.scheduled_at.astimezone(post.mission.zone) if post.scheduled_at else None,
        "deliveries": post.deliveries.select_related("channel"),
        "can_resolve": has_perm(request.user, Perm.PUBLISH, post.mission),
        "now": timezone.now(),
        "active": "tell",
    }
    context |= clearance_context(request.user, post)
    return render(request, "content/post.html", context)
