"""Demo Tell and Clear data.

Narratives, real sourced claims, a campaign, channels, a policy, and posts in every state.

The claims are real: Kazakhstan's rank in the UN E-Government Development Index,
from the UN E-Government Survey of each year. Everything else is example data.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from elshi.clearance import actions as clearance_actions
from elshi.clearance.models import Policy
from elshi.content import actions
from elshi.content.models import Campaign, Claim, Narrative, Post
from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel, Mission
from elshi.common.demo import DemoContext, demo_step

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
        actions.do_verify_claim(claim, acting_user=editor)
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


@demo_step(40, "channels, campaign and policy")
def demo_channels_campaign_policy(context: DemoContext) -> None:
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
    berlin = Mission.objects.get(slug="berlin")
    if not Policy.objects.filter(mission=berlin, channel__isnull=True).exists():
        clearance_actions.do_save_policy(
            Policy(mission=berlin, name="Berlin: embassy approver, then HQ"),
            [
                {"role": "approver", "at_hq": False, "mode": "any"},
                {"role": "approver", "at_hq": True, "mode": "any"},
            ],
            acting_user=_user("demo-admin"),
        )
        context.count("policies")


def _post(title: str, days: int, text_en: str, text_de: str) -> Post | None:
    if Post.objects.filter(title=title).exists():
        return None
    berlin = Mission.objects.get(slug="berlin")
    post = Post(
        mission=berlin,
        title=title,
        campaign=Campaign.objects.get(name="Digital Kazakhstan"),
        scheduled_at=timezone.now() + dt.timedelta(days=days, hours=2),
    )
    return actions.do_save_post(
        post,
        acting_user=_user("demo-editor"),
        channels=list(Channel.objects.filter(mission=berlin, platform__in=["mastodon", "bluesky"])),
        narratives=[Narrative.objects.get(key="digital")],
        claims=list(Claim.objects.filter(subject="UN E-Government Development Index", period=2024)),
        variants=[
            {"platform": p, "language": lang, "text": text}
            for p in ("mastodon", "bluesky")
            for lang, text in (("en", text_en), ("de", text_de))
        ],
    )


EN = (
    "Kazakhstan ranked 24th in the UN E-Government Development Index 2024. #DigitalKazakhstan https://egov.kz"
)
DE = "Kasachstan belegte 2024 Platz 24 im E-Government-Index der Vereinten Nationen. #DigitalKazakhstan"


@demo_step(50, "posts in every state")
def demo_posts(context: DemoContext) -> None:
    editor, approver, hq = _user("demo-editor"), _user("demo-approver"), _user("demo-hq-approver")
    if post := _post("E-government explainer", 10, EN, DE):
        context.count("posts")  # stays a draft
    if post := _post("eGov week: submitted", 5, EN, DE):
        clearance_actions.do_submit(post, acting_user=editor)
        context.count("posts")
    if post := _post("eGov week: needs changes", 6, EN + " More soon.", DE):
        clearance = clearance_actions.do_submit(post, acting_user=editor)
        clearance_actions.do_decide(
            clearance, "request_changes", "Add the German link to the survey.", acting_user=approver
        )
        context.count("posts")
    if post := _post("eGov week: cleared", 3, EN, DE):
        clearance = clearance_actions.do_submit(post, acting_user=editor)
        clearance_actions.do_decide(clearance, "approve", "", acting_user=approver)
        clearance_actions.do_decide(clearance, "approve", "Good.", acting_user=hq)
        context.count("posts")
    if post := _post("eGov week: cleared too late", 1, EN, DE):
        clearance = clearance_actions.do_submit(post, acting_user=editor)
        clearance_actions.do_decide(clearance, "approve", "", acting_user=approver)
        # Demo only: the slot passes while HQ has not decided yet.
        Post.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() - dt.timedelta(hours=1))
        clearance.post.refresh_from_db()
        clearance_actions.do_decide(clearance, "approve", "", acting_user=hq)
        context.count("posts")
    unbacked = "Kazakhstan is 5th in the world for digital public services."
    if _post(
        "Unbacked figure (draft)", 8, unbacked, "Kasachstan ist weltweit auf Platz 5 bei digitalen Diensten."
    ):
        context.count("posts")  # the claims check blocks it until a claim or an override backs "5th"
    if post := _post("eGov week: rejected", 4, EN, DE):
        clearance = clearance_actions.do_submit(post, acting_user=editor)
        clearance_actions.do_decide(clearance, "reject", "Duplicates the cleared post.", acting_user=approver)
        context.count("posts")
    if post := _post("Old announcement", 9, EN, DE):
        actions.do_cancel(post, acting_user=editor)
        context.count("posts")
