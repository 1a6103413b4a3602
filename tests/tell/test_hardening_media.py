"""Issue 17 (media): a variant's media lines name public links or its own mission's studio assets only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from elshi.clearance import actions as clearance_actions
from elshi.connectors import InvalidMessage
from elshi.content import actions
from elshi.content.models import Asset, Post, Variant
from elshi.missions import actions as mission_actions
from elshi.publishing.message import message_for
from elshi.publishing.models import Delivery

from .conftest import EN


@pytest.fixture
def assets(settings: Any, tmp_path: Path, missions: dict[str, Any], people: dict[str, Any]) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path
    made = {}
    for name, mission, state in [
        ("berlin", "berlin", "ready"),
        ("washington", "washington", "ready"),
        ("unfinished", "berlin", "rendering"),
    ]:
        (tmp_path / "cards").mkdir(exist_ok=True)
        (tmp_path / "cards" / f"{name}.png").write_bytes(b"\x89PNG" + name.encode())
        made[name] = Asset.objects.create(
            mission=missions[mission],
            kind="card",
            title=name,
            file=f"cards/{name}.png",
            alt_text="A card with the E-Government rank",
            state=state,
            created_by=people["author"],
        )
    (tmp_path / "credentials.keys").write_text("not for publishing")
    return made


def _save(people: dict[str, Any], missions: dict[str, Any], tell: dict[str, Any], url: str) -> Post:
    post = Post(mission=missions["berlin"], title="Card", scheduled_at=timezone.now() + dt.timedelta(days=2))
    media = [{"url": url, "alt": "A card with the E-Government rank"}]
    return actions.do_save_post(  # type: ignore[no-any-return]
        post,
        acting_user=people["author"],
        variants=[{"platform": "mastodon", "language": "en", "text": EN, "media": media}],
        channels=[tell["mastodon"]],
        claims=[tell["claim2024"]],
    )


@pytest.mark.parametrize(
    "url",
    [
        "/media/cards/washington.png",  # another mission's asset
        "/media/cards/unfinished.png",  # not ready
        "/media/credentials.keys",  # a file under MEDIA_ROOT that is no asset
        "/media/cards/../credentials.keys",
        "file:///etc/passwd",
        "cards/berlin.png",  # a bare path is no link
    ],
)
def test_media_lines_outside_the_missions_assets_are_refused(
    people: dict[str, Any], missions: dict[str, Any], tell: dict[str, Any], assets: dict[str, Any], url: str
) -> None:
    with pytest.raises(ValidationError, match="ready studio asset of this post's mission"):
        _save(people, missions, tell, url)
    assert not Post.objects.filter(title="Card").exists()


def test_own_assets_and_public_links_are_accepted(
    people: dict[str, Any], missions: dict[str, Any], tell: dict[str, Any], assets: dict[str, Any]
) -> None:
    own = _save(people, missions, tell, assets["berlin"].media_url)
    clearance_actions.check_submit(people["author"], own)
    _save(people, missions, tell, "https://cdn.example/card.png")


def test_composer_shows_a_form_error(
    people: dict[str, Any], missions: dict[str, Any], tell: dict[str, Any], assets: dict[str, Any]
) -> None:
    ui = Client()
    ui.force_login(people["author"])
    local = (timezone.now() + dt.timedelta(days=3)).astimezone(missions["berlin"].zone)
    data = {
        "mission": missions["berlin"].pk,
        "title": "Composer card",
        "channels": [tell["mastodon"].pk],
        "publish_at": local.strftime("%Y-%m-%dT%H:%M"),
        "v-TOTAL_FORMS": "1",
        "v-INITIAL_FORMS": "0",
        "v-MIN_NUM_FORMS": "0",
        "v-MAX_NUM_FORMS": "30",
        "v-0-platform": "mastodon",
        "v-0-language": "en",
        "v-0-text": EN,
        "v-0-attachments": "/media/cards/washington.png | A card with the E-Government rank",
    }
    response = ui.post("/tell/posts/new/", data)
    assert response.status_code == 200
    assert "ready studio asset of this post" in response.content.decode()
    assert not Post.objects.filter(title="Composer card").exists()


def test_api_refuses_another_missions_asset(
    people: dict[str, Any], tell: dict[str, Any], assets: dict[str, Any]
) -> None:
    _token, plain = mission_actions.do_create_token(people["author"], "t", acting_user=None)
    payload = {
        "mission": "berlin",
        "title": "Card",
        "channels": [tell["mastodon"].pk],
        "variants": [
            {
                "platform": "mastodon",
                "language": "en",
                "text": EN,
                "media": [{"url": assets["washington"].media_url, "alt": "A card"}],
            }
        ],
    }
    response = Client(headers={"Authorization": f"Bearer {plain}"}).post(
        "/api/v1/posts", payload, content_type="application/json"
    )
    assert response.status_code == 422 and "studio asset" in response.json()["detail"]


def test_stored_lines_are_checked_at_submission_and_again_at_send_time(
    people: dict[str, Any], missions: dict[str, Any], tell: dict[str, Any], assets: dict[str, Any]
) -> None:
    post = _save(people, missions, tell, assets["berlin"].media_url)
    variant = post.variants.get()
    delivery = Delivery(post=post, channel=tell["mastodon"], variant=variant, due_at=post.scheduled_at)
    assert message_for(delivery).media[0].data == b"\x89PNGberlin"
    # A line written before this check existed (or straight to the database).
    Variant.objects.filter(pk=variant.pk).update(media=[{"url": "/media/credentials.keys", "alt": "keys"}])
    delivery.variant = Variant.objects.get(pk=variant.pk)
    with pytest.raises(InvalidMessage, match="studio asset"):
        message_for(delivery)
    with pytest.raises(ValidationError, match="studio asset"):
        clearance_actions.check_submit(people["author"], post)
