"""The permission matrix's fixtures: two embassies, one person per role at Berlin, one of each object.

Built once per module through the apps' own actions (so every object is what the app would have
made), inside the module's transaction. Mission-owned objects carry a ``SECRETS`` marker in their
title or handle: a page served to the outsider from Washington must contain none of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from elshi.clearance import actions as clearance_actions
from elshi.clearance.models import Policy
from elshi.content import actions as content_actions
from elshi.content.models import Asset, Campaign, Claim, Narrative, Post
from elshi.creative.provenance import Provenance
from elshi.engagements import actions as engagement_actions
from elshi.engagements.models import MissionSite
from elshi.missions import actions as mission_actions
from elshi.missions import invitations
from elshi.missions.models import Channel, Mission, MissionKind, Role
from elshi.monitoring.models import Alert, Source
from elshi.publishing.feed_links import do_create_link
from elshi.publishing.models import Delivery
from elshi.reports.actions import do_generate_brief
from elshi.reports.models import BriefSubscription
from elshi.web.navigation import BY_KEY
from tests.conftest import PASSWORD
from tests.engage.conftest import make_engagement

OUTSIDER_ROLE = Role.MISSION_EDITOR  # at Washington: judged by what this role may do there
SECRETS = (
    "Berlin-secret-draft",
    "Berlin-secret-clearance",
    "berlin-secret-channel",
    "Berlin-secret-asset",
    "Berlin-secret-engagement",
    "Berlin-secret-campaign",
)


@dataclass
class World:
    berlin: Mission
    washington: Mission
    principals: dict[str, Any] = field(default_factory=dict)
    devices: dict[str, TOTPDevice] = field(default_factory=dict)
    later: dt.datetime = field(default_factory=lambda: timezone.now() + dt.timedelta(days=3))
    hour: dt.timedelta = dt.timedelta(hours=1)
    capability_key: str = next(iter(BY_KEY))
    objects: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def _mission(slug: str, kind: str, country: str, city: str) -> Mission:
    mission = Mission(
        slug=slug,
        name=f"Mission {city}",
        kind=kind,
        host_country=country,
        city=city,
        timezone="Europe/Berlin",
        languages=["en", "de"],
    )
    return mission_actions.do_save_mission(mission, acting_user=None)


def _person(name: str, mission: Mission, role: str) -> Any:
    user, _ = mission_actions.do_create_user(name, password=PASSWORD, acting_user=None)
    mission_actions.do_set_role(user, mission, role, acting_user=None)
    return user


def _people(world: World) -> None:
    for role in Role.values:
        world.principals[role] = _person(f"matrix-{role}", world.berlin, role)
    world.principals["outsider"] = _person("matrix-outsider", world.washington, OUTSIDER_ROLE)
    for name, user in world.principals.items():
        world.devices[name] = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    # Privileged roles must give a second factor: the cells log in with one.
    mission_actions.do_set_security_policy(require_2fa=True, acting_user=None)
    world.objects["writer"] = _person("matrix-writer", world.berlin, Role.MISSION_EDITOR)
    world.objects["stranger"] = _person("matrix-stranger", world.berlin, Role.ANALYST)
    world.objects["token"], _plain = mission_actions.do_create_token(
        world.stranger, "laptop", acting_user=None
    )
    world.objects["invitation"], _link = invitations.do_invite(
        "newcomer@example.org",
        world.berlin,
        Role.VIEWER,
        language="en",
        base="http://testserver",
        acting_user=None,
    )


def _content(world: World) -> None:
    objects = world.objects
    objects["narrative"] = content_actions.do_save(
        Narrative(key="matrix-green-energy", titles={"en": "Green energy"}), acting_user=None
    )
    claim = Claim(
        subject="UN E-Government Development Index",
        value=Decimal(24),
        unit="rank",
        period=2024,
        statements={"en": "#24 in 2024"},
        source_title="UN E-Government Survey 2024",
        source_url="https://publicadministration.un.org/egovkb/en-us/Reports/UN-E-Government-Survey-2024",
        source_date=dt.date(2024, 9, 1),
    )
    objects["claim"] = content_actions.do_save(claim, acting_user=None)
    content_actions.do_verify_claim(claim, acting_user=world.hq_admin)
    today = timezone.now().date()
    objects["campaign"] = content_actions.do_save(
        Campaign(
            name="Berlin-secret-campaign",
            goal="Trade",
            starts_on=today,
            ends_on=today + dt.timedelta(days=30),
        ),
        acting_user=None,
        m2m={"missions": [world.berlin]},
    )
    objects["channel"] = mission_actions.do_save_channel(
        Channel(mission=world.berlin, platform="mastodon", handle="@berlin-secret-channel@berlin.example"),
        acting_user=None,
    )
    objects["policy"] = clearance_actions.do_save_policy(
        Policy(mission=world.berlin, name="Berlin one step"),
        [{"role": "approver", "at_hq": False, "mode": "any"}],
        acting_user=None,
    )
    for name, title in (("draft", "Berlin-secret-draft"), ("in_clearance", "Berlin-secret-clearance")):
        objects[name] = content_actions.do_save_post(
            Post(mission=world.berlin, title=title, scheduled_at=world.later),
            acting_user=world.writer,
            variants=[{"platform": "mastodon", "language": "en", "text": "Kazakhstan ranked 24th. #eGov"}],
            channels=[world.channel],
            claims=[claim],
        )
    clearance_actions.do_submit(world.in_clearance, acting_user=world.writer)
    objects["delivery"] = Delivery.objects.create(
        post=world.draft, channel=world.channel, state="failed_permanent", due_at=timezone.now()
    )
    media = Path(settings.MEDIA_ROOT) / "matrix"
    media.mkdir(parents=True, exist_ok=True)
    for name in ("asset.png", "original.png"):
        Image.new("RGB", (16, 16), "teal").save(media / name)
    objects["asset"] = Asset.objects.create(
        mission=world.berlin,
        kind="image",
        title="Berlin-secret-asset",
        file="matrix/asset.png",
        spec={"original": "matrix/original.png", "language": "en"},
        provenance=Provenance(
            "trainedAlgorithmicMedia", "matrix-writer", timezone.now(), backend="openai", model="gpt-image-1"
        ).to_dict(),
        alt_text="A map.",
        ai_generated=True,
        state="ready",
        created_by=world.writer,
    )


def _engage_listen_measure(world: World) -> None:
    objects = world.objects
    objects["engagement"] = make_engagement(world.berlin, titles={"en": "Berlin-secret-engagement"})
    objects["registration"] = engagement_actions.do_register(
        world.engagement,
        {
            "name": "Guest",
            "email": "guest@example.org",
            "attendance": "in_person",
            "language": "en",
            "consent_text": "I agree",
        },
        notify=False,
    )
    engagement_actions.do_save_site(
        MissionSite(mission=world.berlin, messages={"en": "Welcome."}, is_published=True), acting_user=None
    )
    objects["source"] = Source.objects.create(name="Matrix feed", url="https://news.example.org/feed.xml")
    objects["alert"] = Alert.objects.create(
        kind="volume", country="KZ", day=timezone.now().date(), value=30, baseline=5, score=6.1
    )
    end = timezone.now().date()
    objects["brief"] = do_generate_brief(
        "KZ", end - dt.timedelta(days=7), end, None, "en", acting_user=None, pdf=False
    )
    objects["calendar_link"] = do_create_link(
        world.stranger, world.berlin, with_drafts=False, acting_user=world.stranger
    )
    objects["subscription"] = BriefSubscription.objects.create(
        name="Someone's weekly",
        country="KZ",
        language="en",
        recipients=["a@example.org"],
        created_by=world.stranger,
    )


def build_world() -> World:
    hq = _mission("astana-hq", MissionKind.HQ, "KZ", "Astana")
    world = World(
        berlin=_mission("berlin", MissionKind.EMBASSY, "DE", "Berlin"),
        washington=_mission("washington", MissionKind.EMBASSY, "US", "Washington"),
    )
    world.objects["hq_admin"] = _person("matrix-hq-admin", hq, Role.ADMIN)
    _people(world)
    _content(world)
    _engage_listen_measure(world)
    return world
