"""The sources API: read with Perm.LISTEN, configure with Perm.ANALYSE; 401, 403, 404 and 422 answered."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from elshi.monitoring.models import QuarantinedItem, Source


def _api(user: Any) -> Client:
    from elshi.missions import actions

    _token, plain = actions.do_create_token(user, "t", acting_user=None)
    return Client(headers={"Authorization": f"Bearer {plain}"})


@pytest.fixture
def analyst(people: dict[str, Any]) -> Client:
    return _api(people["analyst"])


def test_create_read_update_pause_resume_and_poll(analyst: Client, people: dict[str, Any]) -> None:
    from elshi.audit.models import AuditEvent

    created = analyst.post(
        "/api/v1/sources",
        {
            "name": "Steppe sitemap",
            "kind": "sitemap",
            "url": "https://steppe.example/sitemap-news.xml",
            "every_minutes": 20,
            "options": {"max_articles": 5},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kind"], body["every_minutes"], body["options"], body["enabled"]) == (
        "sitemap",
        20,
        {"max_articles": 5},
        True,
    )
    sid = body["id"]
    QuarantinedItem.objects.create(source_id=f"source:{sid}", reason="bad item", raw="<x>")
    listed = analyst.get("/api/v1/sources").json()
    assert [(s["id"], s["quarantined"], s["consecutive_failures"]) for s in listed] == [(sid, 1, 0)]
    patched = analyst.patch(
        f"/api/v1/sources/{sid}", {"every_minutes": 60, "name": "Steppe"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["every_minutes"] == 60
    assert patched.json()["options"] == {"max_articles": 5}  # kept when not given
    assert analyst.post(f"/api/v1/sources/{sid}/pause").json()["enabled"] is False
    assert Source.objects.get(pk=sid).enabled is False
    assert analyst.post(f"/api/v1/sources/{sid}/resume").json()["enabled"] is True
    polled = analyst.post(f"/api/v1/sources/{sid}/poll")  # queued after commit (not run here)
    assert polled.status_code == 202
    got = analyst.get(f"/api/v1/sources/{sid}").json()
    assert got["name"] == "Steppe" and got["last_error"] == "" and got["import_status"] is None
    actions = list(
        AuditEvent.objects.filter(object_type="monitoring.source", object_id=str(sid))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["source.create", "source.update", "source.pause", "source.resume", "source.poll"]


def test_gdelt_source_through_the_api(analyst: Client) -> None:
    created = analyst.post(
        "/api/v1/sources",
        {
            "name": "GDELT",
            "kind": "gdelt",
            "url": "http://data.gdeltproject.org/gdeltv2/",
            "every_minutes": 15,
            "enabled": False,
            "options": {"streams": ["export", "gkg"], "countries": ["kz", "UZ"]},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["options"] == {"streams": ["gkg", "export"], "countries": ["KZ", "UZ"]}
    assert body["enabled"] is False and Source.objects.get().kind == "gdelt"


def test_validation_errors_are_422_with_the_field(analyst: Client) -> None:
    def post(data: dict[str, Any]) -> Any:
        return analyst.post("/api/v1/sources", data, content_type="application/json")

    missing_url = post({"name": "F", "kind": "feed"})
    assert missing_url.status_code == 422 and "url" in missing_url.json()["errors"]
    too_often = post({"name": "F", "kind": "feed", "url": "https://f.example/rss", "every_minutes": 0})
    assert too_often.status_code == 422 and "every_minutes" in too_often.json()["errors"]
    too_rare = post({"name": "F", "kind": "feed", "url": "https://f.example/rss", "every_minutes": 20000})
    assert too_rare.status_code == 422
    gdelt = post(
        {
            "name": "G",
            "kind": "gdelt",
            "url": "http://data.gdeltproject.org/gdeltv2/",
            "every_minutes": 5,
            "options": {"streams": ["gkg"], "countries": ["KZ", "Kazakhstan"]},
        }
    )
    errors = gdelt.json()["errors"]
    assert gdelt.status_code == 422 and "every_minutes" in errors and "countries" in errors
    assert post({"name": "U", "kind": "upload"}).status_code == 422
    assert post({"name": "X", "kind": "telepathy", "url": "https://x.example"}).status_code == 422
    assert not Source.objects.exists()
    source = Source.objects.create(name="F", url="https://f.example/rss")
    bad_patch = analyst.patch(
        f"/api/v1/sources/{source.pk}", {"url": "not a url"}, content_type="application/json"
    )
    assert bad_patch.status_code == 422 and Source.objects.get().url == "https://f.example/rss"


def test_refusals_401_403_404(db: Any, people: dict[str, Any], analyst: Client) -> None:
    source = Source.objects.create(name="F", url="https://f.example/rss")
    feed = {"name": "F2", "kind": "feed", "url": "https://f.example/rss2"}
    anonymous = Client()
    assert anonymous.get("/api/v1/sources").status_code == 401
    assert anonymous.post("/api/v1/sources", feed, content_type="application/json").status_code == 401
    viewer = _api(people["viewer"])  # no listening at all
    assert viewer.get("/api/v1/sources").status_code == 403
    assert viewer.get(f"/api/v1/sources/{source.pk}").status_code == 403
    author = _api(people["author"])  # listens, does not configure
    assert author.get(f"/api/v1/sources/{source.pk}").status_code == 200
    assert author.post("/api/v1/sources", feed, content_type="application/json").status_code == 403
    assert author.post(f"/api/v1/sources/{source.pk}/pause").status_code == 403
    assert author.post(f"/api/v1/sources/{source.pk}/poll").status_code == 403
    patch = author.patch(f"/api/v1/sources/{source.pk}", {"name": "x"}, content_type="application/json")
    assert patch.status_code == 403 and Source.objects.get().enabled and Source.objects.get().name == "F"
    assert analyst.get("/api/v1/sources/999999").status_code == 404
    assert analyst.post("/api/v1/sources/999999/poll").status_code == 404
    assert (
        analyst.patch("/api/v1/sources/999999", {"name": "x"}, content_type="application/json").status_code
        == 404
    )


def test_list_query_count_does_not_grow(analyst: Client, django_assert_max_num_queries: Any) -> None:
    for n in range(5):
        Source.objects.create(name=f"S{n}", url=f"https://s{n}.example/feed")
    analyst.get("/api/v1/sources")
    with django_assert_max_num_queries(6):
        assert len(analyst.get("/api/v1/sources").json()) == 5
