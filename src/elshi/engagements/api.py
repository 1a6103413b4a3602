"""Engagements over JSON: the same permissions, validation and audit as the pages.

Reading needs VIEW at the engagement's mission; writing needs COMPOSE there. Registrants are
personal data: only the mission's editors see them (as on the engagement page), and every read of
the list is audited like an export. Meeting links never appear in lists; in one engagement's detail
only for those who may compose at its mission.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from elshi.audit.log import record
from elshi.common.api_errors import ApiRefusal
from elshi.content.models import Narrative
from elshi.engagements import actions
from elshi.engagements.forms import LOCAL, EngagementForm, languages_of
from elshi.engagements.models import Engagement, Kind, RegistrationStatus, Visibility
from elshi.engagements.registrants import registrants_file
from elshi.missions.models import Mission
from elshi.missions.permissions import Perm, has_perm, missions_with, require

router = Router(tags=["engage"])
MAX_LIMIT = 200


class EngagementIn(Schema):
    """Times: ISO 8601; with an offset they are converted, without one they are the mission's local time."""

    mission: str
    kind: str = Kind.PHYSICAL
    visibility: str = Visibility.INTERNAL
    titles: dict[str, str]
    descriptions: dict[str, str] = {}
    venue: str = ""
    address: str = ""
    starts_at: dt.datetime
    ends_at: dt.datetime
    capacity: int | None = None
    partners: str = ""
    narratives: list[str] = []
    campaign: int | None = None
    consent_text: str = ""
    retention_days: int = 30
    meeting_link: str = ""


class EngagementPatch(Schema):
    """Only the fields given change; ``titles`` and ``descriptions`` replace the whole set when given."""

    kind: str | None = None
    visibility: str | None = None
    titles: dict[str, str] | None = None
    descriptions: dict[str, str] | None = None
    venue: str | None = None
    address: str | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    capacity: int | None = None
    partners: str | None = None
    narratives: list[str] | None = None
    campaign: int | None = None
    consent_text: str | None = None
    retention_days: int | None = None
    meeting_link: str | None = None


class EngagementOut(Schema):
    id: int
    mission: str
    kind: str
    visibility: str
    title: str
    titles: dict[str, str]
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    venue: str
    address: str
    capacity: int | None
    meeting_provider: str


class EngagementPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EngagementOut]


class EngagementDetail(EngagementOut):
    descriptions: dict[str, str]
    partners: str
    narratives: list[str]
    campaign: int | None
    consent_text: str
    retention_days: int
    purged_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    meeting_link: str | None  # null unless the caller may compose at the mission
    registrations: dict[str, int] | None  # counts per status, for the mission's editors


class RegistrantOut(Schema):
    id: int
    name: str
    email: str
    organisation: str
    attendance: str
    language: str
    status: str
    created_at: dt.datetime
    cancelled_at: dt.datetime | None
    last_email_sent_at: dt.datetime | None
    last_email_error: str
    last_email_error_at: dt.datetime | None


def _summary(e: Engagement, language: str) -> dict[str, Any]:
    return {
        "id": e.pk,
        "mission": e.mission.slug,
        "kind": e.kind,
        "visibility": e.visibility,
        "title": e.display_title(language),
        "titles": e.titles,
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "timezone": e.mission.timezone,
        "venue": e.venue,
        "address": e.address,
        "capacity": e.capacity,
        "meeting_provider": e.meeting_provider,
    }


def _detail(request: HttpRequest, e: Engagement) -> dict[str, Any]:
    editor = has_perm(request.user, Perm.COMPOSE, e.mission)
    counts = None
    if editor:
        counts = dict.fromkeys(RegistrationStatus.values, 0)
        for status in e.registrations.values_list("status", flat=True):
            counts[status] += 1
    return {
        **_summary(e, getattr(request, "LANGUAGE_CODE", "en")),
        "descriptions": e.descriptions,
        "partners": e.partners,
        "narratives": [n.key for n in e.narratives.all()],
        "campaign": e.campaign_id,
        "consent_text": e.consent_text,
        "retention_days": e.retention_days,
        "purged_at": e.purged_at,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
        "meeting_link": e.meeting_link if editor else None,
        "registrations": counts,
    }


def _engagement(pk: int) -> Engagement:
    return get_object_or_404(Engagement.objects.select_related("mission"), pk=pk)


