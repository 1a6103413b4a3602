from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import Router, Schema
from ninja.errors import HttpError

from elshi.missions import actions, invitations, people
from elshi.missions.models import Mission, Role
from elshi.missions.permissions import Perm, is_ministry_admin, missions_with, require, roles_of

router = Router(tags=["missions"])


class RoleOut(Schema):
    mission: str
    role: str


class MeOut(Schema):
    username: str
    ministry_admin: bool
    roles: list[RoleOut]


class MissionOut(Schema):
    slug: str
    name: str
    kind: str
    host_country: str
    city: str
    timezone: str
    languages: list[str]
    is_active: bool


class MemberOut(Schema):
    username: str
    role: str
    since: datetime


class RoleIn(Schema):
    role: Role | None


@router.get("/me", response=MeOut, summary="The authenticated person and their roles")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    return {
        "username": user.get_username(),
        "ministry_admin": is_ministry_admin(user),
        "roles": [{"mission": m.mission.slug, "role": m.role} for m in roles_of(user)],
    }


@router.get("/missions", response=list[MissionOut], summary="Missions you can see")
def mission_list(request: HttpRequest) -> list[Mission]:
    return list(missions_with(request.user, Perm.VIEW).order_by("name"))


@router.get("/missions/{slug}", response=MissionOut)
def mission_detail(request: HttpRequest, slug: str) -> Mission:
    mission = get_object_or_404(Mission, slug=slug)
    require(request.user, Perm.VIEW, mission)
    return mission


@router.get(
    "/missions/{slug}/people", response=list[MemberOut], summary="People and their roles at a mission"
)
def mission_people(request: HttpRequest, slug: str) -> list[dict[str, object]]:
    mission = get_object_or_404(Mission, slug=slug)
    require(request.user, Perm.MANAGE, mission)
    return [
        {"username": m.user.get_username(), "role": m.role, "since": m.created_at}
        for m in mission.memberships.select_related("user").order_by("user__username")
    ]


@router.put("/missions/{slug}/people/{username}", response={200: MemberOut, 204: None})
def mission_set_role(request: HttpRequest, slug: str, username: str, payload: RoleIn) -> tuple[int, object]:
    mission = get_object_or_404(Mission, slug=slug)
    require(request.user, Perm.MANAGE, mission)
    user = get_object_or_404(get_user_model(), username=username)
    try:
        if payload.role:
            actions.check_set_role(request.user, mission, payload.role)
        membership = actions.do_set_role(user, mission, payload.role, acting_user=request.user)
    except ValidationError as exc:
        raise HttpError(400, exc.messages[0]) from exc
    if membership is None:
        return 204, None
    return 200, {"username": username, "role": membership.role, "since": membership.created_at}


class PersonOut(Schema):
    username: str
    email: str
    is_active: bool
    last_login: datetime | None
    two_factor: bool
    roles: list[RoleOut]


class InvitationIn(Schema):
    email: str
    mission: str
    role: Role
    language: str = "en"


class InvitationOut(Schema):
    id: int
    email: str
    mission: str
    role: str
    expires_at: datetime


def _person_out(user: Any) -> dict[str, object]:
    return {
        "username": user.get_username(),
        "email": user.email,
        "is_active": user.is_active,
        "last_login": user.last_login,
        "two_factor": user.has_2fa,
        "roles": [{"mission": m.mission.slug, "role": m.role} for m in user.memberships.all()],
    }


def _annotated(users: Any) -> Any:
    return users.annotate(
        has_2fa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    ).prefetch_related("memberships__mission")


@router.get("/people", response=list[PersonOut], summary="People you administer, with roles and 2FA")
def people_list(request: HttpRequest, mission: str = "", role: str = "") -> list[dict[str, object]]:
    if not missions_with(request.user, Perm.MANAGE).exists():
        raise HttpError(403, _("You administer no mission."))
    users = people.people_for(request.user)
    if mission:
        users = users.filter(memberships__mission__slug=mission)
    if role:
        users = users.filter(memberships__role=role)
    return [_person_out(u) for u in _annotated(users.distinct()).order_by("username")]


@router.post("/people/invitations", response={201: InvitationOut}, summary="Invite by e-mail with a role")
def people_invite(request: HttpRequest, payload: InvitationIn) -> tuple[int, dict[str, object]]:
    where = get_object_or_404(Mission, slug=payload.mission)
    require(request.user, Perm.MANAGE, where)
    if payload.language not in dict(settings.LANGUAGES):
        raise HttpError(400, _("Unknown language %(code)s.") % {"code": payload.language})
    try:
        invitations.check_invite(request.user, payload.email, where, payload.role)
        invitation, _plain = invitations.do_invite(
            payload.email,
            where,
            payload.role,
            language=payload.language,
            base=settings.ELSHI_SITE_URL or request.build_absolute_uri("/"),
            acting_user=request.user,
        )
    except ValidationError as exc:
        raise HttpError(400, exc.messages[0]) from exc
    return 201, {
        "id": invitation.pk,
        "email": invitation.email,
        "mission": where.slug,
        "role": invitation.role,
        "expires_at": invitation.expires_at,
    }


def _changeable(request: HttpRequest, username: str) -> Any:
    user = get_object_or_404(get_user_model(), username=username)
    people.check_see_person(request.user, user)
    try:
        people.check_change_person(request.user, user)
    except ValidationError as exc:
        raise HttpError(400, exc.messages[0]) from exc
    return user


@router.post("/people/{username}/deactivate", response=PersonOut, summary="End access: sessions, tokens")
def person_deactivate(request: HttpRequest, username: str) -> dict[str, object]:
    user = _changeable(request, username)
    people.do_deactivate(user, acting_user=request.user)
    return _person_out(_annotated(get_user_model().objects.filter(pk=user.pk)).get())


@router.post("/people/{username}/reactivate", response=PersonOut, summary="Let a person sign in again")
def person_reactivate(request: HttpRequest, username: str) -> dict[str, object]:
    user = _changeable(request, username)
    people.do_reactivate(user, acting_user=request.user)
    return _person_out(_annotated(get_user_model().objects.filter(pk=user.pk)).get())
