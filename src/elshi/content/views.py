"""Tell: narratives, claims, campaigns (curated at HQ) and the composer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from elshi.audit.models import AuditEvent
from elshi.content import actions
from elshi.content.forms import (
    CampaignForm,
    ClaimForm,
    NarrativeForm,
    PostForm,
    VariantForm,
    VariantFormSet,
    variant_initial,
)
from elshi.content.models import Campaign, Claim, Narrative, Post, PostState, Variant
from elshi.content.tiktok_choices import creator_of
from elshi.content.validation import check_post
from elshi.missions.models import Channel, Platform
from elshi.missions.permissions import Perm, missions_with, require


def _can_curate(user: Any) -> bool:
    try:
        actions.check_curate(user)
    except PermissionDenied:
        return False
    return True


def history_of(obj: Any) -> Any:
    """The latest audit entries about one object, for its page."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))[:30]


@login_required
def narrative_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW, None)
    narratives = Narrative.objects.prefetch_related("claims", "campaigns")
    return render(
        request,
        "content/narratives.html",
        {"narratives": narratives, "can_curate": _can_curate(request.user), "active": "tell"},
    )


CURATED = {
    "narrative": (Narrative, NarrativeForm, "key"),
    "claim": (Claim, ClaimForm, "pk"),
    "campaign": (Campaign, CampaignForm, "pk"),
}


@login_required
def curated_edit(request: HttpRequest, kind: str, ident: str | None = None) -> HttpResponse:
    model, form_class, field = CURATED[kind]
    actions.check_curate(request.user)
    obj = get_object_or_404(model, **{field: ident}) if ident else None
    was_verified = getattr(obj, "verified_at", None) is not None
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        m2m: dict[str, list[Any]] = {
            name: list(form.cleaned_data[name])
            for name in ("narratives", "missions")
            if name in form.cleaned_data
        }
        try:
            actions.do_save(saved, acting_user=request.user, m2m=m2m)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            if was_verified and saved.verified_at is None:
                messages.warning(
                    request, _("The claim's figure or source changed: someone else must verify it again.")
                )
            return redirect(f"{kind}_detail", getattr(saved, field))
    return render(request, "content/edit.html", {"form": form, "obj": obj, "kind": kind, "active": "tell"})


@login_required
def narrative_detail(request: HttpRequest, key: str) -> HttpResponse:
    require(request.user, Perm.VIEW, None)
    narrative = get_object_or_404(Narrative, key=key)
    return render(
        request,
        "content/narrative.html",
        {
            "narrative": narrative,
            "history": history_of(narrative),
            "can_curate": _can_curate(request.user),
            "active": "tell",
        },
    )


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW, None)
    claims = Claim.objects.prefetch_related("narratives")
    query = request.GET.get("q", "").strip()
    if query:
        claims = claims.filter(Q(subject__icontains=query) | Q(source_title__icontains=query))
    status = request.GET.get("status", "")
    rows = [c for c in claims if not status or c.status == status]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "content/claims.html",
        {
            "page": page,
            "q": query,
            "status": status,
            "can_curate": _can_curate(request.user),
            "active": "tell",
        },
    )


@login_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW, None)
    claim = get_object_or_404(Claim, pk=pk)
    return render(
        request,
        "content/claim.html",
        {
            "claim": claim,
            "history": history_of(claim),
            "can_curate": _can_curate(request.user),
            "active": "tell",
        },
    )


@login_required
@require_POST
def claim_verify(request: HttpRequest, pk: int) -> HttpResponse:
    actions.check_curate(request.user)  # not a curator: 403
    claim = get_object_or_404(Claim, pk=pk)
    try:
        actions.check_verify_claim(request.user, claim)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("claim_detail", pk)
    actions.do_verify_claim(claim, acting_user=request.user)
    messages.success(request, _("Claim marked as verified against its source."))
    return redirect("claim_detail", pk)


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    visible = missions_with(request.user, Perm.VIEW)
    campaigns = Campaign.objects.prefetch_related("missions", "narratives")
    if not _can_curate(request.user):
        campaigns = campaigns.filter(missions__in=visible).distinct()
    return render(
        request,
        "content/campaigns.html",
        {"campaigns": campaigns, "can_curate": _can_curate(request.user), "active": "tell"},
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=pk)
    visible = set(missions_with(request.user, Perm.VIEW).values_list("pk", flat=True))
    if not _can_curate(request.user) and not visible & set(campaign.missions.values_list("pk", flat=True)):
        raise PermissionDenied("campaign")
    posts = campaign.posts.filter(mission__in=visible).select_related("mission")
    return render(
        request,
        "content/campaign.html",
        {
            "campaign": campaign,
            "posts": posts,
            "history": history_of(campaign),
            "can_curate": _can_curate(request.user),
            "active": "tell",
        },
    )


# Posts and the composer.


