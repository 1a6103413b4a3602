"""End to end against a real Bluesky PDS (@atproto/pds 0.4) on 127.0.0.1.

Skipped, with the reason, where Node or the PDS packages are missing: CI runs
``bash tests/connectors/pds/install.sh`` first so that these run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from elshi.connectors import Account, Delivery, Media, Message, create
from elshi.connectors.bluesky import BlueskyPublisher, delivery_rkey

from .conftest import tiny_png
from .pds import LocalPds, create_test_account, running_pds, unavailable_reason

# CI sets ELSHI_REQUIRE_PDS=1 so that a missing PDS fails the run instead of skipping quietly.
REQUIRED = os.environ.get("ELSHI_REQUIRE_PDS") == "1"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(unavailable_reason() is not None and not REQUIRED, reason=unavailable_reason() or ""),
]

HANDLE = "kz-berlin.test"


@pytest.fixture(scope="module")
def pds() -> Iterator[LocalPds]:
    reason = unavailable_reason()
    if reason:
        pytest.fail(reason)
    with running_pds() as server:
        yield server


@pytest.fixture(scope="module")
def account(pds: LocalPds) -> Account:
    return create_test_account(pds, HANDLE)


def get_record(pds: LocalPds, did: str, rkey: str) -> dict[str, object]:
    response = httpx.get(
        f"{pds.url}/xrpc/com.atproto.repo.getRecord",
        params={"repo": did, "collection": "app.bsky.feed.post", "rkey": rkey},
    )
    assert response.status_code == 200, response.text
    data: dict[str, object] = response.json()
    return data


def list_posts(pds: LocalPds, did: str) -> list[dict[str, object]]:
    response = httpx.get(
        f"{pds.url}/xrpc/com.atproto.repo.listRecords",
        params={"repo": did, "collection": "app.bsky.feed.post", "limit": "100"},
    )
    assert response.status_code == 200, response.text
    records: list[dict[str, object]] = response.json()["records"]
    return records


def publisher(account: Account, client: httpx.Client) -> BlueskyPublisher:
    made = create("bluesky", client, account)
    assert isinstance(made, BlueskyPublisher)
    return made


def test_text_post_with_facets_published_once(pds: LocalPds, account: Account) -> None:
    text = "Қазақстан — Германия: @kz-berlin.test reports on https://mfa.gov.kz/en/berlin #GreenHydrogen"
    delivery = Delivery("delivery-1001", Message(text, language="kk"), datetime(2026, 11, 28, 9, tzinfo=UTC))
    with httpx.Client(timeout=30) as client:
        made = publisher(account, client)
        first = made.publish(delivery)
        did = made.did
    rkey = delivery_rkey(delivery.key, delivery.created_at)
    assert first.remote_id == f"at://{did}/app.bsky.feed.post/{rkey}" and not first.already_existed

    record = get_record(pds, did, rkey)
    value = record["value"]
    assert isinstance(value, dict)
    assert value["text"] == text and value["langs"] == ["kk"]
    encoded = text.encode()
    found = {}
    for facet in value["facets"]:
        index, feature = facet["index"], facet["features"][0]
        found[feature["$type"]] = (encoded[index["byteStart"] : index["byteEnd"]].decode(), feature)
    assert found["app.bsky.richtext.facet#mention"] == (
        "@kz-berlin.test",
        {"$type": "app.bsky.richtext.facet#mention", "did": did},
    )
    assert found["app.bsky.richtext.facet#link"][0] == "https://mfa.gov.kz/en/berlin"
    assert found["app.bsky.richtext.facet#tag"][1]["tag"] == "GreenHydrogen"

    # The same delivery again, from a fresh session as after a worker restart: nothing new is created.
    before = len(list_posts(pds, did))
    with httpx.Client(timeout=30) as client:
        again = publisher(account, client).publish(delivery)
    assert again.already_existed and again.remote_id == first.remote_id
    assert len(list_posts(pds, did)) == before


def test_second_create_under_the_same_rkey_is_refused_and_resolved(pds: LocalPds, account: Account) -> None:
    """Miss the pre-send lookup once, to prove that the PDS itself refuses the duplicate record."""
    delivery = Delivery("delivery-1002", Message("Once only"), datetime(2026, 11, 28, 10, tzinfo=UTC))
    creates: list[int] = []

    def watch(response: httpx.Response) -> None:
        if response.request.url.path.endswith("/com.atproto.repo.createRecord"):
            creates.append(response.status_code)

    with httpx.Client(timeout=30, event_hooks={"response": [watch]}) as client:
        made = publisher(account, client)
        first = made.publish(delivery)
        real_lookup = made.get_post
        lookups: list[str] = []

        def first_lookup_misses(rkey: str) -> dict[str, object] | None:
            lookups.append(rkey)
            return None if len(lookups) == 1 else real_lookup(rkey)

        made.get_post = first_lookup_misses  # type: ignore[method-assign]
        again = made.publish(delivery)
        did = made.did
    assert creates[0] == 200 and len(creates) == 2 and creates[1] >= 400  # refused by the PDS
    assert again.already_existed and again.remote_id == first.remote_id
    assert [r["uri"] for r in list_posts(pds, did)].count(first.remote_id) == 1


def test_image_post_with_alt_text(pds: LocalPds, account: Account) -> None:
    png = tiny_png(48, 32)
    image = Media("image/png", data=png, alt_text="The Baiterek tower at dusk", width=48, height=32)
    delivery = Delivery(
        "delivery-1003", Message("Astana tonight", media=(image,)), datetime(2026, 11, 28, 11, tzinfo=UTC)
    )
    with httpx.Client(timeout=30) as client:
        made = publisher(account, client)
        made.publish(delivery)
        did = made.did
    value = get_record(pds, did, delivery_rkey(delivery.key, delivery.created_at))["value"]
    assert isinstance(value, dict)
    picture = value["embed"]["images"][0]
    assert value["embed"]["$type"] == "app.bsky.embed.images"
    assert picture["alt"] == "The Baiterek tower at dusk"
    assert picture["aspectRatio"] == {"width": 48, "height": 32}
    assert picture["image"]["mimeType"] == "image/png" and picture["image"]["size"] == len(png)
    blob = httpx.get(
        f"{pds.url}/xrpc/com.atproto.sync.getBlob",
        params={"did": did, "cid": picture["image"]["ref"]["$link"]},
    )
    assert blob.status_code == 200 and blob.content == png


def test_session_refresh_and_wrong_password_against_the_pds(pds: LocalPds, account: Account) -> None:
    from datetime import timedelta

    from elshi.connectors import AuthError

    calls: list[str] = []
    with httpx.Client(timeout=30, event_hooks={"request": [lambda r: calls.append(r.url.path)]}) as client:
        made = publisher(account, client)
        first = made.refresh_if_needed(datetime.now(UTC))
        assert first is not None and first.expires_at is not None and first.scope == made.did
        # As if the access token were about to expire: the PDS's refreshSession gives a new pair.
        renewed = made.refresh_if_needed(first.expires_at - timedelta(minutes=1))
        # (Access JWTs minted in the same second can be identical; each refresh JWT has its own id.)
        assert renewed is not None and renewed.refresh_token != first.refresh_token
        assert calls[-1].endswith("/com.atproto.server.refreshSession")
        posted = made.publish(
            Delivery("delivery-1004", Message("After a refresh"), datetime(2026, 11, 28, tzinfo=UTC))
        )
        assert posted.remote_id.startswith(f"at://{made.did}/app.bsky.feed.post/")
        wrong = Account(settings=dict(account.settings), secrets={"app_password": "aaaa-bbbb-cccc-dddd"})
        with pytest.raises(AuthError, match="Invalid identifier or password"):
            publisher(wrong, client).refresh_if_needed(datetime.now(UTC))
