"""Engagements: the model's rules, the staff views with their refusals, and the post plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from elshi.audit.models import AuditEvent
from elshi.content.models import Post
from elshi.engagements.links import validate_meeting_link
from elshi.engagements.models import Engagement

from .conftest import LINK

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "https://zoom.us/j/1",
        "https://us02web.zoom.us/j/1?pwd=x",
        "https://teams.microsoft.com/l/meetup-join/abc",
        "https://teams.live.com/meet/123",
        "https://meet.jit.si/KazakhstanForum",
        "https://mfa.webex.com/meet/ambassador",
    ],
)
def test_known_providers_are_accepted(url: str) -> None:
    assert validate_meeting_link(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://zoom.us/j/1",
        "https://zoom.us.evil.example/j/1",
        "https://evilzoom.us/j/1",
        "https://webex.com.evil.example/x",
        "javascript:alert(1)",
        "https://user:pw@zoom.us/j/1",
    ],
)
def test_other_links_are_refused(url: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_meeting_link(url)


def test_configured_jitsi_host(settings: Any) -> None:
    settings.ELSHI_JITSI_HOSTS = "jitsi.mfa.kz"
    assert validate_meeting_link("https://jitsi.mfa.kz/room") == "jitsi"


def _form(**over: str) -> dict[str, str]:
    data = {
        "kind": "hybrid",
        "visibility": "public",
        "venue": "Embassy",
        "address": "Nordsternstraße 3, 10825 Berlin",
        "starts_at": "2030-06-10T18:00",
        "ends_at": "2030-06-10T20:00",
        "capacity": "50",
        "retention_days": "30",
        "meeting_link": LINK,
        "title_en": "Green energy <script>alert(1)</script>",
        "title_de": "Grüne Energie",
    }
    data.update(over)
    return data


def test_create_stores_utc_encrypts_link_and_audits(login: Any, missions: dict[str, Any]) -> None:
    client = login("author")
    response = client.post("/engage/engagements/new/berlin/", _form())
    assert response.status_code == 302, response.content.decode()[:2000]
    engagement = Engagement.objects.get()
    # 18:00 in Berlin in June (CEST, UTC+2) is 16:00 UTC.
    assert engagement.starts_at == dt.datetime(2030, 6, 10, 16, 0, tzinfo=dt.UTC)
    assert engagement.meeting_link == LINK
    assert "Secr3t" not in engagement.meeting_link_encrypted
    assert engagement.meeting_provider == "zoom"
    assert (
        engagement.map_url
        == "https://www.openstreetmap.org/search?query=Nordsternstra%C3%9Fe%203%2C%2010825%20Berlin"
    )
    event = AuditEvent.objects.get(action="engagement.create")
    assert "Secr3t" not in str(event.changes)
    page = client.get(f"/engage/engagements/{engagement.pk}/").content.decode()
    assert "2030-06-10 18:00" in page and "&lt;script&gt;" in page and "<script>alert" not in page
    assert "Secr3t" in page  # editors see the link


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"meeting_link": "https://example.com/meet"}, "meeting_link", "not a known meeting provider"),
        ({"ends_at": "2030-06-10T17:00"}, "ends_at", "The end must be after the start."),
        ({"meeting_link": ""}, "meeting_link", "needs its meeting link"),
        ({"title_en": "", "title_de": ""}, "title_kk", "at least one language"),
    ],
)
def test_bad_input_shows_a_clear_error_and_keeps_what_was_typed(
    login: Any, missions: dict[str, Any], over: dict[str, str], field: str, message: str
) -> None:
    response = login("author").post("/engage/engagements/new/berlin/", _form(**over))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="Embassy"' in response.content.decode()
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "analyst", "outsider"])
def test_only_the_missions_editors_write(login: Any, engagement: Engagement, who: str) -> None:
    client = login(who)
    assert client.get("/engage/engagements/new/berlin/").status_code == 403
    assert client.post(f"/engage/engagements/{engagement.pk}/edit/", _form()).status_code == 403
    engagement.refresh_from_db()
    assert engagement.titles["en"] == "Forum side event"


def test_anonymous_is_sent_to_log_in(client: Any, engagement: Engagement) -> None:
    for url in ["/engage/engagements/", f"/engage/engagements/{engagement.pk}/", "/engage/virtual-embassy/"]:
        assert client.get(url).status_code == 302


def test_viewer_reads_but_does_not_see_personal_data(login: Any, engagement: Engagement) -> None:
    from elshi.engagements import actions

    actions.do_register(
        engagement,
        {
            "name": "Aigerim Visitor",
            "email": "aigerim@example.org",
            "attendance": "online",
            "language": "kk",
            "consent_text": "ok",
        },
    )
    page = login("viewer").get(f"/engage/engagements/{engagement.pk}/").content.decode()
    assert "Forum side event" in page and "aigerim@example.org" not in page and "Secr3t" not in page
    assert login("viewer").get(f"/engage/engagements/{engagement.pk}/registrants.csv").status_code == 403
    assert login("outsider").get(f"/engage/engagements/{engagement.pk}/").status_code == 403
    assert "Forum side event" not in login("outsider").get("/engage/engagements/").content.decode()
    for who in ("author", "approver"):
        assert (
            "aigerim@example.org" in login(who).get(f"/engage/engagements/{engagement.pk}/").content.decode()
        )


def test_export_csv_and_xlsx(login: Any, engagement: Engagement) -> None:
    import io

    from openpyxl import load_workbook

    from elshi.engagements import actions

    actions.do_register(
        engagement,
        {
            "name": "=HYPERLINK(1)",
            "email": "a@example.org",
            "attendance": "in_person",
            "language": "en",
            "consent_text": "ok",
        },
    )
    client = login("approver")
    csv_text = client.get(f"/engage/engagements/{engagement.pk}/registrants.csv").content.decode()
    assert csv_text.splitlines()[0].startswith("name,email") and "'=HYPERLINK(1)" in csv_text
    xlsx = client.get(f"/engage/engagements/{engagement.pk}/registrants.xlsx").content
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert sheet is not None and sheet.cell(2, 2).value == "a@example.org"
    assert AuditEvent.objects.filter(action="registration.export").count() == 2


def test_post_plan_drafts_posts_in_the_workflow(login: Any, missions: dict[str, Any], channels: Any) -> None:
    client = login("author")
    start = (timezone.now() + dt.timedelta(days=10)).astimezone(missions["berlin"].zone)
    response = client.post(
        "/engage/engagements/new/berlin/",
        _form(
            starts_at=start.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            plan_posts="on",
            plan_channels=[str(channels["mastodon"].pk), str(channels["telegram"].pk)],  # type: ignore[dict-item]
        ),
    )
    assert response.status_code == 302
    engagement = Engagement.objects.get()
    posts = Post.objects.filter(engagement_plan__engagement=engagement).order_by("scheduled_at")
    assert [p.engagement_plan.slot for p in posts] == ["announcement", "reminder", "live", "recap"]
    assert {p.state for p in posts} == {"draft"}
    assert posts[0].scheduled_at == engagement.starts_at - dt.timedelta(days=7)
    assert posts[3].scheduled_at == engagement.ends_at + dt.timedelta(hours=2)
    variants = {(v.platform, v.language) for v in posts[0].variants.all()}
    assert variants == {("mastodon", "en"), ("mastodon", "de"), ("telegram", "en"), ("telegram", "de")}
    assert set(posts[0].channels.all()) == {channels["mastodon"], channels["telegram"]}
    assert AuditEvent.objects.filter(action="post.create").count() == 4
    page = client.get(f"/engage/engagements/{engagement.pk}/").content.decode()
    assert page.count("state-draft") == 4


def test_post_plan_refuses_another_missions_channel(
    login: Any, missions: dict[str, Any], channels: Any
) -> None:
    response = login("author").post(
        "/engage/engagements/new/berlin/",
        _form(plan_posts="on", plan_channels=[str(channels["x_us"].pk)]),  # type: ignore[dict-item]
    )
    assert response.status_code == 200
    assert "plan_channels" in response.context["form"].errors


def test_hq_approver_reads_other_missions_without_personal_data(
    client: Any, missions: dict[str, Any], engagement: Engagement
) -> None:
    from elshi.engagements import actions
    from elshi.missions import actions as mission_actions

    hq_approver, _created = mission_actions.do_create_user(
        "hq_approver", password="x-Pass-12345", acting_user=None
    )
    mission_actions.do_set_role(hq_approver, missions["astana-hq"], "approver", acting_user=None)
    actions.do_register(
        engagement,
        {
            "name": "B",
            "email": "b@example.org",
            "attendance": "online",
            "language": "en",
            "consent_text": "ok",
        },
        notify=False,
    )
    client.force_login(hq_approver)
    page = client.get(f"/engage/engagements/{engagement.pk}/").content.decode()
    assert "Forum side event" in page and "b@example.org" not in page
    assert client.get(f"/engage/engagements/{engagement.pk}/registrants.xlsx").status_code == 403


def test_empty_list_says_what_will_appear(login: Any) -> None:
    page = login("author").get("/engage/engagements/").content.decode()
    assert "No engagements yet" in page and "/engage/engagements/new/berlin/" in page
    assert "/engage/engagements/new/" not in login("viewer").get("/engage/engagements/").content.decode()
