"""Who may reach what: every page (URL name), classified (API operations: ``permission_matrix_api``).

``test_permission_matrix`` walks Django's resolver and the OpenAPI schema and fails on anything
missing here, so a new view that forgets its permission check fails CI until someone classifies it.

How to classify a new route: add ``"its_url_name": Route(need, ...)`` to ``PAGES`` (or
``"operation_id": Route(...)`` to ``permission_matrix_api.OPERATIONS``), where ``need`` is

- ``PUBLIC``: anyone, anonymous included (the virtual embassy, health, static helpers);
- ``AUTHENTICATED``: anyone logged in (their own account pages);
- ``MINISTRY``: a ministry administrator only (an admin at HQ or a superuser): every mission role,
  an embassy ``admin`` included, is refused;
- ``NOBODY``: no principal of the matrix (an object that belongs to another person: 403 or 404);
- a ``Perm``: judged against the README's role table. ``scope="mission"`` says that the route acts on
  the mission's own object (the outsider from another mission must get 403 or 404);
  ``scope="anywhere"`` says that the permission at any mission suffices (the outsider is judged by
  their own role at their mission, and must still not see the mission's objects on the page).

``refuses_on_page``, ``step_roles`` and ``settings`` say where a route differs from the rule.
``args`` builds the path arguments from the shared fixture world (``World`` in the test module).
``ok`` is the set of statuses that count as served; 404 is listed only where it is the documented
answer (a capability link with an unknown token).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal, TypeAlias

from elshi.missions.permissions import Perm

__all__ = ["ANY", "AUTHENTICATED", "MINISTRY", "NOBODY", "PAGES", "PUBLIC", "Need", "Route", "berlin", "pk"]

PUBLIC = "public"
AUTHENTICATED = "authenticated"
MINISTRY = "ministry"
NOBODY = "nobody"

Need: TypeAlias = Perm | Literal["public", "authenticated", "ministry", "nobody"]
Args = Callable[[Any], dict[str, Any]]


def _none(world: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Route:
    need: Need
    scope: Literal["mission", "anywhere"] = "mission"
    args: Args = _none
    method: Literal["GET", "POST", "PUT", "PATCH"] = "GET"
    data: Callable[[Any], Mapping[str, Any]] = field(default=lambda world: {})
    query: str = ""
    ok: frozenset[int] = frozenset({200})
    # The page refuses with a message on the object's page (302, nothing written) rather than 403,
    # so a served cell must show its write: at least one audit row.
    refuses_on_page: bool = False
    # Roles a clearance policy's step names: deciding needs the step as well as Perm.APPROVE
    # (README: "approving still needs a policy step"); empty means the permission alone decides.
    step_roles: frozenset[str] = frozenset()
    settings: Mapping[str, Any] = field(default_factory=dict)


OK_REDIRECT = frozenset({302})
APPROVER_STEP = frozenset({"approver"})  # the world's policy: one step, any approver of the mission
OK_PAGE_OR_REDIRECT = frozenset({200, 302})
ANY: Final = "anywhere"


def pk(name: str, kwarg: str = "pk") -> Args:
    return lambda world: {kwarg: getattr(world, name).pk}


def berlin(kwarg: str = "slug") -> Args:
    return lambda world: {kwarg: world.berlin.slug}


PAGES: dict[str, Route] = {
    # the shell
    "healthz": Route(PUBLIC, ok=frozenset({200, 503})),
    "home": Route(AUTHENTICATED),
    "login": Route(PUBLIC, ok=OK_PAGE_OR_REDIRECT),
    # Single sign-on: 404 where it is not configured (the matrix's settings), as the README says.
    "oidc_authentication_init": Route(PUBLIC, ok=frozenset({302, 404})),
    "oidc_authentication_callback": Route(PUBLIC, ok=frozenset({302, 404})),
    "logout": Route(PUBLIC, method="POST", ok=OK_PAGE_OR_REDIRECT),
    "set_language": Route(PUBLIC, method="POST", data=lambda w: {"language": "en"}, ok=OK_REDIRECT),
    "capability": Route(AUTHENTICATED, args=lambda w: {"key": w.capability_key}),
    # missions, people, account, audit
    "account": Route(AUTHENTICATED),
    "revoke_token": Route(NOBODY, args=pk("token"), method="POST"),
    "two_factor": Route(AUTHENTICATED),
    "switch_mission": Route(
        Perm.VIEW, method="POST", data=lambda w: {"mission": w.berlin.slug}, ok=OK_REDIRECT
    ),
    "security": Route(MINISTRY),
    "notifications": Route(AUTHENTICATED),
    "mission_list": Route(Perm.VIEW, ANY),
    "mission_create": Route(MINISTRY),
    "mission_detail": Route(Perm.VIEW, args=berlin()),
    "mission_edit": Route(Perm.MANAGE, args=berlin()),
    "mission_role": Route(Perm.MANAGE, args=berlin(), ok=OK_REDIRECT),
    "people": Route(Perm.MANAGE, ANY),
    # people (issue 18): invitations, a person's access, passwords
    "people_invite": Route(
        Perm.MANAGE,
        ANY,
        method="POST",
        data=lambda w: {
            "email": "matrix@example.org",
            "mission": w.berlin.slug,
            "role": "viewer",
            "language": "en",
        },
        ok=OK_REDIRECT,
    ),
    "invitation_resend": Route(Perm.MANAGE, args=pk("invitation"), method="POST", ok=OK_REDIRECT),
    "invitation_revoke": Route(Perm.MANAGE, args=pk("invitation"), method="POST", ok=OK_REDIRECT),
    "invitation_accept": Route(PUBLIC, args=lambda w: {"token": "not-a-token"}, ok=frozenset({404})),
    "person_detail": Route(Perm.MANAGE, args=pk("stranger")),
    **{
        name: Route(Perm.MANAGE, args=pk("stranger"), method="POST", ok=OK_REDIRECT)
        for name in ("person_deactivate", "person_reactivate", "person_unlock")
    },
    "password_change": Route(AUTHENTICATED),
    "password_change_done": Route(AUTHENTICATED),
    "password_reset": Route(PUBLIC),
    "password_reset_done": Route(PUBLIC),
    "password_reset_confirm": Route(PUBLIC, args=lambda w: {"uidb64": "MQ", "token": "not-a-token"}),
    "password_reset_complete": Route(PUBLIC),
    "audit": Route(Perm.AUDIT, ANY),
    "audit_verify": Route(MINISTRY, method="POST"),
    # content: curated at HQ, visible to every mission
    "narrative_list": Route(Perm.VIEW, ANY),
    "narrative_create": Route(Perm.CURATE, ANY),
    "narrative_detail": Route(Perm.VIEW, ANY, args=lambda w: {"key": w.narrative.key}),
    "narrative_edit": Route(Perm.CURATE, ANY, args=lambda w: {"ident": w.narrative.key}),
    "claim_list": Route(Perm.VIEW, ANY),
    "claim_create": Route(Perm.CURATE, ANY),
    "claim_detail": Route(Perm.VIEW, ANY, args=pk("claim")),
    "claim_edit": Route(Perm.CURATE, ANY, args=pk("claim", "ident")),
    "claim_verify": Route(Perm.CURATE, ANY, args=pk("claim"), method="POST", ok=OK_REDIRECT),
    "campaign_list": Route(Perm.VIEW, ANY),
    "campaign_create": Route(Perm.CURATE, ANY),
    "campaign_detail": Route(Perm.VIEW, args=pk("campaign")),
    "campaign_edit": Route(Perm.CURATE, ANY, args=pk("campaign", "ident")),
    # posts and the composer
    "post_list": Route(Perm.VIEW, ANY),
    "post_create": Route(Perm.COMPOSE, ANY),
    "post_validate": Route(Perm.COMPOSE, ANY, method="POST", data=lambda w: {"prefix": "v-0"}),
    "post_edit": Route(Perm.COMPOSE, args=pk("draft")),
    "post_cancel": Route(Perm.COMPOSE, args=pk("draft"), method="POST", ok=OK_REDIRECT),
    "post_detail": Route(Perm.VIEW, args=pk("draft")),
    "post_submit": Route(Perm.COMPOSE, args=pk("draft"), method="POST", ok=OK_REDIRECT),
    "post_decide": Route(
        Perm.APPROVE,
        args=pk("in_clearance"),
        method="POST",
        data=lambda w: {"verdict": "approve", "comment": "Fine."},
        ok=OK_REDIRECT,
        refuses_on_page=True,
        step_roles=APPROVER_STEP,
    ),
    "post_override": Route(
        Perm.APPROVE,
        args=pk("draft"),
        method="POST",
        data=lambda w: {"figure": "24", "reason": "Checked against the source."},
        ok=OK_REDIRECT,
        refuses_on_page=True,
    ),
    "post_reschedule": Route(
        Perm.COMPOSE,
        args=pk("draft"),
        method="POST",
        data=lambda w: {"when": w.later.isoformat()},
        ok=frozenset({200, 302, 400}),
    ),
    # studio
    "studio": Route(Perm.VIEW, ANY),
    "studio_editor": Route(Perm.COMPOSE, ANY),
    "studio_preview": Route(Perm.COMPOSE, ANY, ok=frozenset({200, 400})),
    "studio_photo": Route(Perm.COMPOSE, ANY, method="POST", ok=frozenset({200, 302, 400})),
    "studio_carousel": Route(Perm.COMPOSE, ANY, method="POST", ok=frozenset({200, 302, 400})),
    "studio_brand": Route(Perm.APPROVE, ANY),
    "studio_brand_edit": Route(Perm.APPROVE, args=berlin("scope")),
    "studio_storyboard": Route(Perm.COMPOSE, ANY),
    "studio_picker": Route(Perm.COMPOSE, ANY),
    "asset_alt_text": Route(
        Perm.COMPOSE,
        args=pk("asset"),
        method="POST",
        data=lambda w: {"alt_text": "A map of the new trade route."},
        ok=OK_PAGE_OR_REDIRECT,
    ),
    # POST only (a GET is refused to everyone); an empty form comes back as 400, shown again.
    "studio_card": Route(Perm.COMPOSE, ANY, method="POST", ok=frozenset({200, 302, 400})),
    "studio_video": Route(Perm.COMPOSE, ANY, method="POST", ok=frozenset({200, 302, 400})),
    "studio_image": Route(
        Perm.COMPOSE,
        ANY,
        method="POST",
        ok=frozenset({200, 302, 400}),
        settings={"ELSHI_IMAGE_BACKEND": "openai"},  # with none configured, everyone is refused
    ),
    "asset_detail": Route(Perm.VIEW, args=pk("asset")),
    "asset_waive_label": Route(
        Perm.APPROVE,
        args=pk("asset"),
        method="POST",
        data=lambda w: {"reason": "The caption already says it is generated."},
        ok=OK_REDIRECT,
    ),
    "media": Route(Perm.VIEW, args=lambda w: {"path": w.asset.file}),
    # clearance
    "clear_queue": Route(Perm.VIEW, ANY),
    "policies": Route(Perm.VIEW, ANY),
    "policy_create": Route(Perm.MANAGE, ANY),
    "policy_edit": Route(Perm.MANAGE, args=pk("policy")),
    # publishing
    "calendar": Route(Perm.VIEW, ANY),
    "channel_list": Route(Perm.VIEW, ANY),
    "channel_detail": Route(Perm.VIEW, args=pk("channel")),
    "channel_oauth_start": Route(Perm.PUBLISH, args=pk("channel"), method="POST", ok=OK_PAGE_OR_REDIRECT),
    "channel_oauth_callback": Route(AUTHENTICATED, ok=frozenset({200, 302, 400})),
    "channel_oauth_page": Route(Perm.PUBLISH, args=pk("channel"), ok=OK_PAGE_OR_REDIRECT),
    "calendar_link_create": Route(
        Perm.VIEW, method="POST", data=lambda w: {"target": f"mission:{w.berlin.slug}"}, ok=OK_REDIRECT
    ),
    "calendar_link_revoke": Route(NOBODY, args=pk("calendar_link"), method="POST"),
    "deliveries": Route(Perm.VIEW, ANY),
    "delivery_resolve": Route(
        Perm.PUBLISH,
        args=pk("delivery"),
        method="POST",
        data=lambda w: {"decision": "published", "url": "https://berlin.example/@kz/1"},
        ok=OK_REDIRECT,
        refuses_on_page=True,
    ),
    # a capability link: the token in the URL is the permission; an unknown one is not found for all
    "ics_feed": Route(PUBLIC, args=lambda w: {"token": "not-a-token"}, ok=frozenset({404})),
    # platforms fetch studio media with a signed link that expires: an unsigned one is refused for all
    "public_media": Route(
        PUBLIC, args=lambda w: {"token": "not-signed", "name": "card.jpg"}, ok=frozenset({403})
    ),
    # listening (ministry-wide data)
    "listen_dashboard": Route(Perm.LISTEN, ANY),
    "listen_explorer": Route(Perm.LISTEN, ANY),
    "listen_quarantine": Route(Perm.LISTEN, ANY),
    "listen_sources": Route(Perm.LISTEN, ANY),
    "listen_alerts": Route(Perm.LISTEN, ANY),
    "listen_alert": Route(Perm.LISTEN, ANY, args=pk("alert")),
    "listen_methodology": Route(Perm.LISTEN, ANY),
    "plotly_js": Route(PUBLIC),
    # measure
    "brief_list": Route(Perm.LISTEN, ANY),
    "brief_detail": Route(Perm.LISTEN, ANY, args=pk("brief")),
    "brief_file": Route(Perm.LISTEN, ANY, args=lambda w: {"pk": w.brief.pk, "kind": "html"}),
    "brief_subscription_add": Route(
        Perm.ANALYSE,
        ANY,
        method="POST",
        data=lambda w: {"name": "Weekly", "country": "KZ", "language": "en", "recipients": "a@example.org"},
        ok=OK_PAGE_OR_REDIRECT,
    ),
    "brief_subscription_delete": Route(NOBODY, args=pk("subscription"), method="POST"),
    "campaign_reports": Route(Perm.LISTEN, ANY),
    "campaign_report": Route(Perm.LISTEN, args=pk("campaign")),
    "scorecards": Route(Perm.LISTEN, ANY),
    # skills: everyone with a role reads and takes checks; who curates edits; who manages sees who needs help
    "skills": Route(Perm.VIEW, ANY),
    "skills_help": Route(Perm.MANAGE, ANY),
    "skills_chapter": Route(Perm.VIEW, ANY, args=lambda w: {"key": "crisis-lines"}),
    "skills_chapter_read": Route(
        Perm.VIEW, ANY, args=lambda w: {"key": "crisis-lines"}, method="POST", ok=OK_REDIRECT
    ),
    "skills_chapter_edit": Route(Perm.CURATE, ANY, args=lambda w: {"key": "crisis-lines", "language": "ru"}),
    # engage
    "engagement_list": Route(Perm.VIEW, ANY),
    "engagement_create": Route(Perm.COMPOSE, args=berlin()),
    "engagement_detail": Route(Perm.VIEW, args=pk("engagement")),
    "engagement_edit": Route(Perm.COMPOSE, args=pk("engagement")),
    "engagement_registrants": Route(Perm.COMPOSE, args=lambda w: {"pk": w.engagement.pk, "fmt": "csv"}),
    "registration_resend": Route(
        Perm.COMPOSE,
        args=lambda w: {"pk": w.engagement.pk, "registration_pk": w.registration.pk},
        method="POST",
        ok=OK_REDIRECT,
    ),
    "virtual_embassy": Route(Perm.COMPOSE, ANY),
    "site_preview": Route(Perm.COMPOSE, args=berlin()),
    # the public virtual embassy
    "site_root": Route(PUBLIC, args=berlin(), ok=OK_REDIRECT),
    "site_media": Route(
        PUBLIC, args=lambda w: {"slug": w.berlin.slug, "pk": w.asset.pk}, ok=frozenset({404})
    ),
    **{
        name: Route(PUBLIC, args=lambda w: {"slug": w.berlin.slug, "lang": "en"})
        for name in (
            "site_home",
            "site_news",
            "site_engagements",
            "site_numbers",
            "site_stories",
            "site_contacts",
            "site_feed",
        )
    },
    "site_engagement": Route(
        PUBLIC, args=lambda w: {"slug": w.berlin.slug, "lang": "en", "pk": w.engagement.pk}
    ),
    "site_cancel": Route(
        PUBLIC, args=lambda w: {"slug": w.berlin.slug, "lang": "en", "token": "forged"}, ok=frozenset({404})
    ),
    # the API's own pages (its operations are in OPERATIONS)
    "api:openapi-json": Route(PUBLIC),
    "api:openapi-view": Route(PUBLIC),
    "api:api-root": Route(PUBLIC, ok=frozenset({404})),
}