def _local(value: dt.datetime, mission: Mission) -> str:
    """The form's input: the mission's local wall time (an aware value is converted first)."""
    if value.tzinfo is not None:
        value = value.astimezone(mission.zone)
    return value.strftime(LOCAL)


def _form_data(mission: Mission, fields: dict[str, Any], current: Engagement | None) -> dict[str, Any]:
    """The engagement form's data: the current engagement's values overlaid with the given fields."""
    data: dict[str, Any] = {}
    if current is not None:
        data = {
            "kind": current.kind,
            "visibility": current.visibility,
            "venue": current.venue,
            "address": current.address,
            "starts_at": _local(current.starts_at, mission),
            "ends_at": _local(current.ends_at, mission),
            "capacity": "" if current.capacity is None else str(current.capacity),
            "partners": current.partners,
            "narratives": [str(pk) for pk in current.narratives.values_list("pk", flat=True)],
            "campaign": "" if current.campaign_id is None else str(current.campaign_id),
            "consent_text": current.consent_text,
            "retention_days": str(current.retention_days),
            "meeting_link": current.meeting_link,
            **{f"title_{c}": t for c, t in current.titles.items()},
            **{f"description_{c}": t for c, t in current.descriptions.items()},
        }
    problems: dict[str, list[str]] = {}
    for name, value in fields.items():
        if name in ("titles", "descriptions"):
            prefix = name[:-1]
            for key in [k for k in data if k.startswith(f"{prefix}_")]:
                del data[key]
            for code, text in (value or {}).items():
                data[f"{prefix}_{code}"] = text
        elif name in ("starts_at", "ends_at"):
            data[name] = _local(value, mission)
        elif name == "narratives":
            keys = list(value or [])
            found = dict(Narrative.objects.filter(key__in=keys).values_list("key", "pk"))
            unknown = [k for k in keys if k not in found]
            if unknown:
                problems["narratives"] = [f"unknown narrative: {', '.join(unknown)}"]
            data[name] = [str(found[k]) for k in keys if k in found]
        elif name in ("capacity", "campaign"):
            data[name] = "" if value is None else str(value)
        elif name != "mission":
            data[name] = "" if value is None else str(value)
    return {"data": data, "problems": problems}


def _api_name(field: str) -> str:
    for prefix, name in (("title_", "titles"), ("description_", "descriptions")):
        if field.startswith(prefix):
            return f"{name}.{field[len(prefix) :]}"
    return field or "__all__"


def _unprocessable(errors: dict[str, list[str]]) -> ApiRefusal:
    flat = [f"{field}: {message}" for field, messages in errors.items() for message in messages]
    return ApiRefusal(422, "; ".join(flat), {"errors": errors})


