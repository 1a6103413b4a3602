"""Issue 17 (reschedule): moving a cleared post re-enters clearance unless the policy's window allows it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from elshi.audit.models import AuditEvent
from elshi.clearance import actions, reschedule
from elshi.clearance.models import Clearance, Policy
from elshi.content import actions as content_actions
from elshi.content.models import Post, PostState
from elshi.missions import actions as mission_actions
from elshi.publishing.models import DeliveryState


def _cleared(write_post: Any, people: dict[str, Any]) -> Post:
    post = write_post()
    actions.do_submit(post, acting_user=people["author"])
    clearance = actions.check_decide(people["approver"], post, "approve", "")
    actions.do_decide(clearance, "approve", "", acting_user=people["approver"])
    post.refresh_from_db()
    assert post.state == PostState.SCHEDULED
    return post


def _window(missions: dict[str, Any], minutes: int) -> Policy:
    return actions.do_save_policy(
        Policy(mission=missions["berlin"], name="Berlin", reschedule_window_minutes=minutes),
        [{"role": "approver", "at_hq": False, "mode": "any"}],
        acting_user=None,
    )


def test_moving_a_cleared_post_sends_it_through_clearance_again(
    write_post: Any, people: dict[str, Any]
) -> None:
    post = _cleared(write_post, people)
    assert post.deliveries.get().state == DeliveryState.SCHEDULED
    when = post.scheduled_at + dt.timedelta(hours=2)  # type: ignore[operator]
    assert reschedule.check_reschedule(people["author"], post, when) is True
    assert reschedule.do_reschedule(post, when, acting_user=people["author"]) is True
    post.refresh_from_db()
    assert post.state == PostState.IN_CLEARANCE and post.cleared_at is None
    assert post.scheduled_at == when
    assert post.deliveries.get().state == DeliveryState.CANCELLED  # nothing goes out meanwhile
    fresh = post.clearances.get(state="open")
    assert not fresh.decisions.exists()
    audit = AuditEvent.objects.filter(action="post.reschedule", object_id=str(post.pk)).latest("pk")
    assert audit.changes["clearance"] == "again"
    assert audit.changes["state"] == [PostState.SCHEDULED, PostState.IN_CLEARANCE]

    clearance = actions.check_decide(people["approver"], post, "approve", "")
    actions.do_decide(clearance, "approve", "", acting_user=people["approver"])
    delivery = post.deliveries.get()
    assert delivery.state == DeliveryState.SCHEDULED and delivery.due_at == when


def test_a_move_within_the_policys_window_keeps_clearance_measured_from_the_cleared_time(
    write_post: Any, people: dict[str, Any], missions: dict[str, Any]
) -> None:
    _window(missions, 30)
    post = _cleared(write_post, people)
    cleared_for = post.scheduled_at
    assert cleared_for is not None
    first = cleared_for + dt.timedelta(minutes=20)
    assert reschedule.do_reschedule(post, first, acting_user=people["author"]) is False
    assert post.state == PostState.SCHEDULED and post.deliveries.get().due_at == first
    # 20 more minutes is 40 from the cleared time: small moves do not add up past the window.
    second = first + dt.timedelta(minutes=20)
    assert reschedule.check_reschedule(people["author"], post, second) is True
    assert reschedule.do_reschedule(post, second, acting_user=people["author"]) is True
    assert post.state == PostState.IN_CLEARANCE


def test_the_stricter_of_the_cleared_and_the_current_window_applies(
    write_post: Any, people: dict[str, Any], missions: dict[str, Any]
) -> None:
    policy = _window(missions, 30)
    post = _cleared(write_post, people)
    policy.reschedule_window_minutes = 0  # tightened after an incident
    actions.do_save_policy(policy, [{"role": "approver", "at_hq": False, "mode": "any"}], acting_user=None)
    when = post.scheduled_at + dt.timedelta(minutes=10)  # type: ignore[operator]
    assert reschedule.do_reschedule(post, when, acting_user=people["author"]) is True


def test_the_mover_cannot_clear_the_new_time(
    write_post: Any, people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any]
) -> None:
    hq_editor = tell["hq_editor"]
    mission_actions.do_set_role(hq_editor, missions["berlin"], "approver", acting_user=None)
    post = _cleared(write_post, people)
    reschedule.do_reschedule(post, post.scheduled_at + dt.timedelta(hours=1), acting_user=hq_editor)  # type: ignore[operator]
    assert post.editors.filter(pk=hq_editor.pk).exists()
    with pytest.raises(Exception, match="Four eyes"):
        actions.check_decide(hq_editor, post, "approve", "")


def test_content_refuses_to_move_a_cleared_post_behind_clearances_back(
    write_post: Any, people: dict[str, Any]
) -> None:
    post = _cleared(write_post, people)
    with pytest.raises(ValueError, match="clearance"):
        content_actions.do_reschedule(
            post,
            post.scheduled_at + dt.timedelta(hours=1),
            acting_user=people["author"],
            clearance_kept=False,  # type: ignore[operator]
        )


def test_calendar_drag_of_a_cleared_post_reclears_it(write_post: Any, people: dict[str, Any]) -> None:
    post = _cleared(write_post, people)
    client = Client()
    client.force_login(people["author"])
    target = (post.scheduled_at + dt.timedelta(days=1)).astimezone(post.mission.zone).date()  # type: ignore[operator]
    response = client.post(
        f"/tell/posts/{post.pk}/reschedule/", {"date": target.isoformat()}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200 and response.json()["cleared_again"] is True
    post.refresh_from_db()
    assert post.state == PostState.IN_CLEARANCE
    assert Clearance.objects.filter(post=post, state="open").count() == 1


def test_api_reschedule_reclears_and_refuses_with_reasons(write_post: Any, people: dict[str, Any]) -> None:
    post = _cleared(write_post, people)

    def api(who: str) -> Client:
        _token, plain = mission_actions.do_create_token(people[who], "t", acting_user=None)
        return Client(headers={"Authorization": f"Bearer {plain}"})

    when = (post.scheduled_at + dt.timedelta(hours=3)).isoformat()  # type: ignore[operator]
    url = f"/api/v1/posts/{post.pk}/reschedule"
    assert (
        api("outsider").post(url, {"scheduled_at": when}, content_type="application/json").status_code == 403
    )
    assert api("viewer").post(url, {"scheduled_at": when}, content_type="application/json").status_code == 403
    naive = api("author").post(url, {"scheduled_at": when[:19]}, content_type="application/json")
    assert naive.status_code == 422 and "offset" in naive.json()["detail"]
    moved = api("author").post(url, {"scheduled_at": when}, content_type="application/json")
    assert moved.status_code == 200 and moved.json()["state"] == PostState.IN_CLEARANCE
    again = api("author").post(url, {"scheduled_at": when}, content_type="application/json")
    assert again.status_code == 422 and "cannot be rescheduled" in again.json()["detail"]


def test_composer_time_change_of_a_cleared_post_needs_clearance_again(
    write_post: Any, people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any]
) -> None:
    """The form path: any edit of a cleared post, a new time included, sends it back to draft."""
    post = _cleared(write_post, people)
    local = (post.scheduled_at + dt.timedelta(hours=5)).astimezone(missions["berlin"].zone)  # type: ignore[operator]
    variant = post.variants.get()
    client = Client()
    client.force_login(people["author"])
    form = {
        "mission": missions["berlin"].pk,
        "title": post.title,
        "channels": [tell["mastodon"].pk],
        "claims": [tell["claim2024"].pk],
        "publish_at": local.strftime("%Y-%m-%dT%H:%M"),
        "v-TOTAL_FORMS": "1",
        "v-INITIAL_FORMS": "0",
        "v-MIN_NUM_FORMS": "0",
        "v-MAX_NUM_FORMS": "30",
        "v-0-platform": variant.platform,
        "v-0-language": variant.language,
        "v-0-text": variant.text,
    }
    assert client.post(f"/tell/posts/{post.pk}/edit/", form).status_code == 302
    post.refresh_from_db()
    assert post.state == PostState.DRAFT and post.cleared_at is None
    assert post.deliveries.get().state == DeliveryState.CANCELLED
