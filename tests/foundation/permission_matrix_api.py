"""The API's operations (by OpenAPI operation id), classified as ``permission_matrix.PAGES`` are.

Add a new operation here: ``"its_operation_id": Route(need, ...)``; see ``permission_matrix``.
"""

from __future__ import annotations

from elshi.missions.permissions import Perm
from tests.foundation.permission_matrix import ANY, APPROVER_STEP, AUTHENTICATED, MINISTRY, Route, berlin, pk

__all__ = ["OPERATIONS"]

# An allowed write may still be turned down on its merits (a conflict, an invalid field): that is
# not a refusal. Payloads are valid for the schema, so ninja's own 422 never hides a missing check.
API_WRITE_OK = frozenset({200, 201, 202, 204, 400, 409, 422})
COMMENT = {"comment": "Say it with the newer figure."}

OPERATIONS: dict[str, Route] = {
    "elshi_missions_api_me": Route(AUTHENTICATED),
    "elshi_missions_api_mission_list": Route(Perm.VIEW, ANY),
    "elshi_missions_api_mission_detail": Route(Perm.VIEW, args=berlin()),
    "elshi_missions_api_mission_people": Route(Perm.MANAGE, args=berlin()),
    "elshi_missions_api_mission_set_role": Route(
        Perm.MANAGE,
        args=lambda w: {"slug": w.berlin.slug, "username": w.writer.username},
        method="PUT",
        data=lambda w: {"role": "viewer"},
        ok=API_WRITE_OK,
    ),
    "elshi_missions_api_people_list": Route(Perm.MANAGE, ANY),
    "elshi_missions_api_people_invite": Route(
        Perm.MANAGE,
        method="POST",
        data=lambda w: {"email": "api@example.org", "mission": w.berlin.slug, "role": "viewer"},
        ok=API_WRITE_OK,
    ),
    **{
        f"elshi_missions_api_person_{verb}": Route(
            Perm.MANAGE,
            args=lambda w: {"username": w.stranger.username},
            method="POST",
            ok=API_WRITE_OK,
        )
        for verb in ("deactivate", "reactivate")
    },
    "elshi_content_api_create_post": Route(
        Perm.COMPOSE,
        method="POST",
        data=lambda w: {
            "mission": w.berlin.slug,
            "title": "From the API",
            "variants": [{"platform": "mastodon", "language": "en", "text": "Hello."}],
        },
        ok=API_WRITE_OK,
    ),
    "elshi_clearance_api_get_post": Route(Perm.VIEW, args=pk("draft", "post_id")),
    "elshi_clearance_api_submit_post": Route(
        Perm.COMPOSE, args=pk("draft", "post_id"), method="POST", ok=API_WRITE_OK
    ),
    **{
        f"elshi_clearance_api_{verdict}": Route(
            Perm.APPROVE,
            args=pk("in_clearance", "post_id"),
            method="POST",
            data=lambda w: COMMENT,
            ok=API_WRITE_OK,
            step_roles=APPROVER_STEP,
        )
        for verdict in ("approve", "request_changes", "reject")
    },
    "elshi_clearance_api_reschedule_post": Route(
        Perm.COMPOSE,
        args=pk("draft", "post_id"),
        method="POST",
        data=lambda w: {"scheduled_at": w.later.isoformat()},
        ok=API_WRITE_OK,
    ),
    "elshi_missions_audit_api_events": Route(Perm.AUDIT, ANY),
    "elshi_missions_audit_api_verify": Route(MINISTRY, method="POST"),
    "elshi_monitoring_api_index": Route(Perm.LISTEN, ANY, query="country=KZ"),
    "elshi_monitoring_api_mentions": Route(Perm.LISTEN, ANY),
    "elshi_monitoring_api_summary": Route(Perm.LISTEN, ANY),
    "elshi_monitoring_api_sources_list_sources": Route(Perm.LISTEN, ANY),
    "elshi_monitoring_api_sources_get_source": Route(Perm.LISTEN, ANY, args=pk("source", "source_id")),
    "elshi_monitoring_api_sources_create_source": Route(
        Perm.ANALYSE,
        ANY,
        method="POST",
        data=lambda w: {"name": "Another feed", "kind": "feed", "url": "https://news.example.org/feed"},
        ok=API_WRITE_OK,
    ),
    "elshi_monitoring_api_sources_update_source": Route(
        Perm.ANALYSE,
        ANY,
        args=pk("source", "source_id"),
        method="PATCH",
        data=lambda w: {"name": "Renamed feed"},
        ok=API_WRITE_OK,
    ),
    **{
        f"elshi_monitoring_api_sources_{verb}_source": Route(
            Perm.ANALYSE, ANY, args=pk("source", "source_id"), method="POST", ok=API_WRITE_OK
        )
        for verb in ("pause", "resume", "poll")
    },
    "elshi_reports_api_brief": Route(Perm.LISTEN, ANY, query="country=KZ&from=2026-01-01&to=2026-01-31"),
    "elshi_engagements_api_list_engagements": Route(Perm.VIEW, ANY),
    "elshi_engagements_api_create_engagement": Route(
        Perm.COMPOSE,
        method="POST",
        data=lambda w: {
            "mission": w.berlin.slug,
            "titles": {"en": "Reception"},
            "starts_at": w.later.isoformat(),
            "ends_at": (w.later + w.hour).isoformat(),
        },
        ok=API_WRITE_OK,
    ),
    "elshi_engagements_api_get_engagement": Route(Perm.VIEW, args=pk("engagement", "engagement_id")),
    "elshi_engagements_api_update_engagement": Route(
        Perm.COMPOSE,
        args=pk("engagement", "engagement_id"),
        method="PATCH",
        data=lambda w: {"venue": "The residence"},
        ok=API_WRITE_OK,
    ),
    "elshi_engagements_api_list_registrants": Route(Perm.COMPOSE, args=pk("engagement", "engagement_id")),
    "elshi_engagements_api_export_registrants": Route(
        Perm.COMPOSE, args=lambda w: {"engagement_id": w.engagement.pk, "fmt": "csv"}
    ),
}
