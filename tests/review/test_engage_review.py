"""Regression tests for defects found in review of the engagements app, and checks of what held."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core import signing
from django.utils import timezone

from elshi.audit.models import AuditEvent
from elshi.engagements import actions
from elshi.engagements.invites import CANCEL_SALT, cancel_token
from elshi.engagements.models import Engagement, Registration
from tests.engage.conftest import make_engagement
from tests.queries import capture_queries, queries_of

pytestmark = pytest.mark.django_db


def _reg(engagement: Engagement, email: str, attendance: str = "in_person") -> Registration:
    return actions.do_register(
        engagement,
        {
            "name": email.split("@")[0],
            "email": email,
            "attendance": attendance,
            "language": "en",
            "consent_text": "I agree",
        },
        notify=False,
    )


def test_cancelling_twice_cancels_once(site: Any, missions: dict[str, Any]) -> None:
    """Two cancel requests for one registration (a double click, two tabs): one cancellation."""
    engagement = make_engagement(missions["berlin"], capacity=1)
    first = _reg(engagement, "first@example.org")
    waiting = _reg(engagement, "second@example.org")
    stale = Registration.objects.get(pk=first.pk)  # loaded by the second request before the first ran
    promoted = actions.do_cancel_registration(first)
    assert promoted is not None and promoted.pk == waiting.pk
    cancelled_at = Registration.objects.get(pk=first.pk).cancelled_at
    assert actions.do_cancel_registration(stale) is None
    assert AuditEvent.objects.filter(action="registration.cancel").count() == 1
    assert Registration.objects.get(pk=first.pk).cancelled_at == cancelled_at


def test_cancel_link_is_bound_to_its_registration_and_engagement(
    client: Any, site: Any, missions: dict[str, Any]
) -> None:
    one = make_engagement(missions["berlin"])
    other = make_engagement(missions["berlin"], titles={"en": "Other"})
    reg = _reg(one, "a@example.org")
    mine = _reg(other, "b@example.org")
    forged = signing.dumps({"r": mine.pk, "e": one.pk}, salt=CANCEL_SALT)  # someone else's pk, my engagement
    assert client.post(f"/m/berlin/en/cancel/{forged}/").status_code == 200
    assert Registration.objects.get(pk=mine.pk).status == "confirmed"
    unsigned = signing.dumps({"r": mine.pk, "e": other.pk}, salt="another-salt")
    assert client.post(f"/m/berlin/en/cancel/{unsigned}/").status_code == 404
    token = cancel_token(reg)
    assert client.get(f"/m/berlin/en/cancel/{token}/").status_code == 200  # GET only asks
    assert Registration.objects.get(pk=reg.pk).status == "confirmed"
    client.post(f"/m/berlin/en/cancel/{token}/")
    assert Registration.objects.get(pk=reg.pk).status == "cancelled"
    assert Registration.objects.get(pk=mine.pk).status == "confirmed"


def test_public_pages_show_no_personal_data_or_meeting_link(
    client: Any, site: Any, missions: dict[str, Any]
) -> None:
    from tests.engage.conftest import LINK

    engagement = make_engagement(missions["berlin"])
    _reg(engagement, "private.person@example.org", attendance="online")
    for url in [
        f"/m/berlin/en/engagements/{engagement.pk}/",
        "/m/berlin/en/",
        "/m/berlin/en/engagements/",
        "/m/berlin/en/feed.xml",
    ]:
        body = client.get(url).content.decode()
        assert "private.person" not in body and LINK not in body and "Secr3t" not in body, url


def test_static_export_does_not_offer_registration_for_a_past_engagement(
    site: Any, missions: dict[str, Any], tmp_path: Path
) -> None:
    from elshi.engagements.export import export_site

    past = make_engagement(missions["berlin"], days=-5)
    export_site(site, tmp_path, base_url="https://elshi.example")
    page = (tmp_path / "en" / "engagements" / str(past.pk) / "index.html").read_text("utf-8")
    assert "Register on the mission" not in page and "This engagement is over." in page


def test_site_news_loads_only_the_posts_it_shows(
    client: Any, site: Any, published: dict[str, Any], channels: dict[str, Any], people: dict[str, Any]
) -> None:
    """The public home page must not read every post the mission ever published."""
    from elshi.content import actions as content_actions
    from elshi.content.models import Post
    from elshi.engagements import site as sitedata
    from elshi.publishing.models import Delivery

    berlin = site.mission
    now = timezone.now()
    for n in range(8):
        post = content_actions.do_save_post(
            Post(mission=berlin, title=f"p{n}", scheduled_at=now - dt.timedelta(days=n + 2)),
            acting_user=people["author"],
            variants=[{"platform": "mastodon", "language": "en", "text": f"News number {n}"}],
            channels=[channels["mastodon"]],
        )
        Delivery.objects.create(
            post=post,
            channel=channels["mastodon"],
            state="published",
            due_at=now,
            published_at=now - dt.timedelta(days=n + 2),
        )
    with capture_queries() as queries:
        items = sitedata.news(berlin, "en", limit=5)
    # newest first: the fixture's post (published now), then News number 0..3
    assert [i.text for i in items] == [
        "Kazakhstan opens a trade house in Berlin.",
        *[f"News number {n}" for n in range(4)],
    ]
    post_query = next(sql for sql in queries.sql if 'FROM "content_post"' in sql)
    assert "LIMIT 5" in post_query


def test_purge_deletes_every_registration_of_the_engagement(site: Any, missions: dict[str, Any]) -> None:
    engagement = make_engagement(missions["berlin"], capacity=1)
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        _reg(engagement, email)
    actions.do_cancel_registration(Registration.objects.get(email="a@example.org"))
    assert actions.do_purge_expired(engagement.ends_at + dt.timedelta(days=31)) == 1
    assert not Registration.objects.filter(engagement=engagement).exists()
    for event in AuditEvent.objects.all():
        assert "@example.org" not in str(event.changes) + event.object_repr


def test_list_and_site_pages_do_not_query_per_row(
    client: Any, login: Any, site: Any, missions: dict[str, Any]
) -> None:
    make_engagement(missions["berlin"])
    author = login("author")
    one = (queries_of(author, "/engage/engagements/"), queries_of(client, "/m/berlin/en/engagements/"))
    for days in range(2, 7):
        make_engagement(missions["berlin"], days=days)
    many = (queries_of(author, "/engage/engagements/"), queries_of(client, "/m/berlin/en/engagements/"))
    assert many == one


def test_staff_pages_refuse_viewer_outsider_and_anonymous(
    client: Any, login: Any, missions: dict[str, Any]
) -> None:
    engagement = make_engagement(missions["berlin"])
    _reg(engagement, "someone@example.org")
    detail = f"/engage/engagements/{engagement.pk}/"
    urls = (detail, f"{detail}edit/", f"{detail}registrants.csv", "/engage/virtual-embassy/")
    for url in urls:
        assert client.get(url).status_code == 302, url  # to the login page (the client is anonymous)
    outsider = login("outsider")
    for url in urls[:3]:
        assert outsider.get(url).status_code == 403, url
    viewer = login("viewer")
    page = viewer.get(detail).content.decode()
    assert "someone@example.org" not in page and "Secr3t" not in page  # no personal data, no link
    assert viewer.get(f"{detail}registrants.csv").status_code == 403
    assert viewer.get(f"{detail}edit/").status_code == 403
    assert login("outsider").get("/engage/engagements/new/berlin/").status_code == 403
    assert login("outsider").get("/engage/virtual-embassy/berlin/preview/").status_code in (403, 404)


def test_news_links_are_web_links_only(
    client: Any, site: Any, published: dict[str, Any], channels: dict[str, Any]
) -> None:
    """A platform's answer is internet data: a javascript: link must not reach the public page."""
    from elshi.publishing.models import Delivery

    Delivery.objects.filter(post=published["published"]).update(
        remote_url="javascript:alert(document.domain)"
    )
    for url in ("/m/berlin/en/", "/m/berlin/en/news/", "/m/berlin/en/feed.xml"):
        body = client.get(url).content.decode()
        assert "javascript:" not in body, url
        assert "Kazakhstan opens a trade house in Berlin." in body, url


def test_a_title_with_a_line_break_still_sends_the_confirmation(
    site: Any, missions: dict[str, Any], smtp_inbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A title typed with a line break must not make the e-mail header invalid (a 500 for the visitor)."""
    engagement = make_engagement(missions["berlin"], titles={"en": "Forum\r\nside event"})
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_register(
            engagement,
            {
                "name": "A",
                "email": "a@example.org",
                "attendance": "in_person",
                "language": "en",
                "consent_text": "I agree",
            },
        )
    [message] = smtp_inbox.messages
    assert message["Subject"] == "Registration confirmed: Forum side event"
