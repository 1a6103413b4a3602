"""Tell-and-clear fixtures: claims, channels, a two-step policy, and a helper to write posts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from elshi.clearance import actions as clearance_actions
from elshi.clearance.models import Policy
from elshi.content import actions
from elshi.content.models import Claim, Post
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel

EN = "Kazakhstan ranked 24th in the UN E-Government Development Index 2024. https://egov.kz #eGov"
RU = "Казахстан занял 24-е место в Индексе развития электронного правительства ООН 2024 года."
KK = "Қазақстан 2024 жылы БҰҰ-ның Электрондық үкіметті дамыту индексінде 24-орын алды."


@pytest.fixture
def tell(people: dict[str, Any], missions: dict[str, Any]) -> dict[str, Any]:
    """Claims, channels and the extra people a two-step clearance needs."""
    made: dict[str, Any] = {}
    for rank, year, verified, valid_until in [
        (24, 2024, True, None),
        (28, 2022, True, dt.date(2024, 9, 16)),
        (29, 2020, False, None),
    ]:
        claim = Claim(
            subject="UN E-Government Development Index",
            value=Decimal(rank),
            unit="rank",
            period=year,
            statements={"en": f"#{rank} in {year}"},
            source_title=f"UN E-Government Survey {year}",
            source_url=f"https://publicadministration.un.org/egovkb/en-us/Reports/UN-E-Government-Survey-{year}",
            source_date=dt.date(year, 9, 1),
            valid_until=valid_until,
        )
        actions.do_save(claim, acting_user=None)
        if verified:
            actions.do_verify_claim(claim, acting_user=people["admin"])
        made[f"claim{year}"] = claim
    for name, mission, platform, handle in [
        ("mastodon", "berlin", "mastodon", "@kz@berlin.example"),
        ("telegram", "berlin", "telegram", "@kz_de"),
        ("x_us", "washington", "x", "@kz_us"),
    ]:
        made[name] = mission_actions.do_save_channel(
            Channel(mission=missions[mission], platform=platform, handle=handle), acting_user=None
        )
    from elshi.missions.actions import do_create_user, do_set_role

    for name, slug, role in [
        ("approver2", "berlin", "approver"),
        ("hq_approver", "astana-hq", "approver"),
        ("hq_editor", "astana-hq", "hq_editor"),
    ]:
        user, _ = do_create_user(name, password="correct-horse-battery-42", acting_user=None)
        do_set_role(user, missions[slug], role, acting_user=None)
        made[name] = user
    return made


@pytest.fixture
def two_step(tell: dict[str, Any], missions: dict[str, Any]) -> Policy:
    return clearance_actions.do_save_policy(
        Policy(mission=missions["berlin"], name="Berlin two-step"),
        [
            {"role": "approver", "at_hq": False, "mode": "any"},
            {"role": "approver", "at_hq": True, "mode": "any"},
        ],
        acting_user=None,
    )


@pytest.fixture
def write_post(people: dict[str, Any], missions: dict[str, Any], tell: dict[str, Any]):  # type: ignore[no-untyped-def]
    def _write(
        text: str = EN,
        *,
        author: str = "author",
        hours: int = 48,
        claims: list[str] | None = None,
        platforms: tuple[str, ...] = ("mastodon",),
        extra: dict[str, str] | None = None,
    ) -> Post:
        post = Post(
            mission=missions["berlin"],
            title="E-government rank",
            scheduled_at=timezone.now() + dt.timedelta(hours=hours),
        )
        variants = [{"platform": p, "language": "en", "text": text} for p in platforms]
        variants += [
            {"platform": platforms[0], "language": lang, "text": t} for lang, t in (extra or {}).items()
        ]
        return actions.do_save_post(
            post,
            acting_user=people[author],
            variants=variants,
            channels=[tell[p] for p in platforms],
            claims=[tell[c] for c in (claims if claims is not None else ["claim2024"])],
        )

    return _write
