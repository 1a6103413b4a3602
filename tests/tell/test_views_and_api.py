"""The interface and the API enforce the same refusals: a permission matrix and the four-eyes rule."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from elshi.clearance import actions as clearance_actions
from elshi.content import actions
from elshi.content.models import Campaign, Post, PostState
from elshi.missions import actions as mission_actions

from .conftest import EN, RU

ROLES = ["author", "approver", "analyst", "viewer", "outsider", "admin"]


def _bearer(user: Any) -> Client:
    _token, plain = mission_actions.do_create_token(user, "t", acting_user=None)
    return Client(headers={"Authorization": f"Bearer {plain}"})


# (action, roles allowed at Berlin). The outsider is an editor at Washington: refused everywhere here.
MATRIX = {
    "view": {"author", "approver", "analyst", "viewer", "admin"},
    "create": {"author", "approver", "admin"},
    "submit": {"author", "approver", "admin"},
    "approve": {"approver"},  # an administrator runs the system; only a policy's approvers clear posts
}


@pytest.mark.parametrize("who", ROLES)
def test_matrix_view_post(who: str, people: dict[str, Any], write_post: Any) -> None:
    post = write_post()
    ui = Client()
    ui.force_login(people[who])
    allowed = who in MATRIX["view"]
    assert ui.get(f"/tell/posts/{post.pk}/").status_code == (200 if allowed else 403)
    assert _bearer(people[who]).get(f"/api/v1/posts/{post.pk}").status_code == (200 if allowed else 403)


@pytest.mark.parametrize("who", ROLES)
def test_matrix_create_post(who: str, people: dict[str, Any], tell: dict[str, Any]) -> None:
    payload = {
        "mission": "berlin",
        "title": "API post",
        "channels": [tell["mastodon"].pk],
        "scheduled_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        "claims": [tell["claim2024"].pk],
        "variants": [{"platform": "mastodon", "language": "en", "text": EN}],
    }
    response = _bearer(people[who]).post("/api/v1/posts", payload, content_type="application/json")
    if who in MATRIX["create"]:
        assert response.status_code == 201, response.content
        assert response.json()["state"] == "draft"
        assert response.json()["variants"][0]["check"]["figures"][0]["status"] == "ok"
    else:
        assert response.status_code == 403
        assert response.json()["detail"]


@pytest.mark.parametrize("who", ROLES)
def test_matrix_submit_and_approve(who: str, people: dict[str, Any], write_post: Any) -> None:
    post = write_post()
    response = _bearer(people[who]).post(f"/api/v1/posts/{post.pk}/submit")
    assert response.status_code == (200 if who in MATRIX["submit"] else 403), response.content
    if response.status_code != 200:
        clearance_actions.do_submit(post, acting_user=people["author"])
    response = _bearer(people[who]).post(
        f"/api/v1/posts/{post.pk}/approve", {}, content_type="application/json"
    )
    if who in MATRIX["approve"]:
        assert response.status_code == 200
        assert response.json()["state"] == "scheduled"
    else:
        assert response.status_code == 403
        assert response.json()["detail"]


def test_four_eyes_through_the_api_and_the_ui(people: dict[str, Any], write_post: Any) -> None:
    post = write_post(author="approver")
    clearance_actions.do_submit(post, acting_user=people["approver"])
    response = _bearer(people["approver"]).post(
        f"/api/v1/posts/{post.pk}/approve", {}, content_type="application/json"
    )
    assert response.status_code == 403 and "Four eyes" in response.json()["detail"]
    ui = Client()
    ui.force_login(people["approver"])
    page = ui.get(f"/tell/posts/{post.pk}/").content.decode()
    assert "Record decision" not in page  # the action is absent, not merely disabled
    followed = ui.post(f"/tell/posts/{post.pk}/decide/", {"verdict": "approve"}, follow=True)
    assert "Four eyes" in followed.content.decode()
    post.refresh_from_db()
    assert post.state == PostState.IN_CLEARANCE


def test_submit_422_lists_each_variants_problems(people: dict[str, Any], write_post: Any) -> None:
    post = write_post("Kazakhstan is 5th worldwide. " + "y" * 480)
    response = _bearer(people["author"]).post(f"/api/v1/posts/{post.pk}/submit")
    assert response.status_code == 422
    body = response.json()
    [variant] = body["variants"]
    assert variant["platform"] == "mastodon" and variant["length"] > 500
    assert variant["figures"] == [
        {"text": "5th", "status": "unmatched", "message": "no claim backs this figure", "claim": None}
    ]
    assert any("limit is 500" in p for p in body["problems"])


def test_request_changes_needs_a_comment_via_api(people: dict[str, Any], write_post: Any) -> None:
    post = write_post()
    clearance_actions.do_submit(post, acting_user=people["author"])
    client = _bearer(people["approver"])
    assert (
        client.post(
            f"/api/v1/posts/{post.pk}/request-changes", {"comment": ""}, content_type="application/json"
        ).status_code
        == 422
    )
    response = client.post(
        f"/api/v1/posts/{post.pk}/request-changes",
        {"comment": "Add Russian."},
        content_type="application/json",
    )
    assert response.json()["state"] == "changes_requested"
    history = response.json()["clearance"][0]["decisions"]
    assert history == [
        {
            "step": 1,
            "user": "approver",
            "verdict": "request_changes",
            "comment": "Add Russian.",
            "exception": False,
            "at": history[0]["at"],
        }
    ]


def test_compose_through_the_ui(
    people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any]
) -> None:
    ui = Client()
    ui.force_login(people["author"])
    assert ui.get("/tell/posts/new/").status_code == 200
    local = (
        (timezone.now() + dt.timedelta(days=3)).astimezone(missions["berlin"].zone).strftime("%Y-%m-%dT%H:%M")
    )
    data = {
        "mission": missions["berlin"].pk,
        "title": "Composer post",
        "channels": [tell["mastodon"].pk],
        "claims": [tell["claim2024"].pk],
        "publish_at": local,
        "v-TOTAL_FORMS": "2",
        "v-INITIAL_FORMS": "0",
        "v-MIN_NUM_FORMS": "0",
        "v-MAX_NUM_FORMS": "30",
        "v-0-platform": "mastodon",
        "v-0-language": "en",
        "v-0-text": EN,
        "v-1-platform": "mastodon",
        "v-1-language": "ru",
        "v-1-text": RU,
    }
    response = ui.post("/tell/posts/new/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    post = Post.objects.get(title="Composer post")
    assert post.scheduled_at.astimezone(missions["berlin"].zone).strftime("%Y-%m-%dT%H:%M") == local
    assert sorted(post.variants.values_list("language", flat=True)) == ["en", "ru"]
    # The outsider's channel is refused in the form.
    data["channels"] = [tell["x_us"].pk]
    assert ui.post("/tell/posts/new/", data).status_code == 200
    assert Post.objects.filter(title="Composer post").count() == 1


def test_live_validation_counts_like_the_platform(people: dict[str, Any]) -> None:
    ui = Client()
    ui.force_login(people["author"])
    cjk = "哈萨克斯坦" * 30  # 150 CJK characters weigh 300 on X
    html = ui.post(
        "/tell/posts/validate/", {"prefix": "v-0", "v-0-platform": "x", "v-0-language": "zh", "v-0-text": cjk}
    ).content.decode()
    assert "<strong>300</strong> / 280" in html and "limit is 280" in html
    html = ui.post(
        "/tell/posts/validate/",
        {"prefix": "v-0", "v-0-platform": "bluesky", "v-0-language": "en", "v-0-text": "👩‍👩‍👧‍👦" * 10},
    ).content.decode()
    assert "<strong>10</strong> / 300" in html  # a family emoji is one grapheme
    html = ui.post(
        "/tell/posts/validate/",
        {
            "prefix": "v-0",
            "v-0-platform": "instagram",
            "v-0-language": "en",
            "v-0-text": "<script>alert(1)</script>",
        },
    ).content.decode()
    assert "needs an image or video" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    outsider = Client()
    outsider.force_login(people["viewer"])
    assert outsider.post("/tell/posts/validate/", {"prefix": "v-0"}).status_code == 403


def test_queue_lists_only_what_the_person_may_decide(
    people: dict[str, Any], write_post: Any, tell: dict[str, Any]
) -> None:
    post = write_post()
    clearance_actions.do_submit(post, acting_user=people["author"])
    for who, shown in (
        (people["approver"], True),
        (tell["approver2"], True),
        (people["author"], False),
        (people["outsider"], False),
        (tell["hq_approver"], False),
    ):
        ui = Client()
        ui.force_login(who)
        assert (post.title in ui.get("/clear/queue/").content.decode()) is shown


def test_curation_is_for_hq_editors_and_admins(people: dict[str, Any], tell: dict[str, Any]) -> None:
    for who, status in (
        (people["author"], 403),
        (people["approver"], 403),
        (tell["hq_editor"], 200),
        (people["admin"], 200),
    ):
        ui = Client()
        ui.force_login(who)
        assert ui.get("/tell/claims/new/").status_code == status
    ui = Client()
    ui.force_login(tell["hq_editor"])
    bad = ui.post(
        "/tell/claims/new/",
        {
            "subject": "x",
            "statements": "{not json",
            "value": "1",
            "unit": "rank",
            "source_title": "s",
            "source_url": "https://example.org",
            "source_date": "2024-01-01",
        },
    )
    assert "Not valid JSON" in bad.content.decode()


def test_policy_editing_is_for_mission_managers(people: dict[str, Any], missions: dict[str, Any]) -> None:
    ui = Client()
    ui.force_login(people["approver"])
    assert ui.get("/clear/policies/new/").status_code == 403
    ui.force_login(people["admin"])
    response = ui.post(
        "/clear/policies/new/",
        {
            "mission": missions["berlin"].pk,
            "name": "Two steps",
            "s-TOTAL_FORMS": "2",
            "s-INITIAL_FORMS": "0",
            "s-MIN_NUM_FORMS": "0",
            "s-MAX_NUM_FORMS": "10",
            "s-0-role": "approver",
            "s-0-mode": "any",
            "s-1-role": "approver",
            "s-1-at_hq": "on",
            "s-1-mode": "any",
        },
    )
    assert response.status_code == 302
    listing = ui.get("/clear/policies/").content.decode()
    assert "Two steps" in listing and "(HQ)" in listing


def test_pages_render_for_every_role(people: dict[str, Any], write_post: Any, tell: dict[str, Any]) -> None:
    write_post()
    for who in ROLES:
        ui = Client()
        ui.force_login(people[who])
        for url in (
            "/tell/narratives/",
            "/tell/claims/",
            "/tell/campaigns/",
            "/tell/posts/",
            "/clear/queue/",
            "/clear/policies/",
            "/publish/calendar/",
            "/publish/channels/",
            "/notifications/",
        ):
            status = ui.get(url).status_code
            assert status in (200, 403), (who, url, status)
            if who != "outsider" or url not in ("/clear/policies/",):
                assert status == 200, (who, url)
    _ = json


def test_alt_text_rule_through_the_api(people: dict[str, Any], tell: dict[str, Any]) -> None:
    payload = {
        "mission": "berlin",
        "title": "Card",
        "channels": [tell["mastodon"].pk],
        "claims": [tell["claim2024"].pk],
        "scheduled_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        "variants": [
            {
                "platform": "mastodon",
                "language": "en",
                "text": EN,
                "media": [{"url": "https://cdn.example/card.png", "alt": ""}],
            }
        ],
    }
    client = _bearer(people["author"])
    post_id = client.post("/api/v1/posts", payload, content_type="application/json").json()["id"]
    refused = client.post(f"/api/v1/posts/{post_id}/submit")
    assert refused.status_code == 422
    assert any("alt text is required" in p for p in refused.json()["variants"][0]["problems"])


def test_api_refuses_a_campaign_that_does_not_target_the_post_mission(
    people: dict[str, Any], tell: dict[str, Any], missions: dict[str, Any]
) -> None:
    elsewhere = actions.do_save(
        Campaign(
            name="Washington only", goal="g", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 1, 1)
        ),
        acting_user=None,
    )
    elsewhere.missions.set([missions["washington"]])
    payload = {
        "mission": "berlin",
        "title": "API post",
        "channels": [tell["mastodon"].pk],
        "campaign": elsewhere.pk,
        "variants": [{"platform": "mastodon", "language": "en", "text": EN}],
    }
    response = _bearer(people["author"]).post("/api/v1/posts", payload, content_type="application/json")
    assert response.status_code == 422 and "campaign" in response.json()["detail"]
    elsewhere.missions.add(missions["berlin"])
    response = _bearer(people["author"]).post("/api/v1/posts", payload, content_type="application/json")
    assert response.status_code == 201, response.content
