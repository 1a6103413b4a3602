"""`elshi user`, `elshi mission`, `elshi token`: people, roles and missions from the command line."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from elshi.cli._django import fail, setup

console = Console()
user_app = typer.Typer(help="People and their roles per mission.", no_args_is_help=True)
mission_app = typer.Typer(
    help="Missions: HQ, embassies, consulates, permanent missions.", no_args_is_help=True
)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)


def _mission(slug: str) -> Any:
    # Imported after setup(): Django's apps load only once it is configured.
    from elshi.missions.models import Mission

    mission = Mission.objects.filter(slug=slug).first()
    if mission is None:
        known = (
            ", ".join(Mission.objects.values_list("slug", flat=True))
            or "none yet: create one with `elshi mission create`"
        )
        raise fail(f"no mission with slug {slug!r} (known: {known})", 2)
    return mission


def _user(username: str) -> Any:
    # Imported after setup(): Django's apps load only once it is configured.
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise fail(f"no user named {username!r}", 2)
    return user


def _check_role(role: str) -> None:
    # Imported after setup(): Django's apps load only once it is configured.
    from elshi.missions.models import Role

    if role not in Role.values:
        raise fail(f"unknown role {role!r}: choose one of {', '.join(Role.values)}", 2)


@user_app.command("create")
def user_create(
    username: str,
    mission: str = typer.Option(..., "--mission", help="Slug of the mission where the role is held."),
    role: str = typer.Option(
        ..., "--role", help="admin, hq_editor, approver, mission_editor, analyst or viewer."
    ),
    password: str | None = typer.Option(None, "--password", help="Omit to generate one (printed once)."),
    email: str = typer.Option("", "--email"),
) -> None:
    """Create a person with a role at one mission."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from elshi.missions import actions

    _check_role(role)
    where = _mission(mission)
    try:
        with transaction.atomic():
            user, plain = actions.do_create_user(username, password=password, email=email, acting_user=None)
            actions.do_set_role(user, where, role, acting_user=None)
    except ValidationError as exc:
        raise fail("; ".join(exc.messages), 2) from exc
    console.print(f"created {username}: {role} at {where.slug}")
    if password is None:
        console.print(f"password: {plain}")


@user_app.command("list")
def user_list() -> None:
    """Everyone, with their roles."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from django.contrib.auth import get_user_model

    table = Table("username", "roles", "superuser", "active", "last login")
    for user in get_user_model().objects.order_by("username").prefetch_related("memberships__mission"):
        roles = ", ".join(f"{m.role}@{m.mission.slug}" for m in user.memberships.all()) or "-"
        last = user.last_login.strftime("%Y-%m-%d %H:%M") if user.last_login else "-"
        table.add_row(
            user.username, roles, "yes" if user.is_superuser else "", "yes" if user.is_active else "no", last
        )
    console.print(table)


@user_app.command("set-role")
def user_set_role(
    username: str,
    mission: str = typer.Option(..., "--mission"),
    role: str = typer.Option(..., "--role", help="A role, or 'none' to remove the person's role there."),
) -> None:
    """Give a person a role at a mission (replacing the one they had there), or remove it with --role none."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from elshi.missions import actions

    if role != "none":
        _check_role(role)
    actions.do_set_role(
        _user(username), _mission(mission), None if role == "none" else role, acting_user=None
    )
    console.print(f"{username}: {role} at {mission}")


