"""'What to do next': explicit rules over the brief's data, each a small function with its thresholds.

1. ``narrative_language_gap``: a narrative whose negative coverage in outlets writing in language L
   rose (at least ``MIN_NEGATIVE`` negative mentions, and a negative share at least ``SHARE_RISE``
   above the previous period's) while none of our deliveries in L went out in the period.
2. ``silent_mission``: an active mission (not HQ) whose host country's outlets mentioned the country
   at least ``MIN_HOST_COVERAGE`` times in the period while the mission published nothing.
3. ``deliveries_need_a_person``: deliveries due in the period that failed or are unconfirmed.
4. ``claims_expiring``: verified claims whose validity ends within ``EXPIRY_DAYS`` after the period
   (or ended during it): re-verify or replace them before they are used again.
5. ``image_drop``: the image score fell by at least ``IMAGE_DROP`` points against the previous period.

Every rule returns zero or more recommendations; the texts are written in the brief's language.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from elshi.content.models import Claim, Narrative
from elshi.missions.models import Mission, MissionKind
from elshi.monitoring.models import Mention
from elshi.publishing.models import Delivery, DeliveryState
from elshi.reports.countries import country_name, language_name
from elshi.reports.periods import Period, day_bounds

if TYPE_CHECKING:
    from elshi.reports.brief import BriefData

MIN_NEGATIVE = 3
SHARE_RISE = 0.10
MIN_HOST_COVERAGE = 5
EXPIRY_DAYS = 30
IMAGE_DROP = 5.0


@dataclass
class Recommendation:
    rule: str
    text: str
    severity: str = "info"  # "warning" for what needs a person soon


def _rec(rule: str, text: str, severity: str = "info") -> Recommendation:
    return Recommendation(rule, text, severity)


def _negatives_by_narrative_language(country: str, period: Period) -> dict[tuple[str, str], list[int]]:
    """(narrative, outlet language) -> [mention rows, negative rows]."""
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    rows = Mention.objects.filter(country=country, day__gte=period.start, day__lte=period.end).values_list(
        "tone_label", "document__language", "document__narratives"
    )
    for tone, language, narratives in rows.iterator(chunk_size=2000):
        for key in narratives or []:
            cell = table[(str(key), language)]
            cell[0] += 1
            cell[1] += tone == "negative"
    return table


def narrative_language_gap(data: BriefData, period: Period) -> list[Recommendation]:
    now = _negatives_by_narrative_language(data.country, period)
    before = _negatives_by_narrative_language(data.country, period.previous())
    posted = {line.language for line in data.published}
    titles = {m.key: m.title for m in [*data.rose, *data.fell]}
    out = []
    for (key, language), (n, neg) in sorted(now.items()):
        if language in ("", "und") or language in posted or neg < MIN_NEGATIVE:
            continue
        was_n, was_neg = before.get((key, language), [0, 0])
        share, was_share = neg / n, (was_neg / was_n if was_n else 0.0)
        if share < was_share + SHARE_RISE:
            continue
        out.append(
            _rec(
                "narrative_language_gap",
                _(
                    "“%(narrative)s” is gaining negative coverage in %(language)s-language outlets "
                    "(%(neg)s of %(n)s mentions negative, %(share)s%% against %(was)s%% before), and none "
                    "of our posts in %(language)s went out in the period: consider a post in %(language)s "
                    "backed by a verified claim."
                )
                % {
                    "narrative": titles.get(key) or _narrative_title(key, data.language),
                    "language": language_name(language, data.language),
                    "neg": neg,
                    "n": n,
                    "share": round(share * 100),
                    "was": round(was_share * 100),
                },
                "warning",
            )
        )
    return out


def _narrative_title(key: str, lang: str) -> str:
    narrative = Narrative.objects.filter(key=key).first()
    return narrative.title(lang) if narrative else key


def silent_mission(data: BriefData, period: Period) -> list[Recommendation]:
    start, end = day_bounds(period)
    out = []
    for mission in Mission.objects.filter(is_active=True).exclude(kind=MissionKind.HQ).order_by("name"):
        coverage = Mention.objects.filter(
            country=data.country,
            day__gte=period.start,
            day__lte=period.end,
            document__outlet_country=mission.host_country,
        ).count()
        if coverage < MIN_HOST_COVERAGE:
            continue
        posted = Delivery.objects.filter(
            channel__mission=mission,
            state=DeliveryState.PUBLISHED,
            published_at__gte=start,
            published_at__lt=end,
        ).exists()
        if not posted:
            out.append(
                _rec(
                    "silent_mission",
                    _(
                        "%(mission)s published nothing while %(host)s outlets mentioned %(country)s "
                        "%(n)s times: plan a post for the host audience."
                    )
                    % {
                        "mission": mission.name,
                        "host": country_name(mission.host_country, data.language),
                        "country": data.country_name,
                        "n": coverage,
                    },
                )
            )
    return out


def deliveries_need_a_person(data: BriefData, period: Period) -> list[Recommendation]:
    if not data.failed_deliveries:
        return []
    return [
        _rec(
            "deliveries_need_a_person",
            _("%(n)s deliveries due in the period failed or are unconfirmed: resolve them on the board.")
            % {"n": data.failed_deliveries},
            "warning",
        )
    ]


def claims_expiring(data: BriefData, period: Period) -> list[Recommendation]:
    horizon = period.end + dt.timedelta(days=EXPIRY_DAYS)
    claims = Claim.objects.filter(
        verified_at__isnull=False, valid_until__gte=period.start, valid_until__lte=horizon
    ).order_by("valid_until", "subject")
    return [
        _rec(
            "claims_expiring",
            _("The claim “%(claim)s” is valid until %(day)s: re-verify or replace it before using it.")
            % {"claim": str(claim), "day": claim.valid_until.isoformat() if claim.valid_until else ""},
        )
        for claim in claims
    ]


def image_drop(data: BriefData, period: Period) -> list[Recommendation]:
    change = data.image_change
    if change is None or change > -IMAGE_DROP:
        return []
    return [
        _rec(
            "image_drop",
            _(
                "The image score fell %(points)s points to %(score)s: look at the narratives that rose "
                "and answer the negative ones with sourced posts."
            )
            % {"points": abs(change), "score": data.image_score},
            "warning",
        )
    ]


RULES = [image_drop, narrative_language_gap, silent_mission, deliveries_need_a_person, claims_expiring]


def recommend(data: BriefData, period: Period) -> list[Recommendation]:
    return [rec for rule in RULES for rec in rule(data, period)]
