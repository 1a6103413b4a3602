"""Demo missions of Kazakhstan's foreign service and one demo person per role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model

from elshi.common.demo import DemoContext, demo_step
from elshi.missions import actions
from elshi.missions.models import Mission, MissionKind, Role, SecurityPolicy

MISSIONS = [
    (
        "astana-hq",
        "Ministry of Foreign Affairs of Kazakhstan (HQ)",
        MissionKind.HQ,
        "KZ",
        "Astana",
        "Asia/Almaty",
        ["kk", "ru", "en"],
    ),
    (
        "berlin",
        "Embassy of Kazakhstan in Germany",
        MissionKind.EMBASSY,
        "DE",
        "Berlin",
        "Europe/Berlin",
        ["de", "en", "kk", "ru"],
    ),
    (
        "washington",
        "Embassy of Kazakhstan in the United States",
        MissionKind.EMBASSY,
        "US",
        "Washington",
        "America/New_York",
        ["en"],
    ),
    (
        "beijing",
        "Embassy of Kazakhstan in China",
        MissionKind.EMBASSY,
        "CN",
        "Beijing",
        "Asia/Shanghai",
        ["zh", "en"],
    ),
    (
        "ankara",
        "Embassy of Kazakhstan in Türkiye",
        MissionKind.EMBASSY,
        "TR",
        "Ankara",
        "Europe/Istanbul",
        ["tr", "en"],
    ),
    (
        "london",
        "Embassy of Kazakhstan in the United Kingdom",
        MissionKind.EMBASSY,
        "GB",
        "London",
        "Europe/London",
        ["en"],
    ),
]

# One person per role; each holds that role at one mission only.
PEOPLE = [
    ("demo-admin", "astana-hq", Role.ADMIN),
    ("demo-hq-editor", "astana-hq", Role.HQ_EDITOR),
    ("demo-hq-approver", "astana-hq", Role.APPROVER),
    ("demo-approver", "berlin", Role.APPROVER),
    ("demo-editor", "berlin", Role.MISSION_EDITOR),
    ("demo-analyst", "washington", Role.ANALYST),
    ("demo-viewer", "london", Role.VIEWER),
]


@demo_step(10, "missions")
def demo_missions(context: DemoContext) -> None:
    for slug, name, kind, country, city, tz, languages in MISSIONS:
        if Mission.objects.filter(slug=slug).exists():
            continue
        mission = Mission(
            slug=slug, name=name, kind=kind, host_country=country, city=city, timezone=tz, languages=languages
        )
        actions.do_save_mission(mission, acting_user=None)
        context.count("missions")


@demo_step(20, "people")
def demo_people(context: DemoContext) -> None:
    User = get_user_model()
    for username, slug, role in PEOPLE:
        user: Any = User.objects.filter(username=username).first()
        if user is None:
            user, _password = actions.do_create_user(
                username, password=context.password_for(username), acting_user=None
            )
            context.count("people")
        elif username not in context.credentials:
            # The credentials file was lost: give the demo user a fresh password to print.
            user.set_password(context.password_for(username))
            user.save(update_fields=["password"])
        actions.do_set_role(user, Mission.objects.get(slug=slug), role, acting_user=None)
    # The demo's people sign in with the printed passwords alone; a real installation requires TOTP
    # for its privileged roles (ELSHI_2FA_DEFAULT). Said in the demo's summary.
    if SecurityPolicy.current().require_2fa_for_privileged:
        actions.do_set_security_policy(require_2fa=False, acting_user=None)
        context.notes.append(
            "two-factor authentication is not required in the demo; a new installation requires it "
            "for admin, approver and hq_editor (Administration → Settings)"
        )