def _save(
    request: HttpRequest, mission: Mission, fields: dict[str, Any], current: Engagement | None
) -> Engagement:
    """Validate with the engagement form (the same rules as the page) and save through the actions."""
    built = _form_data(mission, fields, current)
    languages = set(languages_of(mission))
    for name in ("titles", "descriptions"):
        extra = sorted(set(fields.get(name) or {}) - languages)
        if extra:
            built["problems"][name] = [f"languages not offered by the mission: {', '.join(extra)}"]
    form = EngagementForm(built["data"], instance=current, mission=mission)
    valid = form.is_valid()
    errors = {_api_name(f): [str(m) for m in ms] for f, ms in form.errors.items()}
    errors.update(built["problems"])
    if not valid or errors:
        raise _unprocessable(errors)
    try:
        return actions.do_save_engagement(
            form.apply(), acting_user=request.user, narratives=list(form.cleaned_data["narratives"])
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise _unprocessable({_api_name(f): list(m) for f, m in exc.message_dict.items()}) from exc
        raise _unprocessable({"__all__": list(exc.messages)}) from exc


@router.get("/engagements", response=EngagementPage, summary="Engagements of the missions you may view")
def list_engagements(
    request: HttpRequest,
    mission: str = "",
    from_: dt.date | None = Query(None, alias="from"),  # noqa: B008
    to: dt.date | None = None,
    kind: str = "",
    visibility: str = "",
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Newest first. ``from``/``to`` (UTC days) keep engagements that overlap the period. No meeting links."""
    visible = missions_with(request.user, Perm.VIEW)
    rows: QuerySet[Engagement] = Engagement.objects.filter(mission__in=visible).select_related("mission")
    if mission:
        chosen = get_object_or_404(Mission, slug=mission)
        require(request.user, Perm.VIEW, chosen)
        rows = rows.filter(mission=chosen)
    elif not has_perm(request.user, Perm.VIEW, None):
        raise PermissionDenied("view")
    if kind and kind not in Kind.values:
        raise ApiRefusal(422, f"kind must be one of {', '.join(Kind.values)}")
    if visibility and visibility not in Visibility.values:
        raise ApiRefusal(422, f"visibility must be one of {', '.join(Visibility.values)}")
    if from_ and to and to < from_:
        raise ApiRefusal(422, "'to' is before 'from'")
    if not (1 <= limit <= MAX_LIMIT) or offset < 0:
        raise ApiRefusal(422, f"limit must be 1 to {MAX_LIMIT} and offset not negative")
    if kind:
        rows = rows.filter(kind=kind)
    if visibility:
        rows = rows.filter(visibility=visibility)
    if from_:
        rows = rows.filter(ends_at__gte=dt.datetime.combine(from_, dt.time(), tzinfo=dt.UTC))
    if to:
        rows = rows.filter(
            starts_at__lt=dt.datetime.combine(to + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        )
    language = getattr(request, "LANGUAGE_CODE", "en")
    page = list(rows.order_by("-starts_at", "-pk")[offset : offset + limit])
    return {
        "count": rows.count(),
        "limit": limit,
        "offset": offset,
        "items": [_summary(e, language) for e in page],
    }


@router.get("/engagements/{engagement_id}", response=EngagementDetail, summary="One engagement")
def get_engagement(request: HttpRequest, engagement_id: int) -> dict[str, Any]:
    engagement = _engagement(engagement_id)
    require(request.user, Perm.VIEW, engagement.mission)
    return _detail(request, engagement)


@router.post(
    "/engagements", response={201: EngagementDetail}, summary="Create an engagement (compose at the mission)"
)
def create_engagement(request: HttpRequest, payload: EngagementIn) -> tuple[int, dict[str, Any]]:
    mission = get_object_or_404(Mission, slug=payload.mission, is_active=True)
    actions.check_write(request.user, mission)
    saved = _save(request, mission, payload.dict(), None)
    return 201, _detail(request, _engagement(saved.pk))


@router.patch(
    "/engagements/{engagement_id}", response=EngagementDetail, summary="Change an engagement (compose)"
)
def update_engagement(request: HttpRequest, engagement_id: int, payload: EngagementPatch) -> dict[str, Any]:
    engagement = _engagement(engagement_id)
    require(request.user, Perm.VIEW, engagement.mission)
    actions.check_write(request.user, engagement.mission)
    saved = _save(request, engagement.mission, payload.dict(exclude_unset=True), engagement)
    return _detail(request, _engagement(saved.pk))


def _editable(request: HttpRequest, engagement_id: int) -> Engagement:
    engagement = _engagement(engagement_id)
    require(request.user, Perm.VIEW, engagement.mission)
    require(request.user, Perm.COMPOSE, engagement.mission)  # personal data: the mission's editors only
    return engagement


@router.get(
    "/engagements/{engagement_id}/registrants",
    response=list[RegistrantOut],
    summary="Registrants (personal data: the mission's editors; audited)",
)
def list_registrants(request: HttpRequest, engagement_id: int) -> list[dict[str, Any]]:
    engagement = _editable(request, engagement_id)
    rows = list(engagement.registrations.all())
    record(
        request.user,
        "registration.export",
        engagement,
        mission_slug=engagement.mission.slug,
        changes={"format": "api", "rows": len(rows)},
    )
    return [
        {
            "id": r.pk,
            "name": r.name,
            "email": r.email,
            "organisation": r.organisation,
            "attendance": r.attendance,
            "language": r.language,
            "status": r.status,
            "created_at": r.created_at,
            "cancelled_at": r.cancelled_at,
            "last_email_sent_at": r.last_email_sent_at,
            "last_email_error": r.last_email_error,
            "last_email_error_at": r.last_email_error_at,
        }
        for r in rows
    ]


@router.get(
    "/engagements/{engagement_id}/registrants.{fmt}",
    summary="Registrants as CSV or XLSX (the mission's editors; audited)",
)
def export_registrants(request: HttpRequest, engagement_id: int, fmt: str) -> HttpResponse:
    engagement = _editable(request, engagement_id)
    if fmt not in ("csv", "xlsx"):
        raise ApiRefusal(422, "format must be csv or xlsx")
    return registrants_file(engagement, fmt, acting_user=request.user)
