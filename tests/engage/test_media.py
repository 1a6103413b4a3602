"""The public media view looks one asset up and checks it went out, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from elshi.content.models import Asset, Post, Variant
from elshi.engagements import site as sitedata
from elshi.publishing.models import Delivery

pytestmark = pytest.mark.django_db


def _asset(mission: Any, user: Any, root: Path, file: str, **extra: Any) -> Asset:
    (root / file).parent.mkdir(parents=True, exist_ok=True)
    (root / file).write_bytes(b"\x89PNG\r\n\x1a\n" + file.encode())
    return Asset.objects.create(
        mission=mission,
        kind=extra.pop("kind", "card"),
        title=file,
        file=file,
        alt_text="alt",
        state=extra.pop("state", "ready"),
        created_by=user,
    )


def _post(mission: Any, channel: Any, files: list[str], state: str = "published") -> Post:
    from django.contrib.auth import get_user_model

    author = get_user_model().objects.get(username="author")
    post = Post.objects.create(mission=mission, title="p", state="scheduled", created_by=author)
    Variant.objects.create(
        post=post,
        platform=channel.platform,
        language="en",
        text="t",
        media=[{"url": f"/media/{f}", "alt": "a"} for f in files],
    )
    Delivery.objects.create(
        post=post,
        channel=channel,
        state=state,
        due_at=timezone.now() - dt.timedelta(hours=1),
        published_at=timezone.now() if state == "published" else None,
    )
    return post


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_media_served_only_once_published_in_three_queries(
    client: Any,
    site: Any,
    missions: dict[str, Any],
    people: dict[str, Any],
    channels: dict[str, Any],
    media_root: Path,
    django_assert_num_queries: Any,
) -> None:
    berlin, author = missions["berlin"], people["author"]
    out = _asset(berlin, author, media_root, "cards/out.png")
    draft_only = _asset(berlin, author, media_root, "cards/draft.png")
    prefix = _asset(berlin, author, media_root, "cards/ou.png")  # a prefix of a published name
    elsewhere = _asset(berlin, author, media_root, "other/out.png")  # same name, other folder
    rendering = _asset(berlin, author, media_root, "cards/rendering.png", state="rendering")
    image = _asset(berlin, author, media_root, "cards/image.png", kind="image")
    us = _asset(missions["washington"], author, media_root, "cards/us.png")
    _post(berlin, channels["mastodon"], ["cards/out.png", "cards/rendering.png", "cards/image.png"])
    _post(berlin, channels["telegram"], ["cards/draft.png"], state="scheduled")
    _post(missions["washington"], channels["x_us"], ["cards/us.png"])
    for _ in range(5):  # more published posts of the mission do not add queries
        _post(berlin, channels["mastodon"], ["cards/unrelated.png"])

    with django_assert_num_queries(3):  # the site, the asset, one check of the published variants
        response = client.get(f"/m/berlin/media/{out.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).endswith(b"cards/out.png")
    for refused in (draft_only, prefix, elsewhere, rendering, image, us):
        assert client.get(f"/m/berlin/media/{refused.pk}/").status_code == 404, refused.file
    assert client.get("/m/berlin/media/999999/").status_code == 404
    assert [a.pk for a in sitedata.stories(berlin)] == [out.pk]


def test_stories_page_reads_a_fixed_number_of_queries(
    site: Any,
    missions: dict[str, Any],
    people: dict[str, Any],
    channels: dict[str, Any],
    media_root: Path,
    django_assert_num_queries: Any,
) -> None:
    berlin = missions["berlin"]
    made = [_asset(berlin, people["author"], media_root, f"cards/c{i}.png") for i in range(4)]
    for i in range(4):
        _post(berlin, channels["mastodon"], [f"cards/c{i}.png"])
    with django_assert_num_queries(2):
        found = sitedata.stories(berlin)
    assert {a.pk for a in found} == {a.pk for a in made}


def test_a_non_ascii_file_name_is_still_found(
    client: Any,
    site: Any,
    missions: dict[str, Any],
    people: dict[str, Any],
    channels: dict[str, Any],
    media_root: Path,
) -> None:
    asset = _asset(missions["berlin"], people["author"], media_root, "cards/қала.png")
    _post(missions["berlin"], channels["mastodon"], ["cards/қала.png"])
    assert client.get(f"/m/berlin/media/{asset.pk}/").status_code == 200
