"""The post plan of an engagement: drafts from templates, through content.actions (audited, in clearance)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from elshi.common.actors import Actor
from elshi.content import actions as content_actions
from elshi.content.models import Post
from elshi.engagements.models import Engagement, PlannedPost, Slot
from elshi.missions.models import Channel

__all__ = ["SLOT_OFFSETS", "draft_post_plan", "slot_time"]

SLOT_OFFSETS = {
    Slot.ANNOUNCEMENT: dt.timedelta(days=-7),
    Slot.REMINDER: dt.timedelta(days=-1),
    Slot.LIVE: dt.timedelta(0),
    Slot.RECAP: dt.timedelta(hours=2),  # after the end
}


def slot_time(engagement: Engagement, slot: str) -> dt.datetime:
    anchor = engagement.ends_at if slot == Slot.RECAP else engagement.starts_at
    return anchor + SLOT_OFFSETS[Slot(slot)]


def _text(engagement: Engagement, slot: str, language: str) -> str:
    title = engagement.title(language)
    local = engagement.starts_at.astimezone(engagement.mission.zone)
    when = f"{local:%Y-%m-%d %H:%M}"
    place = engagement.venue or engagement.mission.city
    with translation.override(language):
        templates = {
            Slot.ANNOUNCEMENT: _("Save the date: %(title)s, %(when)s, %(place)s."),
            Slot.REMINDER: _("Tomorrow: %(title)s, %(when)s, %(place)s."),
            Slot.LIVE: _("Live now: %(title)s."),
            Slot.RECAP: _("Thank you for joining %(title)s. Highlights and photos:"),
        }
        return templates[Slot(slot)] % {"title": title, "when": when, "place": place}


def draft_post_plan(engagement: Engagement, channels: list[Channel], *, acting_user: Actor) -> list[Post]:
    """One draft post per slot still in the future, with a variant per channel platform and language."""
    content_actions.check_compose(acting_user, engagement.mission, channels)
    languages = engagement.languages or list(engagement.mission.languages)
    platforms = list(dict.fromkeys(c.platform for c in channels))
    made = []
    now = timezone.now()
    with transaction.atomic():
        for slot in Slot:
            when = slot_time(engagement, slot)
            if when <= now or engagement.planned_posts.filter(slot=slot).exists():
                continue
            with translation.override(languages[0]):
                label = str(Slot(slot).label)
            post = Post(
                mission=engagement.mission,
                title=f"{label}: {engagement.title(languages[0])}"[:200],
                campaign=engagement.campaign,
                scheduled_at=when,
            )
            variants = [
                {"platform": p, "language": lang, "text": _text(engagement, slot, lang)}
                for p in platforms
                for lang in languages
            ]
            content_actions.do_save_post(
                post,
                acting_user=acting_user,
                variants=variants,
                channels=channels,
                narratives=list(engagement.narratives.all()),
            )
            PlannedPost.objects.create(engagement=engagement, post=post, slot=slot)
            made.append(post)
    return made
