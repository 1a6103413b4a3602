"""Issue 17 (clearance): a different person at each step, HQ exceptions only where the policy allows."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from elshi.audit.models import AuditEvent
from elshi.clearance import actions
from elshi.clearance.models import Decision, Policy
from elshi.content.models import Post, PostState
from elshi.missions import actions as mission_actions


def _approve(post: Post, who: Any) -> None:
    clearance = actions.check_decide(who, post, "approve", "")
    actions.do_decide(clearance, "approve", "", acting_user=who)
    post.refresh_from_db()


def _policy(missions: dict[str, Any], steps: list[dict[str, Any]], **options: Any) -> Policy:
    return actions.do_save_policy(
        Policy(mission=missions["berlin"], name="Berlin policy", **options), steps, acting_user=None
    )


def test_one_approver_cannot_clear_two_steps(
    write_post: Any, people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any]
) -> None:
    approver = people["approver"]
    _policy(
        missions,
        [
            {"role": "approver", "at_hq": False, "mode": "any"},
            {"role": "", "people": [approver, tell["hq_approver"]], "mode": "any"},
        ],
    )
    post = write_post()
    actions.do_submit(post, acting_user=people["author"])
    _approve(post, approver)
    with pytest.raises(PermissionDenied, match="different person"):
        actions.check_decide(approver, post, "approve", "")
    _approve(post, tell["hq_approver"])
    assert post.state == PostState.SCHEDULED


def test_hq_person_may_decide_a_second_step_only_where_the_policy_says_so(
    write_post: Any, people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any]
) -> None:
    hq = tell["hq_approver"]
    steps = [
        {"role": "", "people": [hq], "mode": "any"},
        {"role": "approver", "at_hq": True, "mode": "any"},
    ]
    policy = _policy(missions, steps)
    post = write_post()
    actions.do_submit(post, acting_user=people["author"])
    _approve(post, hq)
    with pytest.raises(PermissionDenied, match="no HQ exception"):
        actions.check_decide(hq, post, "approve", "")

    policy.hq_exceptions = True
    actions.do_save_policy(policy, steps, acting_user=None)
    second = write_post()
    actions.do_submit(second, acting_user=people["author"])
    _approve(second, hq)
    _approve(second, hq)  # allowed now, and marked as an exception
    assert second.state == PostState.SCHEDULED
    assert [d.exception for d in Decision.objects.filter(clearance__post=second).order_by("step")] == [
        False,
        True,
    ]
    audit = AuditEvent.objects.get(action="post.clearance_exception", object_id=str(second.pk))
    assert audit.changes["step"] == 2


def test_hq_exceptions_never_let_a_mission_person_decide_twice(
    write_post: Any, people: dict[str, Any], missions: dict[str, Any]
) -> None:
    approver = people["approver"]
    one_person = {"role": "", "people": [approver], "mode": "any"}
    _policy(missions, [one_person, dict(one_person)], hq_exceptions=True)
    post = write_post()
    actions.do_submit(post, acting_user=people["author"])
    _approve(post, approver)
    with pytest.raises(PermissionDenied, match="different person"):
        actions.check_decide(approver, post, "approve", "")
    assert post.state == PostState.IN_CLEARANCE


def test_all_of_step_does_not_wait_for_who_decided_the_step_before(
    write_post: Any, people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any]
) -> None:
    approver = people["approver"]
    _policy(
        missions,
        [
            {"role": "approver", "at_hq": False, "mode": "any"},
            {"role": "", "people": [approver, tell["approver2"]], "mode": "all"},
        ],
    )
    post = write_post()
    actions.do_submit(post, acting_user=people["author"])
    _approve(post, approver)
    _approve(post, tell["approver2"])  # the only one left who may decide step 2
    assert post.state == PostState.SCHEDULED


def test_api_and_page_refuse_the_second_step_with_the_reason(
    write_post: Any, people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any]
) -> None:
    approver = people["approver"]
    _policy(
        missions,
        [
            {"role": "approver", "at_hq": False, "mode": "any"},
            {"role": "", "people": [approver, tell["hq_approver"]], "mode": "any"},
        ],
    )
    post = write_post()
    actions.do_submit(post, acting_user=people["author"])
    _approve(post, approver)
    _token, plain = mission_actions.do_create_token(approver, "t", acting_user=None)
    api = Client(headers={"Authorization": f"Bearer {plain}"})
    refused = api.post(f"/api/v1/posts/{post.pk}/approve", {}, content_type="application/json")
    assert refused.status_code == 403 and "different person" in refused.json()["detail"]
    ui = Client()
    ui.force_login(approver)
    page = ui.get(f"/tell/posts/{post.pk}/").content.decode()
    assert "Record decision" not in page
    ui.post(f"/tell/posts/{post.pk}/decide/", {"verdict": "approve"})
    assert Decision.objects.filter(clearance__post=post).count() == 1
    assert post.clearances.get().current_step == 1


def test_policy_page_sets_and_shows_the_options(people: dict[str, Any], missions: dict[str, Any]) -> None:
    ui = Client()
    ui.force_login(people["admin"])
    form = {
        "mission": missions["berlin"].pk,
        "name": "Embargo-aware",
        "hq_exceptions": "on",
        "reschedule_window_minutes": "45",
        "s-TOTAL_FORMS": "1",
        "s-INITIAL_FORMS": "0",
        "s-MIN_NUM_FORMS": "0",
        "s-MAX_NUM_FORMS": "10",
        "s-0-role": "approver",
        "s-0-mode": "any",
    }
    assert ui.post("/clear/policies/new/", form).status_code == 302
    policy = Policy.objects.get(name="Embargo-aware")
    assert policy.hq_exceptions and policy.reschedule_window_minutes == 45
    listing = ui.get("/clear/policies/").content.decode()
    assert "HQ exceptions allowed" in listing and "moves of up to 45 minutes keep clearance" in listing
    audit = AuditEvent.objects.get(action="policy.save", object_id=str(policy.pk))
    assert audit.changes["reschedule_window_minutes"] == 45 and audit.changes["hq_exceptions"] is True
