"""Bluesky end to end through the real delivery path, against a real PDS on 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from elshi.content.models import Asset
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel
from elshi.publishing.accounts import set_credentials
from elshi.publishing.models import Delivery, DeliveryState
from elshi.publishing.sending import send
from tests.connectors.conftest import tiny_png
from tests.connectors.pds import LocalPds, create_test_account, running_pds, unavailable_reason

from .test_delivery import _cleared

REQUIRED = os.environ.get("ELSHI_REQUIRE_PDS") == "1"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(unavailable_reason() is not None and not REQUIRED, reason=unavailable_reason() or ""),
]
HANDLE = "kz-embassy-berlin.test"


@pytest.fixture(scope="module")
def pds() -> Iterator[LocalPds]:
    reason = unavailable_reason()
    if reason:
        pytest.fail(reason)
    with running_pds() as server:
        yield server


def _records(pds: LocalPds, did: str) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{pds.url}/xrpc/com.atproto.repo.listRecords",
        params={"repo": did, "collection": "app.bsky.feed.post", "limit": "100"},
    )
    response.raise_for_status()
    return list(response.json()["records"])


def test_cleared_posts_reach_the_pds_once(
    pds: LocalPds,
    write_post: Any,
    people: dict[str, Any],
    missions: dict[str, Any],
    settings: Any,
    tmp_path: Path,
) -> None:
    account = create_test_account(pds, HANDLE)
    channel = Channel(
        mission=missions["berlin"], platform="bluesky", handle=HANDLE, settings=dict(account.settings)
    )
    set_credentials(channel, secrets=dict(account.secrets))
    channel = mission_actions.do_save_channel(channel, acting_user=None)

    text = "Kazakhstan ranked 24th in the UN E-Government Development Index 2024. https://egov.kz #eGov"
    first = _cleared(write_post, people, channel, text=text)  # what is sent is what was cleared
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "baiterek.png").write_bytes(tiny_png(48, 32))
    Asset.objects.create(  # only the mission's own studio assets are read from disk and sent
        mission=missions["berlin"],
        kind="image",
        title="Baiterek",
        file="baiterek.png",
        state="ready",
        created_by=people["author"],
    )
    second = _cleared(
        write_post,
        people,
        channel,
        text="Astana tonight",
        media=[{"url": "/media/baiterek.png", "alt": "The Baiterek tower at dusk"}],
    )

    deliveries = [first.deliveries.get(), second.deliveries.get()]
    assert [send(d.pk, now=d.due_at) for d in deliveries] == ["published", "published"]
    stored = [Delivery.objects.get(pk=d.pk) for d in deliveries]
    assert all(d.remote_id.startswith("at://did:plc:") for d in stored)
    did = stored[0].remote_id.split("/")[2]
    by_uri = {r["uri"]: r["value"] for r in _records(pds, did)}
    post = by_uri[stored[0].remote_id]
    assert post["text"] == text
    features = {f["features"][0]["$type"] for f in post["facets"]}
    assert features == {"app.bsky.richtext.facet#link", "app.bsky.richtext.facet#tag"}
    link = next(f for f in post["facets"] if f["features"][0]["$type"].endswith("#link"))
    start, end = link["index"]["byteStart"], link["index"]["byteEnd"]
    assert text.encode()[start:end] == b"https://egov.kz"
    image = by_uri[stored[1].remote_id]["embed"]["images"][0]
    assert image["alt"] == "The Baiterek tower at dusk"

    # The delivery runs again (a duplicate run): the record key makes it the same post, not a new one.
    Delivery.objects.filter(pk=stored[0].pk).update(state=DeliveryState.SCHEDULED)
    assert send(stored[0].pk, now=stored[0].due_at) == "published"
    assert len(_records(pds, did)) == 2