@user_app.command("unlock")
def user_unlock(username: str) -> None:
    """Lift a login lockout after repeated failed attempts."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from elshi.missions.people import do_unlock

    count = do_unlock(_user(username), acting_user=None)
    console.print(f"{username}: {count} lockout record(s) cleared")


@user_app.command("invite")
def user_invite(
    email: str,
    mission: str = typer.Option(..., "--mission", help="Slug of the mission where the role is held."),
    role: str = typer.Option(
        ..., "--role", help="admin, hq_editor, approver, mission_editor, analyst or viewer."
    ),
    language: str = typer.Option("en", "--language", help="Language of the e-mail: kk, ru or en."),
    site_url: str = typer.Option(
        "", "--site-url", help="Address people open elshi at; default ELSHI_SITE_URL."
    ),
) -> None:
    """E-mail an invitation with a role; the link (printed on the last line) works once."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from django.conf import settings
    from django.core.exceptions import ValidationError

    from elshi.missions import invitations

    _check_role(role)
    if language not in dict(settings.LANGUAGES):
        raise fail(f"unknown language {language!r}: choose one of {', '.join(dict(settings.LANGUAGES))}", 2)
    base = site_url or settings.ELSHI_SITE_URL
    if not base.startswith(("http://", "https://")):
        raise fail("set ELSHI_SITE_URL (or pass --site-url) to the address people open elshi at", 2)
    where = _mission(mission)
    try:
        invitations.check_invite(None, email, where, role)
        _invitation, plain = invitations.do_invite(
            email, where, role, language=language, base=base, acting_user=None
        )
    except ValidationError as exc:
        raise fail("; ".join(exc.messages), 2) from exc
    console.print(
        f"invited {email}: {role} at {where.slug} (the link works {settings.ELSHI_INVITATION_HOURS} h)"
    )
    typer.echo(invitations.accept_url(plain, base))


@token_app.command("create")
def token_create(
    username: str,
    name: str = typer.Option("cli", "--name", help="What the token is for."),
    scope: list[str] = typer.Option(  # noqa: B008 - typer's way of declaring a repeatable option
        [], "--scope", help="read, write, approve or publish; repeat for several (default: all four)."
    ),
    days: int = typer.Option(90, "--days", min=1, max=365, help="Days until the token expires."),
) -> None:
    """Create an API token; the token alone is printed on the last line."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from datetime import timedelta

    from django.core.exceptions import ValidationError

    from elshi.missions import actions
    from elshi.missions.models import TokenScope

    try:
        token, plain = actions.do_create_token(
            _user(username),
            name,
            acting_user=None,
            scopes=scope or tuple(TokenScope.values),
            expires_in=timedelta(days=days),
        )
    except ValidationError as exc:
        raise fail("; ".join(exc.messages), 2) from exc
    console.print(
        f"API token for {username}, scopes {', '.join(token.scopes)}, "
        f"expires {token.expires_at:%Y-%m-%d} UTC (shown once; send it as 'Authorization: Bearer TOKEN'):"
    )
    typer.echo(plain)


@mission_app.command("create")
def mission_create(
    slug: str,
    name: str = typer.Option(..., "--name"),
    kind: str = typer.Option("embassy", "--kind", help="hq, embassy, consulate or permanent_mission."),
    country: str = typer.Option(..., "--country", help="Host country, ISO 3166-1 alpha-2 (DE)."),
    city: str = typer.Option(..., "--city"),
    timezone: str = typer.Option(..., "--timezone", help="IANA time zone, e.g. Europe/Berlin."),
    languages: str = typer.Option(..., "--languages", help="Working languages, comma-separated: de,en."),
) -> None:
    """Create a mission."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from django.core.exceptions import ValidationError

    from elshi.missions import actions
    from elshi.missions.models import Mission

    mission = Mission(
        slug=slug,
        name=name,
        kind=kind,
        host_country=country.upper(),
        city=city,
        timezone=timezone,
        languages=[code.strip() for code in languages.split(",") if code.strip()],
    )
    try:
        actions.do_save_mission(mission, acting_user=None)
    except ValidationError as exc:
        problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
        raise fail(problems, 2) from exc
    console.print(f"created mission {slug}")


@mission_app.command("list")
def mission_list() -> None:
    """All missions."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from elshi.missions.models import Mission

    table = Table("slug", "name", "kind", "city", "time zone", "languages", "people")
    for m in Mission.objects.order_by("kind", "name"):
        table.add_row(
            m.slug,
            m.name,
            m.kind,
            f"{m.city}, {m.host_country}",
            m.timezone,
            ",".join(m.languages),
            str(m.memberships.count()),
        )
    console.print(table)
