from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import HttpError

from elshi.missions import actions
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
