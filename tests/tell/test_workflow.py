"""Clearance rules through the actions: four eyes, ordered steps, any-of/all-of, edits, late clearance."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from elshi.audit.models import AuditEvent
from elshi.clearance import actions, reschedule
from elshi.clearance.models import Policy
from elshi.content import actions as content_actions
from elshi.content.models import Post, PostState
from elshi.missions.models import Notification

from .conftest import EN, KK, RU


def _approve(post: Post, who: Any, verdict: str = "approve", comment: str = "") -> None:
    clearance = actions.check_decide(who, post, verdict, comment)
    actions.do_decide(clearance, verdict, comment, acting_user=who)
    post.refresh_from_db()


def test_default_policy_one_approver_of_the_mission(write_post: Any, people: dict[str, Any]) -> None:
    post = write_post(extra={"ru": RU, "kk": KK})
    actions.check_submit(people["author"], post)
    actions.do_submit(post, acting_user=people["author"])
    assert post.state == PostState.IN_CLEARANCE
    assert Notification.objects.filter(user=people["approver"], kind="clearance.request").exists()
    _approve(post, people["approver"])
    assert post.state == PostState.SCHEDULED and post.cleared_at is not None
    assert Notification.objects.filter(user=people["author"], kind="clearance.approve").exists()
    actions_logged = list(
        AuditEvent.objects.filter(object_type="content.post", object_id=str(post.pk)).values_list(
            "action", flat=True
        )
    )
    assert {"post.create", "post.submit", "post.approve"} <= set(actions_logged)


def test_four_eyes_author_and_editors_cannot_clear(
    write_post: Any, people: dict[str, Any], tell: dict[str, Any]
) -> None:
    post = write_post()
    # The approver edits the post before it is submitted: now they are an author too.
    content_actions.do_save_post(
        post,
        acting_user=people["approver"],
        variants=[{"platform": "mastodon", "language": "en", "text": EN + "!"}],
    )
    actions.do_submit(post, acting_user=people["author"])
    for who in ("author", "approver"):
        with pytest.raises(PermissionDenied, match="Four eyes"):
            actions.check_decide(people[who], post, "approve", "")
    _approve(post, tell["approver2"])
    assert post.state == PostState.SCHEDULED


def test_approver_of_another_mission_and_other_roles_cannot_clear(
    write_post: Any, people: dict[str, Any], tell: dict[str, Any]
) -> None:
    post = write_post()
    actions.do_submit(post, acting_user=people["author"])
    for user in (
        people["outsider"],
        people["analyst"],
        people["viewer"],
        tell["hq_approver"],
        tell["hq_editor"],
    ):
        with pytest.raises(PermissionDenied):
            actions.check_decide(user, post, "approve", "")


def test_two_step_policy_needs_the_embassy_then_hq(
    write_post: Any, people: dict[str, Any], tell: dict[str, Any], two_step: Policy
) -> None:
    post = write_post()
    actions.do_submit(post, acting_user=people["author"])
    with pytest.raises(PermissionDenied):
        actions.check_decide(tell["hq_approver"], post, "approve", "")  # not their step yet
    _approve(post, people["approver"])
    assert post.state == PostState.IN_CLEARANCE
    assert Notification.objects.filter(user=tell["hq_approver"], kind="clearance.request").exists()
    with pytest.raises(PermissionDenied):
        actions.check_decide(tell["approver2"], post, "approve", "")  # step 1 is done; step 2 is HQ's
    _approve(post, tell["hq_approver"])
    assert post.state == PostState.SCHEDULED


def test_all_of_step_waits_for_every_named_person(
    write_post: Any, people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any]
) -> None:
    actions.do_save_policy(
        Policy(mission=missions["berlin"], channel=tell["mastodon"], name="Both approvers"),
        [{"role": "", "people": [people["approver"], tell["approver2"]], "mode": "all"}],
        acting_user=None,
    )
    post = write_post()
    actions.do_submit(post, acting_user=people["author"])
    _approve(post, people["approver"])
    assert post.state == PostState.IN_CLEARANCE
    with pytest.raises(PermissionDenied):
        actions.check_decide(people["approver"], post, "approve", "")  # one decision per person per step
    _approve(post, tell["approver2"])
    assert post.state == PostState.SCHEDULED


def test_request_changes_then_edit_and_resubmit(write_post: Any, people: dict[str, Any]) -> None:
    post = write_post()
    actions.do_submit(post, acting_user=people["author"])
    with pytest.raises(ValidationError, match="Say what must change"):
        actions.check_decide(people["approver"], post, "request_changes", "  ")
    _approve(post, people["approver"], "request_changes", "Add the Russian variant.")
    assert post.state == PostState.CHANGES_REQUESTED
    content_actions.check_edit(people["author"], post)
    content_actions.do_save_post(
        post,
        acting_user=people["author"],
        variants=[
            {"platform": "mastodon", "language": "en", "text": EN},
            {"platform": "mastodon", "language": "ru", "text": RU},
        ],
    )
    actions.check_submit(people["author"], post)
    actions.do_submit(post, acting_user=people["author"])
    _approve(post, people["approver"])
    assert post.state == PostState.SCHEDULED
    assert post.clearances.count() == 2


def test_reject_is_final(write_post: Any, people: dict[str, Any]) -> None:
    post = write_post()
    actions.do_submit(post, acting_user=people["author"])
    _approve(post, people["approver"], "reject", "Off message.")
    assert post.state == PostState.REJECTED
    with pytest.raises(ValidationError):
        content_actions.check_edit(people["author"], post)
    with pytest.raises(ValidationError):
        actions.check_submit(people["author"], post)


def test_editing_a_cleared_post_sends_it_back_through_clearance(
    write_post: Any, people: dict[str, Any]
) -> None:
    post = write_post()
    actions.do_submit(post, acting_user=people["author"])
    _approve(post, people["approver"])
    assert post.state == PostState.SCHEDULED
    content_actions.do_save_post(
        post,
        acting_user=people["author"],
        variants=[{"platform": "mastodon", "language": "en", "text": EN + " Updated."}],
    )
    post.refresh_from_db()
    assert post.state == PostState.DRAFT and post.cleared_at is None


def test_cleared_after_its_slot_is_not_sent_late_but_asks_for_a_new_time(
    write_post: Any, people: dict[str, Any]
) -> None:
    post = write_post(hours=1)
    actions.do_submit(post, acting_user=people["author"])
    Post.objects.filter(pk=post.pk).update(
        scheduled_at=timezone.now() - dt.timedelta(minutes=5)
    )  # time passes
    post.refresh_from_db()
    _approve(post, people["approver"])
    assert post.state == PostState.EXPIRED
    with pytest.raises(ValidationError, match="future"):
        content_actions.check_reschedule(people["author"], post, timezone.now() - dt.timedelta(hours=1))
    when = timezone.now() + dt.timedelta(days=1)
    assert reschedule.check_reschedule(people["author"], post, when) is True
    assert reschedule.do_reschedule(post, when, acting_user=people["author"]) is True
    assert post.state == PostState.IN_CLEARANCE  # the approvers never cleared the new time


def test_submission_refused_with_reasons(write_post: Any, people: dict[str, Any]) -> None:
    post = write_post("Kazakhstan is 5th in the world for e-services. " + "x" * 600, hours=-1)
    with pytest.raises(actions.SubmissionInvalid) as refused:
        actions.check_submit(people["author"], post)
    text = " ".join(refused.value.messages)
    assert "future" in text
    assert "mastodon: text is 6" in text and "the limit is 500" in text
    assert "“5th” no claim backs this figure" in text
    assert refused.value.reports[0]["figures"][0]["status"] == "unmatched"


def test_approver_override_unblocks_a_figure(write_post: Any, people: dict[str, Any]) -> None:
    post = write_post("Kazakhstan is 5th in the world for e-services.")
    with pytest.raises(PermissionDenied):
        content_actions.check_override(people["author"], post, "5th", "Because I say so, honestly.")
    edited = write_post("Kazakhstan is 5th in the world for e-services.", author="approver")
    with pytest.raises(PermissionDenied, match="Four eyes"):
        content_actions.check_override(people["approver"], edited, "5th", "I wrote it and I like it a lot.")
    with pytest.raises(ValidationError):
        content_actions.check_override(people["approver"], post, "5th", "ok")
    content_actions.check_override(
        people["approver"], post, "5th", "Figure from the minister's speech of 1 May."
    )
    content_actions.do_override(
        post, "5th", "Figure from the minister's speech of 1 May.", acting_user=people["approver"]
    )
    actions.check_submit(people["author"], post)
    event = AuditEvent.objects.get(action="post.claim_override")
    assert event.changes["reason"].startswith("Figure from")


def test_mission_editor_cannot_target_another_missions_channel(
    people: dict[str, Any], missions: dict[str, Any], tell: dict[str, Any]
) -> None:
    with pytest.raises(PermissionDenied):
        content_actions.check_compose(people["author"], missions["berlin"], [tell["x_us"]])
    with pytest.raises(PermissionDenied):
        content_actions.check_compose(people["author"], missions["washington"], [])
    content_actions.check_compose(tell["hq_editor"], missions["washington"], [tell["x_us"]])


def test_media_without_alt_text_cannot_be_submitted(write_post: Any, people: dict[str, Any]) -> None:
    post = write_post()
    content_actions.do_save_post(
        post,
        acting_user=people["author"],
        variants=[
            {
                "platform": "mastodon",
                "language": "en",
                "text": EN,
                "media": [{"url": "https://cdn.example/a.png", "alt": ""}],
            }
        ],
    )
    with pytest.raises(actions.SubmissionInvalid, match="alt text is required"):
        actions.check_submit(people["author"], post)
    content_actions.do_save_post(
        post,
        acting_user=people["author"],
        variants=[
            {
                "platform": "mastodon",
                "language": "en",
                "text": EN,
                "media": [{"url": "https://cdn.example/a.png", "alt": "image.png"}],
            }
        ],
    )
    with pytest.raises(actions.SubmissionInvalid, match="does not describe"):
        actions.check_submit(people["author"], post)
    content_actions.do_save_post(
        post,
        acting_user=people["author"],
        variants=[
            {
                "platform": "mastodon",
                "language": "en",
                "text": EN,
                "media": [
                    {"url": "https://cdn.example/a.png", "alt": "Kazakhstan's rank, 24th, on a blue card"}
                ],
            }
        ],
    )
    actions.check_submit(people["author"], post)
