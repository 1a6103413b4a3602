"""Platform API versions: the declared defaults and sunsets, a channel's own pin (validated in the
channel forms, shown on the channel page, used by the connectors), ``elshi check``'s warning, and a
retired LinkedIn version landing on the channel's health rather than as a refused post."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from django.urls import reverse

from elshi.cli.ops import api_version_warnings
from elshi.connectors import Account, Delivery, Message, Token, create
from elshi.connectors.catalog import CATALOG
from elshi.connectors.linkedin import VERSIONS as LINKEDIN
from elshi.connectors.meta.graph import GRAPH_VERSIONS
from elshi.connectors.versions import ApiVersions, version_status
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel, ChannelStatus
from elshi.publishing.accounts import set_credentials
from elshi.publishing.forms import ChannelForm
from elshi.publishing.models import NEEDS_A_PERSON, DeliveryState
from elshi.publishing.sending import send
from tests.tell.conftest import tell, two_step, write_post  # noqa: F401  (shared fixtures)

from ..publish.test_states import _delivery
from .conftest import FakePlatform, load

TODAY = date(2026, 12, 3)


def test_defaults_are_current_and_sunsets_follow_the_platforms_rules() -> None:
    assert LINKEDIN.default == "202607" and LINKEDIN.sunset("202607") == date(2027, 7, 1)
    assert LINKEDIN.sunset("202510") == date(2026, 10, 15)  # published, not computed
    assert LINKEDIN.sunset("202612") == date(2027, 12, 1)
    assert GRAPH_VERSIONS.default == "v25.0" and GRAPH_VERSIONS.sunset("v25.0") == date(2028, 7, 29)
    for api in (LINKEDIN, GRAPH_VERSIONS):
        status = version_status(api, {}, TODAY)
        assert status is not None and not status.expiring(60), api.default
    assert CATALOG["facebook"].api is GRAPH_VERSIONS and CATALOG["instagram"].api is GRAPH_VERSIONS
    assert CATALOG["linkedin"].api is LINKEDIN and CATALOG["mastodon"].api is None
    with pytest.raises(ValueError, match="does not match"):
        ApiVersions(default="2026-07", pattern=r"\d{6}", example="202607")


def test_facebook_calls_the_channels_pinned_graph_version(fake: FakePlatform) -> None:
    fake.add("POST", "https://graph.facebook.com/v24.0/1234567890/feed", json_body={"id": "1234567890_1"})
    account = Account({"page_id": "1234567890", "api_version": "v24.0"}, token=Token("page-token"))
    when = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    create("facebook", fake.client(), account).publish(Delivery("d", Message("Hello"), when))
    assert fake.requests[0].url.path == "/v24.0/1234567890/feed"


@pytest.mark.parametrize(
    ("platform", "version", "ok"),
    [
        ("linkedin", "202611", True),
        ("linkedin", "2026-11", False),
        ("linkedin", "v25.0", False),
        ("facebook", "v25.0", True),
        ("facebook", "25.0", False),
        ("mastodon", "v1", False),
        ("mastodon", "", True),
    ],
)
def test_channel_form_validates_the_pin_and_stores_it_in_settings(
    missions: dict[str, Any], platform: str, version: str, ok: bool
) -> None:
    data = {
        "mission": missions["berlin"].pk,
        "platform": platform,
        "handle": f"@{platform}-berlin",
        "language": "en",
        "is_active": "on",
        "api_version": version,
    }
    form = ChannelForm(data)
    assert form.is_valid() is ok, form.errors
    if ok:
        channel = form.save()
        assert channel.settings == ({"api_version": version} if version else {})
    else:
        assert "api_version" in form.errors


def _linkedin(missions: dict[str, Any], settings: dict[str, str], *, active: bool = True) -> Channel:
    channel = Channel(
        mission=missions["berlin"],
        platform="linkedin",
        handle=f"kz-berlin-{len(settings)}-{active}",
        settings={"author": "urn:li:organization:5515715", **settings},
        is_active=active,
    )
    set_credentials(channel, secrets={"client_id": "li", "client_secret": "s"}, token=Token("li-token"))
    return mission_actions.do_save_channel(channel, acting_user=None)


def test_channel_page_shows_and_changes_the_version(login: Any, missions: dict[str, Any]) -> None:
    channel = _linkedin(missions, {"linkedin_version": "202510"})
    url = reverse("channel_detail", args=[channel.pk])
    assert login("outsider").get(url).status_code in (403, 404)
    client = login("approver")
    page = client.get(url).content.decode()
    assert "202510" in page and "retired on 2026-10-15" in page
    saved = client.post(url, {"api_version": "202607", "setting_author": "urn:li:organization:5515715"})
    assert saved.status_code == 302
    channel.refresh_from_db()
    assert channel.settings["api_version"] == "202607" and "linkedin_version" not in channel.settings
    refused = client.post(url, {"api_version": "July", "setting_author": "urn:li:organization:5515715"})
    assert refused.status_code == 200 and "e.g. 202607" in refused.content.decode()
    client.post(url, {"api_version": "", "setting_author": "urn:li:organization:5515715"})
    channel.refresh_from_db()
    assert "api_version" not in channel.settings  # back on elshi's default
    shown = re.sub(r"<[^>]+>", "", html.unescape(client.get(url).content.decode()))
    assert "202607 (elshi's default) · supported until 2027-07-01" in shown


def test_check_warns_for_versions_near_or_past_their_sunset(missions: dict[str, Any]) -> None:
    _linkedin(missions, {"api_version": "202510"})
    _linkedin(missions, {})
    _linkedin(missions, {"api_version": "202511"}, active=False)
    Channel.objects.create(
        mission=missions["berlin"], platform="facebook", handle="kz-fb", settings={"api_version": "v21.0"}
    )
    Channel.objects.create(mission=missions["berlin"], platform="instagram", handle="kz-ig")
    lines = api_version_warnings(TODAY)
    assert len(lines) == 2, lines
    assert "API version 202510 (pinned on the channel) retired on 2026-10-15" in lines[0] + lines[1]
    assert "API version v21.0 (pinned on the channel) retires on 2027-01-21" in lines[0] + lines[1]
    # The same defaults, read 60 days before LinkedIn's default retires: now it is named too.
    later = api_version_warnings(date(2027, 5, 2))
    assert any("API version 202607 (elshi's default) retires on 2027-07-01" in line for line in later)
    assert not any("202607" in line for line in api_version_warnings(date(2027, 5, 1)))


def test_retired_linkedin_version_goes_to_the_channel_and_a_person(
    write_post: Any,  # noqa: F811
    missions: dict[str, Any],
) -> None:
    channel = _linkedin(missions, {"api_version": "202510"})
    delivery = _delivery(write_post, channel)
    client = httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(426, json=load("linkedin/version_retired")))
    )
    state = send(delivery.pk, client=client)
    assert state == DeliveryState.FAILED_PERMANENT and state in NEEDS_A_PERSON
    channel.refresh_from_db()
    assert channel.status == ChannelStatus.ERROR
    assert "LinkedIn API version (202510) is retired: update it" in channel.last_error
    delivery.refresh_from_db()
    assert "Rejected" not in delivery.last_error and "retired" in delivery.last_error
