"""Demo Tell data.

Narratives, real sourced claims, a campaign and channels (posts in every state: ``elshi.clearance.demo``).

The claims are real: Kazakhstan's rank in the UN E-Government Development Index,
from the UN E-Government Survey of each year. Everything else is example data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from elshi.common.demo import DemoContext, demo_step
from elshi.content import actions
from elshi.content.models import Campaign, Claim, Narrative
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel, Mission

NARRATIVES = [
    (
        "transit",
        "Transit hub and Middle Corridor",
        "Транзитный хаб и Средний коридор",
        "Транзиттік хаб және Орта дәлiз",
        False,
    ),
    (
        "digital",
        "Digital state and e-government",
        "Цифровое государство и электронное правительство",
        "Цифрлық мемлекет және электрондық үкімет",
        False,
    ),
    (
        "investment",
        "Investment and business climate",
        "Инвестиции и деловой климат",
        "Инвестициялар және іскерлік ахуал",
        False,
    ),
    (
        "energy",
        "Energy and critical minerals",
        "Энергетика и критически важные минералы",
        "Энергетика және сыни маңызды минералдар",
        False,
    ),
    (
        "disarmament",
        "Nuclear disarmament and mediation",
        "Ядерное разоружение и посредничество",
        "Ядролық қарусыздану және делдалдық",
        False,
    ),
    ("culture", "Culture and heritage", "Культура и наследие", "Мәдениет және мұра", False),
    ("tourism", "Tourism and nature", "Туризм и природа", "Туризм және табиғат", False),
    ("ecology", "Ecology and the Aral Sea", "Экология и Аральское море", "Экология және Арал теңізі", False),
    ("sport", "Sport", "Спорт", "Спорт", False),
    (
        "governance",
        "Governance and human rights",
        "Государственное управление и права человека",
        "Мемлекеттік басқару және адам құқықтары",
        True,
    ),
]

UN_SURVEY = "https://publicadministration.un.org/egovkb/en-us/Reports/UN-E-Government-Survey-{year}"
# (year, rank, survey publication date, statement kind)
EGDI = [
    (2024, 24, dt.date(2024, 9, 17)),
    (2022, 28, dt.date(2022, 9, 28)),
    (2020, 29, dt.date(2020, 7, 10)),
    (2018, 39, dt.date(2018, 7, 19)),
]


def _user(name: str) -> Any:
    return get_user_model().objects.get(username=name)


@demo_step(30, "narratives and claims")
def demo_narratives_and_claims(context: DemoContext) -> None:
    editor = _user("demo-hq-editor")
    for key, en, ru, kk, risk in NARRATIVES:
        if Narrative.objects.filter(key=key).exists():
            continue
        actions.do_save(
            Narrative(key=key, titles={"en": en, "ru": ru, "kk": kk}, is_risk=risk), acting_user=editor
        )
        context.count("narratives")
    digital = Narrative.objects.get(key="digital")
    digital.key_messages = {
        "en": [
            "Kazakhstan is among the world's leaders in e-government.",
            "Public services are online and fast.",
        ],
        "ru": ["Казахстан входит в число мировых лидеров электронного правительства."],
        "kk": ["Қазақстан электрондық үкімет бойынша әлемдік көшбасшылардың қатарында."],
    }
    digital.save(update_fields=["key_messages"])
    for year, rank, published in EGDI:
        subject = "UN E-Government Development Index"
        if Claim.objects.filter(subject=subject, period=year).exists():
            continue
        present_tense = year == 2022  # "ranks 28th": true until the next survey replaced it
        claim = Claim(
            subject=subject,
            value=Decimal(rank),
            unit="rank",
            period=year,
            statements={
                "en": f"Kazakhstan ranks {rank}th in the UN E-Government Development Index."
                if present_tense
                else f"Kazakhstan ranked {rank}th in the UN E-Government Development Index {year}.",
                "ru": f"Казахстан занял {rank}-е место в Индексе развития "
                f"электронного правительства ООН {year} года.",
                "kk": f"Қазақстан {year} жылы БҰҰ-ның Электрондық үкіметті "
                f"дамыту индексінде {rank}-орын алды.",
            },
            source_title=f"UN E-Government Survey {year}",
            source_url=UN_SURVEY.format(year=year),
            source_date=published,
            valid_until=dt.date(2024, 9, 16) if present_tense else None,
        )
        actions.do_save(claim, acting_user=editor, m2m={"narratives": [digital]})
        actions.do_verify_claim(claim, acting_user=_user("demo-admin"))  # four eyes: not who entered it
        context.count("claims")
    if not Claim.objects.filter(subject="World uranium production share").exists():
        # Entered, not yet verified against the source: shows the "needs review" state.
        claim = Claim(
            subject="World uranium production share",
            value=Decimal(43),
            unit="percent",
            period=2022,
            statements={"en": "Kazakhstan produced 43% of the world's mined uranium in 2022."},
            source_title="World Nuclear Association: World Uranium Mining Production",
            source_url="https://world-nuclear.org/information-library/nuclear-fuel-cycle/mining-of-uranium/world-uranium-mining-production",
            source_date=dt.date(2023, 5, 1),
        )
        actions.do_save(claim, acting_user=editor, m2m={"narratives": [Narrative.objects.get(key="energy")]})
        context.count("claims")


CHANNELS = [
    ("berlin", "mastodon", "@kz_embassy_berlin_demo@mastodon.example", "de"),
    ("berlin", "bluesky", "kz-embassy-berlin-demo.bsky.social", "de"),
    ("berlin", "telegram", "@kz_embassy_de_demo", "ru"),
    ("washington", "x", "@KazEmbassyUS_demo", "en"),
    ("london", "linkedin", "kazakhstan-embassy-uk-demo", "en"),
    ("astana-hq", "telegram", "@mfa_kz_demo", "kk"),
]


@demo_step(40, "channels and campaign")
def demo_channels_campaign(context: DemoContext) -> None:
    for slug, platform, handle, language in CHANNELS:
        if not Channel.objects.filter(platform=platform, handle=handle).exists():
            mission_actions.do_save_channel(
                Channel(
                    mission=Mission.objects.get(slug=slug),
                    platform=platform,
                    handle=handle,
                    language=language,
                    sandbox=True,  # demo channels record deliveries and never send; labelled everywhere
                    status="ok",
                ),
                acting_user=None,
            )
            context.count("channels")
    if not Campaign.objects.filter(name="Digital Kazakhstan").exists():
        today = timezone.now().date()
        campaign = Campaign(
            name="Digital Kazakhstan",
            goal="Make Kazakhstan's e-government achievements known in Germany, the US and the UK.",
            starts_on=today - dt.timedelta(days=14),
            ends_on=today + dt.timedelta(days=60),
            audiences="Policy makers, tech media, investors",
            languages=["en", "de"],
            kpis=[
                {"metric": "reach", "target": 200000},
                {"metric": "engagement_rate", "target": 0.03},
                {"metric": "posts", "target": 24},
            ],
        )
        actions.do_save(
            campaign,
            acting_user=_user("demo-hq-editor"),
            m2m={
                "narratives": [Narrative.objects.get(key="digital")],
                "missions": list(Mission.objects.filter(slug__in=["berlin", "washington", "london"])),
            },
        )
        context.count("campaigns")
