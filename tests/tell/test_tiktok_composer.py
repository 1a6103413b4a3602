"""The composer offers TikTok's choices from the creator's live settings and refuses a post TikTok would.

TikTok answers from the payloads recorded for the connector tests (``tests/connectors/fixtures``),
through a MockTransport-backed client put in ``elshi.content.tiktok_choices.client_factory``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client
from django.utils import timezone

from elshi.clearance.actions import SubmissionInvalid, check_submit
from elshi.connectors import Token
from elshi.content import actions, tiktok_choices
from elshi.content.models import Post, PostState
from elshi.content.validation import check_post
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel
from elshi.publishing.accounts import set_credentials
from elshi.publishing.claiming import claim_one
from elshi.publishing.models import Delivery
from elshi.publishing.sending import send_claimed

FIXTURES = Path(__file__).parents[1] / "connectors" / "fixtures" / "tiktok"
CREATOR_INFO = "/v2/post/publish/creator_info/query/"
PHOTO = "https://media.example.org/forum.jpg | Delegates at the Astana forum, seated in a wide hall"


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())


class TikTok:
    """Answers creator_info with a recorded payload (or an error), and records what it was asked."""

    def __init__(self, creator: str = "creator_info", status: int = 200) -> None:
        self.creator, self.status, self.seen = creator, status, []  # type: list[httpx.Request]

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        if request.url.path == CREATOR_INFO:
            return httpx.Response(self.status, json=_fixture(self.creator))
        raise AssertionError(f"unexpected request {request.url}")

    @property
    def asked(self) -> int:
        return sum(1 for r in self.seen if r.url.path == CREATOR_INFO)


@pytest.fixture
def tiktok(monkeypatch: pytest.MonkeyPatch) -> TikTok:
    fake = TikTok()
    monkeypatch.setattr(
        tiktok_choices, "client_factory", lambda: httpx.Client(transport=httpx.MockTransport(fake.handle))
    )
    return fake


@pytest.fixture
def channel(missions: dict[str, Any]) -> Channel:
    made = Channel(mission=missions["berlin"], platform="tiktok", handle="mfa_kz", settings={})
    set_credentials(
        made,
        secrets={"client_key": "ck", "client_secret": "cs"},
        token=Token("act.user", "rft.user", timezone.now() + dt.timedelta(hours=20)),
    )
    return mission_actions.do_save_channel(made, acting_user=None)


@pytest.fixture
def post(people: dict[str, Any], missions: dict[str, Any], channel: Channel) -> Post:
    draft = Post(
        mission=missions["berlin"], title="Forum", scheduled_at=timezone.now() + dt.timedelta(days=2)
    )
    media = [
        {"url": "https://media.example.org/forum.jpg", "name": "forum.jpg", "alt": PHOTO.split(" | ")[1]}
    ]
    return actions.do_save_post(
        draft,
        acting_user=people["author"],
        variants=[{"platform": "tiktok", "language": "en", "text": "The Astana forum", "media": media}],
        channels=[channel],
    )


def _ui(people: dict[str, Any]) -> Client:
    ui = Client()
    ui.force_login(people["author"])
    return ui


def _form(post: Post, **tiktok: Any) -> dict[str, Any]:
    local = post.scheduled_at.astimezone(post.mission.zone).strftime("%Y-%m-%dT%H:%M")
    data = {
        "mission": post.mission.pk,
        "title": post.title,
        "channels": [c.pk for c in post.channels.all()],
        "publish_at": local,
        "v-TOTAL_FORMS": "1",
        "v-INITIAL_FORMS": "1",
        "v-MIN_NUM_FORMS": "0",
        "v-MAX_NUM_FORMS": "30",
        "v-0-platform": "tiktok",
        "v-0-language": "en",
        "v-0-text": "The Astana forum",
        "v-0-attachments": PHOTO,
    }
    data.update({f"v-0-tiktok_{name}": value for name, value in tiktok.items()})
    return data


def _privacy_inputs(html: str) -> list[str]:
    return re.findall(r'<input type="radio" name="v-0-tiktok_privacy"[^>]*>', html)


def test_composer_offers_the_creators_levels_with_none_chosen(
    people: dict[str, Any], post: Post, tiktok: TikTok
) -> None:
    html = _ui(people).get(f"/tell/posts/{post.pk}/edit/").content.decode()

    radios = _privacy_inputs(html)
    values = [re.search(r'value="([A-Z_]+)"', r).group(1) for r in radios]  # type: ignore[union-attr]
    assert values == ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]  # as TikTok offers them
    assert not any("checked" in r for r in radios)  # TikTok allows no default
    assert "Posting as mfa_kz" in html and "600 seconds" in html
    stitch = re.search(r'<input type="checkbox" name="v-0-tiktok_allow_stitch"[^>]*>', html)
    comment = re.search(r'<input type="checkbox" name="v-0-tiktok_allow_comment"[^>]*>', html)
    assert stitch and "disabled" in stitch.group(0)  # the creator turned stitches off
    assert comment and "disabled" not in comment.group(0) and "checked" not in comment.group(0)
    assert "Paid partnership" in html and "Promotional content" in html and "Music Usage Confirmation" in html
    assert "style=" not in html.split("<main", 1)[-1] and "<script>" not in html  # CSP: no inline styles
    assert tiktok.asked == 1
    _ui(people).get(f"/tell/posts/{post.pk}/edit/")
    assert tiktok.asked == 1  # kept for a few minutes per channel


def test_unaudited_creator_is_offered_only_self_only_and_told_why(
    people: dict[str, Any], post: Post, tiktok: TikTok
) -> None:
    tiktok.creator = "creator_info_unaudited"
    html = _ui(people).get(f"/tell/posts/{post.pk}/edit/").content.decode()
    assert [r for r in _privacy_inputs(html) if "SELF_ONLY" not in r] == []
    assert len(_privacy_inputs(html)) == 1
    assert "has not yet audited this app" in html


def test_creator_info_failure_is_said_and_nothing_is_offered(
    people: dict[str, Any], post: Post, tiktok: TikTok
) -> None:
    tiktok.creator, tiktok.status = "token_invalid", 401
    html = _ui(people).get(f"/tell/posts/{post.pk}/edit/").content.decode()
    assert "TikTok did not say what mfa_kz may post" in html
    assert _privacy_inputs(html) == []
    _ui(people).get(f"/tell/posts/{post.pk}/edit/")
    assert tiktok.asked == 2  # a failure is not kept: the next page asks again


def test_saving_without_a_privacy_choice_is_refused(
    people: dict[str, Any], post: Post, tiktok: TikTok
) -> None:
    response = _ui(people).post(f"/tell/posts/{post.pk}/edit/", _form(post))
    assert response.status_code == 200
    assert "choose who can see this post (TikTok allows no default)" in response.content.decode()
    assert post.variants.get().options == {}


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({"privacy": "FOLLOWER_OF_CREATOR"}, "“FOLLOWER_OF_CREATOR” is not offered to mfa_kz"),
        (
            {"privacy": "SELF_ONLY", "disclose": "on", "brand_content": "on"},
            "branded content cannot be private",
        ),
        ({"privacy": "PUBLIC_TO_EVERYONE", "disclose": "on"}, "Say whether the post promotes your brand"),
    ],
)
def test_a_choice_tiktok_would_refuse_is_refused_when_saved(
    people: dict[str, Any], post: Post, tiktok: TikTok, choices: dict[str, str], message: str
) -> None:
    response = _ui(people).post(f"/tell/posts/{post.pk}/edit/", _form(post, **choices))
    assert response.status_code == 200 and message in response.content.decode()
    assert post.variants.get().options == {}


def test_a_valid_choice_is_stored_and_reaches_tiktoks_init_request(
    people: dict[str, Any], post: Post, tiktok: TikTok
) -> None:
    form = _form(post, privacy="PUBLIC_TO_EVERYONE", allow_comment="on", disclose="on", brand_organic="on")
    response = _ui(people).post(f"/tell/posts/{post.pk}/edit/", form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    variant = post.variants.get()
    assert variant.options == {
        "privacy_level": "PUBLIC_TO_EVERYONE",
        "disable_comment": False,
        "disable_duet": True,
        "disable_stitch": True,
        "brand_organic_toggle": True,
        "brand_content_toggle": False,
    }
    assert [r.problems for r in check_post(post)] == [[]]

    Post.objects.filter(pk=post.pk).update(state=PostState.SCHEDULED)
    delivery = Delivery.objects.create(
        post=post, channel=post.channels.get(), variant=variant, due_at=timezone.now()
    )
    claimed = claim_one(delivery.pk, timezone.now())
    assert claimed is not None
    answers = {
        "/v2/post/publish/creator_info/query/": "creator_info",
        "/v2/post/publish/content/init/": "photo_init",
        "/v2/post/publish/status/fetch/": "status_complete",
    }
    seen: list[httpx.Request] = []

    def platform(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=_fixture(answers[request.url.path]))

    send_claimed(claimed, client=httpx.Client(transport=httpx.MockTransport(platform)))
    init = next(json.loads(r.content) for r in seen if r.url.path.endswith("/content/init/"))
    assert init["post_info"]["privacy_level"] == "PUBLIC_TO_EVERYONE"
    assert init["post_info"]["disable_comment"] is False
    assert init["post_info"]["brand_organic_toggle"] is True


def test_a_saved_choice_is_shown_again_when_the_post_is_edited(
    people: dict[str, Any], post: Post, tiktok: TikTok
) -> None:
    ui = _ui(people)
    assert ui.post(f"/tell/posts/{post.pk}/edit/", _form(post, privacy="SELF_ONLY")).status_code == 302
    radios = _privacy_inputs(ui.get(f"/tell/posts/{post.pk}/edit/").content.decode())
    assert [r for r in radios if "checked" in r] == [r for r in radios if 'value="SELF_ONLY"' in r] != []


def test_submitting_a_tiktok_variant_without_a_choice_is_refused(
    people: dict[str, Any], post: Post, tiktok: TikTok
) -> None:
    with pytest.raises(SubmissionInvalid) as refused:
        check_submit(people["author"], post)
    assert any("choose who can see this post" in p for p in refused.value.messages)


def _api(people: dict[str, Any]) -> Client:
    _token, plain = mission_actions.do_create_token(people["author"], "t", acting_user=None)
    return Client(headers={"Authorization": f"Bearer {plain}"})


def _payload(channel: Channel, options: dict[str, Any], **media: str) -> dict[str, Any]:
    item = {
        "url": "https://media.example.org/forum.mp4",
        "name": "forum.mp4",
        "alt": "The forum hall",
        **media,
    }
    return {
        "mission": "berlin",
        "title": "Forum",
        "channels": [channel.pk],
        "variants": [
            {"platform": "tiktok", "language": "en", "text": "Forum", "media": [item], "options": options}
        ],
    }


def test_api_accepts_options_and_stores_them(
    people: dict[str, Any], channel: Channel, tiktok: TikTok
) -> None:
    options = {"privacy_level": "MUTUAL_FOLLOW_FRIENDS", "disable_comment": True}
    response = _api(people).post("/api/v1/posts", _payload(channel, options), content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["variants"][0]["options"] == options
    assert Post.objects.get(pk=response.json()["id"]).variants.get().options == options


@pytest.mark.parametrize(
    ("options", "media", "message"),
    [
        ({}, {}, "choose who can see this post"),
        (
            {"privacy_level": "SELF_ONLY", "brand_content_toggle": True},
            {},
            "branded content cannot be private",
        ),
        (
            {"privacy_level": "SELF_ONLY"},
            {"duration_s": "900"},
            "the video lasts 900 s; this creator may post 600",
        ),
    ],
)
def test_api_refuses_what_tiktok_would(
    people: dict[str, Any], channel: Channel, tiktok: TikTok, options: Any, media: Any, message: str
) -> None:
    response = _api(people).post(
        "/api/v1/posts", _payload(channel, options, **media), content_type="application/json"
    )
    assert response.status_code == 422 and message in response.content.decode()
    assert not Post.objects.filter(title="Forum").exists()