@login_required
def post_list(request: HttpRequest) -> HttpResponse:
    visible = missions_with(request.user, Perm.VIEW)
    posts = Post.objects.filter(mission__in=visible).select_related("mission", "campaign")
    state, mission = request.GET.get("state", ""), request.GET.get("mission", "")
    if state in PostState.values:
        posts = posts.filter(state=state)
    if mission:
        posts = posts.filter(mission__slug=mission)
    page = Paginator(posts, 30).get_page(request.GET.get("page"))
    can_compose = missions_with(request.user, Perm.COMPOSE).exists()
    return render(
        request,
        "content/posts.html",
        {
            "page": page,
            "states": PostState.choices,
            "state": state,
            "mission": mission,
            "missions": visible,
            "can_compose": can_compose,
            "active": "tell",
        },
    )


def _composer_context(request: HttpRequest, post: Post) -> tuple[PostForm, Any]:
    missions = missions_with(request.user, Perm.COMPOSE)
    channels = Channel.objects.filter(mission__in=missions, is_active=True).select_related("mission")
    form = PostForm(
        request.POST or None,
        instance=post,
        missions=missions,
        channels=channels,
        initial={"mission": getattr(request, "mission", None)} if not post.pk else None,
    )
    creators = [creator_of(c) for c in _tiktok_channels(request, post, channels)]
    formset = VariantFormSet(
        request.POST or None, initial=variant_initial(post), prefix="v", form_kwargs={"creators": creators}
    )
    return form, formset


def _tiktok_channels(request: HttpRequest, post: Post, channels: Any) -> list[Channel]:
    """The TikTok channels whose creators a TikTok variant is chosen for: those ticked in the form,
    else the post's, else those of the mission one composes for (a new post's first page)."""
    tiktok = channels.filter(platform=Platform.TIKTOK)
    if request.method == "POST":
        return list(tiktok.filter(pk__in=[c for c in request.POST.getlist("channels") if c.isdigit()]))
    if post.pk:
        return list(tiktok.filter(pk__in=post.channels.values("pk")))
    mission = getattr(request, "mission", None)
    return list(tiktok.filter(mission=mission)) if mission is not None else []


@login_required
def post_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    post = get_object_or_404(Post, pk=pk) if pk else Post()
    if pk:
        try:
            actions.check_edit(request.user, post)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("post_detail", pk)
    elif not missions_with(request.user, Perm.COMPOSE).exists():
        raise PermissionDenied("compose")
    form, formset = _composer_context(request, post)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        variants = [
            {**f.cleaned_data, "media": f.cleaned_data.get("attachments", [])}
            for f in formset
            if f.cleaned_data.get("platform")
        ]
        pairs = [(v["platform"], v["language"]) for v in variants]
        if len(pairs) != len(set(pairs)):
            messages.error(request, _("Each platform and language pair may appear once."))
        else:
            was_cleared = post.state in (PostState.SCHEDULED, PostState.EXPIRED)
            try:
                actions.check_compose(
                    request.user, form.cleaned_data["mission"], list(form.cleaned_data["channels"])
                )
                draft = form.save(commit=False)
                draft.scheduled_at = form.cleaned_data["scheduled_at"]
                saved = actions.do_save_post(
                    draft,
                    acting_user=request.user,
                    variants=variants,
                    channels=list(form.cleaned_data["channels"]),
                    narratives=list(form.cleaned_data["narratives"]),
                    claims=list(form.cleaned_data["claims"]),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Post saved."))
                if was_cleared:
                    messages.warning(
                        request, _("The post was cleared; after this edit it must be cleared again.")
                    )
                return redirect("post_detail", saved.pk)
    return render(
        request, "content/compose.html", {"form": form, "formset": formset, "post": post, "active": "tell"}
    )


@login_required
@require_POST
def post_validate(request: HttpRequest) -> HttpResponse:
    """htmx: the live count, problems, claims check and preview of one variant while it is typed."""
    if not missions_with(request.user, Perm.COMPOSE).exists():
        raise PermissionDenied("compose")
    prefix = request.POST.get("prefix", "")
    platform = request.POST.get(f"{prefix}-platform", "")
    post = Post.objects.filter(pk=request.POST.get("post") or 0).first()
    if post is not None:
        require(request.user, Perm.COMPOSE, post.mission)
    if not platform:
        return render(request, "content/_variant_check.html", {"report": None})

    form = VariantForm(request.POST, prefix=prefix)
    form.is_valid()
    variant = Variant(
        platform=platform,
        language=request.POST.get(f"{prefix}-language", "en"),
        text=request.POST.get(f"{prefix}-text", ""),
        link=request.POST.get(f"{prefix}-link", ""),
        media=form.cleaned_data.get("attachments", []) if hasattr(form, "cleaned_data") else [],
        options=form.cleaned_data.get("options", {}) if hasattr(form, "cleaned_data") else {},
    )
    chosen = [int(c) for c in request.POST.getlist("claims") if c.isdigit()]
    linked = list(Claim.objects.filter(pk__in=chosen)) if "claims" in request.POST or post is None else None
    report = check_post(post or Post(), [variant], linked_claims=linked)[0]
    return render(request, "content/_variant_check.html", {"report": report, "variant": variant})


@login_required
@require_POST
def post_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_object_or_404(Post, pk=pk)
    if post.state in (PostState.CANCELLED, PostState.REJECTED):
        messages.error(request, _("This post is already closed."))
    else:
        actions.do_cancel(post, acting_user=request.user)
        messages.success(request, _("Post cancelled."))
    return redirect("post_detail", pk)
