"""The engagements JSON API: permissions per mission, the form's validation as 422, no leaked links."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.test import Client

from elshi.audit.models import AuditEvent
from elshi.engagements import actions
from elshi.engagements.models import Engagement
from elshi.missions.actions import do_create_token
from tests.queries import queries_of, query_count

from .conftest import LINK, make_engagement

pytestmark = [pytest.mark.django_db]


def api_for(people: dict[str, Any], name: str) -> Client:
    _token, plain = do_create_token(people[name], "t", acting_user=None)
    return Client(headers={"Authorization": f"Bearer {plain}"})


def register(engagement: Engagement, email: str = "aigerim@example.org") -> Any:
    return actions.do_register(
        engagement,
        {
            "name": "Aigerim",
            "email": email,
            "attendance": "online",
            "language": "en",
            "consent_text": "I agree",
        },
        notify=False,
    )


@pytest.fixture
def spread(missions: dict[str, Any]) -> dict[str, Engagement]:
    return {
        "berlin_public": make_engagement(missions["berlin"], days=5),
        "berlin_internal": make_engagement(
            missions["berlin"], days=40, kind="physical", visibility="internal", titles={"de": "Intern"}
        ),
        "washington": make_engagement(missions["washington"], days=5, titles={"en": "US event"}),
    }


def test_list_shows_only_viewable_missions_without_meeting_links(
    people: dict[str, Any], spread: dict[str, Engagement]
) -> None:
    viewer = api_for(people, "viewer")
    response = viewer.get("/api/v1/engagements")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and {i["mission"] for i in body["items"]} == {"berlin"}
    assert LINK not in response.content.decode() and "meeting_link" not in body["items"][0]
    admin = api_for(people, "admin").get("/api/v1/engagements").json()
    assert admin["count"] == 3  # a ministry admin sees every mission


def test_list_filters_and_paging(people: dict[str, Any], spread: dict[str, Engagement]) -> None:
    admin = api_for(people, "admin")

    def ids(**params: Any) -> list[int]:
        response = admin.get("/api/v1/engagements", params)
        assert response.status_code == 200, response.content
        return [i["id"] for i in response.json()["items"]]

    assert set(ids(mission="berlin")) == {spread["berlin_public"].pk, spread["berlin_internal"].pk}
    assert ids(kind="physical") == [spread["berlin_internal"].pk]
    assert ids(visibility="internal") == [spread["berlin_internal"].pk]
    soon = spread["berlin_public"].starts_at.date()
    assert spread["berlin_internal"].pk not in ids(to=(soon + dt.timedelta(days=2)).isoformat())
    assert ids(**{"from": (soon + dt.timedelta(days=20)).isoformat()}) == [spread["berlin_internal"].pk]
    first, second = ids(limit=1), ids(limit=1, offset=1)
    assert len(first) == len(second) == 1 and first != second
    page = admin.get("/api/v1/engagements", {"limit": 1}).json()
    assert page["count"] == 3 and page["limit"] == 1


def test_list_titles_follow_the_request_language(
    people: dict[str, Any], spread: dict[str, Engagement]
) -> None:
    admin = api_for(people, "admin")
    items = {i["id"]: i for i in admin.get("/api/v1/engagements", HTTP_ACCEPT_LANGUAGE="kk").json()["items"]}
    assert items[spread["berlin_public"].pk]["title"] == "Форумның қосымша іс-шарасы"
    assert items[spread["berlin_internal"].pk]["title"] == "Intern"  # only in German: any language


def test_list_refusals(people: dict[str, Any], spread: dict[str, Engagement]) -> None:
    assert Client().get("/api/v1/engagements").status_code == 401
    assert Client(headers={"Authorization": "Bearer nope"}).get("/api/v1/engagements").status_code == 401
    viewer = api_for(people, "viewer")
    assert viewer.get("/api/v1/engagements", {"mission": "washington"}).status_code == 403
    assert viewer.get("/api/v1/engagements", {"mission": "atlantis"}).status_code == 404
    for bad in (
        {"kind": "party"},
        {"visibility": "secret"},
        {"from": "2026-02-01", "to": "2026-01-01"},
        {"limit": 0},
        {"from": "not-a-date"},
    ):
        assert viewer.get("/api/v1/engagements", bad).status_code == 422, bad


def test_list_query_count_does_not_grow_with_rows(people: dict[str, Any], missions: dict[str, Any]) -> None:
    admin = api_for(people, "admin")
    admin.get("/api/v1/engagements")  # token's last-use stamp written once, outside the measure

    def count() -> int:
        return queries_of(admin, "/api/v1/engagements")

    make_engagement(missions["berlin"])
    one = count()
    for days in range(3, 8):
        make_engagement(missions["washington"], days=days)
    assert count() == one <= 5  # token + memberships + missions, the page, the count


def test_detail_link_only_for_editors(people: dict[str, Any], engagement: Engagement) -> None:
    register(engagement)
    url = f"/api/v1/engagements/{engagement.pk}"
    as_author = api_for(people, "author").get(url).json()
    assert as_author["meeting_link"] == LINK and as_author["registrations"]["confirmed"] == 1
    as_viewer = api_for(people, "viewer").get(url)
    assert as_viewer.status_code == 200 and LINK not in as_viewer.content.decode()
    assert as_viewer.json()["meeting_link"] is None and as_viewer.json()["registrations"] is None
    assert api_for(people, "outsider").get(url).status_code == 403
    assert api_for(people, "viewer").get("/api/v1/engagements/999999").status_code == 404
    assert Client().get(url).status_code == 401


def _payload(**over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "mission": "berlin",
        "kind": "hybrid",
        "visibility": "public",
        "titles": {"en": "Green energy talk", "de": "Gespräch"},
        "descriptions": {"en": "An hour on wind."},
        "venue": "Embassy",
        "starts_at": "2027-05-04T18:00",
        "ends_at": "2027-05-04T20:00",
        "capacity": 40,
        "meeting_link": LINK,
    }
    data.update(over)
    return data


def post_json(client: Client, url: str, data: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def test_create_then_update(people: dict[str, Any], missions: dict[str, Any]) -> None:
    author = api_for(people, "author")
    response = post_json(author, "/api/v1/engagements", _payload())
    assert response.status_code == 201, response.content
    created = response.json()
    engagement = Engagement.objects.get(pk=created["id"])
    # A time without an offset is the mission's local time (Berlin, summer: UTC+2).
    assert engagement.starts_at == dt.datetime(2027, 5, 4, 16, tzinfo=dt.UTC)
    assert engagement.meeting_link == LINK and engagement.meeting_provider == "zoom"
    assert engagement.titles == {"en": "Green energy talk", "de": "Gespräch"}
    assert AuditEvent.objects.filter(action="engagement.create", object_id=str(engagement.pk)).exists()
    patched = post_json(
        author,
        f"/api/v1/engagements/{engagement.pk}",
        {"capacity": None, "starts_at": "2027-05-04T17:30:00+00:00", "ends_at": "2027-05-04T19:00:00Z"},
        method="patch",
    )
    assert patched.status_code == 200, patched.content
    engagement.refresh_from_db()
    assert engagement.capacity is None
    assert engagement.starts_at == dt.datetime(2027, 5, 4, 17, 30, tzinfo=dt.UTC)
    assert engagement.titles["de"] == "Gespräch" and engagement.meeting_link == LINK  # untouched fields stay
    assert AuditEvent.objects.filter(action="engagement.update", object_id=str(engagement.pk)).exists()


def test_create_and_update_refusals(people: dict[str, Any], engagement: Engagement) -> None:
    assert post_json(Client(), "/api/v1/engagements", _payload()).status_code == 401
    assert post_json(api_for(people, "viewer"), "/api/v1/engagements", _payload()).status_code == 403
    assert post_json(api_for(people, "outsider"), "/api/v1/engagements", _payload()).status_code == 403
    author = api_for(people, "author")
    assert post_json(author, "/api/v1/engagements", _payload(mission="atlantis")).status_code == 404
    url = f"/api/v1/engagements/{engagement.pk}"
    assert post_json(api_for(people, "outsider"), url, {"venue": "x"}, "patch").status_code == 403
    assert post_json(api_for(people, "viewer"), url, {"venue": "x"}, "patch").status_code == 403
    assert post_json(author, "/api/v1/engagements/999999", {"venue": "x"}, "patch").status_code == 404
    assert Engagement.objects.count() == 1


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"ends_at": "2027-05-04T17:00"}, "ends_at"),
        ({"meeting_link": ""}, "meeting_link"),
        ({"meeting_link": "http://evil.example/zoom"}, "meeting_link"),
        ({"venue": "", "address": ""}, "venue"),
        ({"titles": {}}, "titles.kk"),
        ({"titles": {"en": "x", "zz": "y"}}, "titles"),
        ({"kind": "party"}, "kind"),
        ({"narratives": ["no-such"]}, "narratives"),
        ({"capacity": -1}, "capacity"),
    ],
)
def test_create_422_names_the_field(
    people: dict[str, Any], missions: dict[str, Any], over: Any, field: str
) -> None:
    response = post_json(api_for(people, "author"), "/api/v1/engagements", _payload(**over))
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["errors"] and body["errors"][field][0], body
    assert not Engagement.objects.exists()


def test_update_422_keeps_the_engagement(people: dict[str, Any], engagement: Engagement) -> None:
    before = engagement.ends_at
    response = post_json(
        api_for(people, "author"),
        f"/api/v1/engagements/{engagement.pk}",
        {"ends_at": (engagement.starts_at - dt.timedelta(hours=1)).isoformat()},
        method="patch",
    )
    assert response.status_code == 422 and "ends_at" in response.json()["errors"]
    engagement.refresh_from_db()
    assert engagement.ends_at == before


def test_registrants_and_export_for_editors_only(people: dict[str, Any], engagement: Engagement) -> None:
    register(engagement, "=cmd@example.org")
    url = f"/api/v1/engagements/{engagement.pk}/registrants"
    author = api_for(people, "author")
    [row] = author.get(url).json()
    assert row["email"] == "=cmd@example.org" and row["status"] == "confirmed"
    exported = author.get(url + ".csv")
    assert exported.status_code == 200 and exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[1][1] == "'=cmd@example.org"  # a formula-looking cell is defused
    assert author.get(url + ".xlsx").status_code == 200
    assert author.get(url + ".pdf").status_code == 422
    exports = AuditEvent.objects.filter(action="registration.export", object_id=str(engagement.pk))
    assert exports.count() == 3 and "cmd@" not in json.dumps(list(exports.values_list("changes", flat=True)))
    for name in ("viewer", "analyst", "outsider"):
        client = api_for(people, name)
        assert client.get(url).status_code == 403, name
        assert client.get(url + ".csv").status_code == 403, name
    assert Client().get(url).status_code == 401
    assert author.get("/api/v1/engagements/999999/registrants").status_code == 404


def test_detail_query_count(people: dict[str, Any], engagement: Engagement) -> None:
    for i in range(4):
        register(engagement, f"p{i}@example.org")
    author = api_for(people, "author")
    author.get(f"/api/v1/engagements/{engagement.pk}")
    # token, memberships, engagement, narratives, registration states
    with query_count(5, at_most=True):
        assert author.get(f"/api/v1/engagements/{engagement.pk}").status_code == 200


def test_openapi_schema_documents_every_endpoint(people: dict[str, Any]) -> None:
    from elshi.web.api import api

    paths = api.get_openapi_schema()["paths"]
    ends = {p.rsplit("/engagements", 1)[-1]: set(ops) for p, ops in paths.items() if "/engagements" in p}
    assert ends == {
        "": {"get", "post"},
        "/{engagement_id}": {"get", "patch"},
        "/{engagement_id}/registrants": {"get"},
        "/{engagement_id}/registrants.{fmt}": {"get"},
    }
