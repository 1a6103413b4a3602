"""Demo data for Clear: the Berlin policy (embassy approver, then HQ) and posts in every state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from elshi.clearance import actions as clearance_actions
from elshi.clearance.models import Policy
from elshi.common.demo import DemoContext, demo_step
from elshi.content import actions
from elshi.content.models import Campaign, Claim, Narrative, Post
from elshi.missions.models import Channel, Mission


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


@demo_step(45, "clearance policy")
def demo_policy(context: DemoContext) -> None:
    berlin = Mission.objects.get(slug="berlin")
    if not Policy.objects.filter(mission=berlin, channel__isnull=True).exists():
        clearance_actions.do_save_policy(
            Policy(mission=berlin, name="Berlin: embassy approver, then HQ"),
            [
                {"role": "approver", "at_hq": False, "mode": "any"},
                {"role": "approver", "at_hq": True, "mode": "any"},
            ],
            acting_user=_user("demo-admin"),
        )
        context.count("policies")


def _post(title: str, days: int, text_en: str, text_de: str) -> Post | None:
    if Post.objects.filter(title=title).exists():
        return None
    berlin = Mission.objects.get(slug="berlin")
    post = Post(
        mission=berlin,
        title=title,
        campaign=Campaign.objects.get(name="Digital Kazakhstan"),
        scheduled_at=timezone.now() + dt.timedelta(days=days, hours=2),
    )
    return actions.do_save_post(
        post,
        acting_user=_user("demo-editor"),
        channels=list(Channel.objects.filter(mission=berlin, platform__in=["mastodon", "bluesky"])),
        narratives=[Narrative.objects.get(key="digital")],
        claims=list(Claim.objects.filter(subject="UN E-Government Development Index", period=2024)),
        variants=[
            {"platform": p, "language": lang, "text": text}
            for p in ("mastodon", "bluesky")
            for lang, text in (("en", text_en), ("de", text_de))
        ],
    )


EN = (
    "Kazakhstan ranked 24th in the UN E-Government Development Index 2024. #DigitalKazakhstan https://egov.kz"
)
DE = "Kasachstan belegte 2024 Platz 24 im E-Government-Index der Vereinten Nationen. #DigitalKazakhstan"


@demo_step(50, "posts in every state")
def demo_posts(context: DemoContext) -> None:
    editor, approver, hq = _user("demo-editor"), _user("demo-approver"), _user("demo-hq-approver")
    if post := _post("E-government explainer", 10, EN, DE):
        context.count("posts")  # stays a draft
    if post := _post("eGov week: submitted", 5, EN, DE):
        clearance_actions.do_submit(post, acting_user=editor)
        context.count("posts")
    if post := _post("eGov week: needs changes", 6, EN + " More soon.", DE):
        clearance = clearance_actions.do_submit(post, acting_user=editor)
        clearance_actions.do_decide(
            clearance, "request_changes", "Add the German link to the survey.", acting_user=approver
        )
        context.count("posts")
    if post := _post("eGov week: cleared", 3, EN, DE):
        clearance = clearance_actions.do_submit(post, acting_user=editor)
        clearance_actions.do_decide(clearance, "approve", "", acting_user=approver)
        clearance_actions.do_decide(clearance, "approve", "Good.", acting_user=hq)
        context.count("posts")
    if post := _post("eGov week: cleared too late", 1, EN, DE):
        clearance = clearance_actions.do_submit(post, acting_user=editor)
        clearance_actions.do_decide(clearance, "approve", "", acting_user=approver)
        # Demo only: the slot passes while HQ has not decided yet.
        Post.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() - dt.timedelta(hours=1))
        clearance.post.refresh_from_db()
        clearance_actions.do_decide(clearance, "approve", "", acting_user=hq)
        context.count("posts")
    unbacked = "Kazakhstan is 5th in the world for digital public services."
    if _post(
        "Unbacked figure (draft)", 8, unbacked, "Kasachstan ist weltweit auf Platz 5 bei digitalen Diensten."
    ):
        context.count("posts")  # the claims check blocks it until a claim or an override backs "5th"
    if post := _post("eGov week: rejected", 4, EN, DE):
        clearance = clearance_actions.do_submit(post, acting_user=editor)
        clearance_actions.do_decide(clearance, "reject", "Duplicates the cleared post.", acting_user=approver)
        context.count("posts")
    if post := _post("Old announcement", 9, EN, DE):
        actions.do_cancel(post, acting_user=editor)
        context.count("posts")
