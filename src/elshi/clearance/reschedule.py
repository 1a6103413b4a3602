"""Moving a post to another time: the one way to reschedule, used by the calendar and the API.

Approvers clear words *and* a time (embargoes matter). A cleared post keeps its clearance only when the
new time lies within its policy's reschedule window of the time it was cleared for; any other move sends
it through clearance again: its deliveries are withdrawn (``post_withdrawn``) and a fresh clearance,
with no decisions, asks the policy's steps again. Posts not yet cleared simply move.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from elshi.audit.log import record
from elshi.clearance.actions import start_clearance
from elshi.clearance.models import Clearance, ClearanceState
from elshi.clearance.workflow import policy_for
from elshi.common.actors import Actor, person
from elshi.content import actions as content_actions
from elshi.content.models import CLEARED_STATES, Post
from elshi.content.signals import post_withdrawn

__all__ = ["check_reschedule", "do_reschedule", "keeps_clearance", "window_minutes"]


def _last_cleared(post: Post) -> Clearance | None:
    return post.clearances.filter(state=ClearanceState.CLEARED).order_by("-closed_at", "-pk").first()


def window_minutes(post: Post, clearance: Clearance) -> int:
    """The stricter of the window the post was cleared under and its policy's window now."""
    policy = policy_for(post)
    current = policy.reschedule_window_minutes if policy is not None else 0
    return min(clearance.reschedule_window_minutes, current)


def keeps_clearance(post: Post, when: dt.datetime) -> bool:
    """Does moving ``post`` to ``when`` keep the clearance it has? (True when it has none to lose.)"""
    if post.state not in CLEARED_STATES:
        return True
    clearance = _last_cleared(post)
    if clearance is None or clearance.cleared_for is None:
        return False  # cleared before elshi recorded the time it was cleared for: ask again
    # Measured from the cleared time, not the current one: small moves cannot add up past an embargo.
    distance = abs(when - clearance.cleared_for)
    return distance <= dt.timedelta(minutes=window_minutes(post, clearance))


def check_reschedule(acting_user: Actor, post: Post, when: dt.datetime) -> bool:
    """Authorise the move; answers whether it will send the post through clearance again."""
    content_actions.check_reschedule(acting_user, post, when)
    return not keeps_clearance(post, when)


def do_reschedule(post: Post, when: dt.datetime, *, acting_user: Actor) -> bool:
    """Move ``post`` to ``when``; answers True when it went back into clearance."""
    if keeps_clearance(post, when):
        content_actions.do_reschedule(post, when, acting_user=acting_user, clearance_kept=True)
        return False
    with transaction.atomic():
        old_time, old_state = post.scheduled_at, post.state
        cleared = _last_cleared(post)
        post.scheduled_at = when
        post.save(update_fields=["scheduled_at", "updated_at"])
        # Nothing goes out, at the old time or the new one, until the new time is cleared.
        post_withdrawn.send(Post, post=post, acting_user=acting_user)
        # Whoever chose the new time may not clear it (four eyes).
        post.editors.add(person(acting_user))
        clearance, policy = start_clearance(post, acting_user=acting_user)
        record(
            acting_user,
            "post.reschedule",
            post,
            mission_slug=post.mission.slug,
            changes={
                "scheduled_at": [old_time.isoformat() if old_time else None, when.isoformat()],
                "state": [old_state, post.state],
                "clearance": "again",
                "cleared_for": cleared.cleared_for.isoformat() if cleared and cleared.cleared_for else None,
                "window_minutes": window_minutes(post, cleared) if cleared else 0,
                "policy": policy.name if policy else "default",
            },
        )
    return True
