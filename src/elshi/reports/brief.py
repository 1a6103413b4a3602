"""The weekly nation-image brief as data: ``build_brief(country, start, end, peers, lang) -> BriefData``.

Everything here reads stored listening and publishing data and returns plain dataclasses, so that the
HTML, the PDF, the API, the exports and the e-mail all show the same figures. Definitions:

- *image score* and *share of voice* are listening's (``elshi.monitoring.index``):
  image score = 50 + 50 x (positive share - negative share) of the country's toned mentions;
  share of voice = the country's mentions over all mentions of the country and its peers.
- The *previous period* has the same length and ends the day before ``start``.
- A narrative *rose* when it has more mentions of the country than in the previous period, and *fell*
  when it has fewer; each comes with up to three example mentions (most negative first when it rose).
- *Relations* are listening's (``elshi.monitoring.index.relations_for``): the stored GDELT Events
  between the country and each partner folded with ``elshi.sources.relations`` (events per QuadClass,
  mention-weighted Goldstein and tone).
- *Our publishing* is every delivery published in the period, with the latest metric snapshot.
- *What to do next* comes from the documented rules in ``elshi.reports.rules``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import translation

from elshi.common.profile import current_profile
from elshi.content.models import Narrative
from elshi.monitoring.index import CountryRow, country_rows, relations_for
from elshi.monitoring.models import Alert, Mention
from elshi.publishing.models import NEEDS_A_PERSON, Delivery, DeliveryState
from elshi.reports.countries import country_name
from elshi.reports.metrics import latest_metrics
from elshi.reports.periods import Period, day_bounds
from elshi.reports.rules import Recommendation, recommend

EXAMPLES = 3


@dataclass
class CountryLine:
    country: str
    name: str
    mentions: int
    image_score: float | None
    share_of_voice: float
    positive_share: float
    negative_share: float
    previous_image_score: float | None = None
    previous_share_of_voice: float = 0.0


@dataclass
class DayLine:
    day: dt.date
    mentions: int
    positive: int
    neutral: int
    negative: int


@dataclass
class Example:
    title: str
    url: str
    outlet: str
    language: str
    tone: str
    day: dt.date


@dataclass
class NarrativeMove:
    key: str
    title: str
    mentions: int
    previous: int
    negative_share: float
    previous_negative_share: float
    examples: list[Example] = field(default_factory=list)

    @property
    def change(self) -> int:
        return self.mentions - self.previous


@dataclass
class AlertLine:
    kind: str
    kind_label: str
    day: dt.date
    narrative: str
    value: float
    baseline: float
    score: float
    state: str
    url: str


@dataclass
class RelationLine:
    counterpart: str
    name: str
    events: int
    mentions: int
    cooperation_share: float
    goldstein: float
    tone: float


@dataclass
class PublishedLine:
    post: str
    mission: str
    platform: str
    channel: str
    language: str
    published_at: dt.datetime | None
    url: str
    views: int | None
    engagements: int


@dataclass
class BriefData:
    country: str
    country_name: str
    language: str
    start: dt.date
    end: dt.date
    previous_start: dt.date
    previous_end: dt.date
    peers: list[str]
    image_score: float | None
    previous_image_score: float | None
    mentions: int
    previous_mentions: int
    countries: list[CountryLine]
    days: list[DayLine]
    rose: list[NarrativeMove]
    fell: list[NarrativeMove]
    alerts: list[AlertLine]
    relations: list[RelationLine]
    published: list[PublishedLine]
    failed_deliveries: int
    recommendations: list[Recommendation]

    @property
    def image_change(self) -> float | None:
        if self.image_score is None or self.previous_image_score is None:
            return None
        return round(self.image_score - self.previous_image_score, 1)


def web_url(url: str) -> str:
    """Only http(s) links reach the brief: a stored URL from a feed is never trusted as a link."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def brief_json(data: BriefData) -> dict[str, Any]:
    """The brief as JSON-safe data (dates as ISO strings), with the derived image change."""
    out: dict[str, Any] = _json_safe(asdict(data))
    out["image_change"] = data.image_change
    for key in ("rose", "fell"):
        for move, obj in zip(out[key], getattr(data, key), strict=True):
            move["change"] = obj.change
    return out


def index_rows(period: Period, countries: list[str]) -> dict[str, CountryRow]:
    """Listening's index (``elshi.monitoring.index``) of ``countries`` over the period, by country."""
    return {row.country: row for row in country_rows(period.start, period.end, countries)}


def _country_lines(period: Period, countries: list[str], lang: str) -> list[CountryLine]:
    now = index_rows(period, countries)
    before = index_rows(period.previous(), countries)
    return [
        CountryLine(
            code,
            country_name(code, lang),
            now[code].mentions,
            now[code].image_score,
            now[code].share_of_voice,
            now[code].positive_share,
            now[code].negative_share,
            before[code].image_score,
            before[code].share_of_voice,
        )
        for code in countries
    ]


def _days(country: str, period: Period) -> list[DayLine]:
    rows = (
        Mention.objects.filter(country=country, day__gte=period.start, day__lte=period.end)
        .values("day")
        .annotate(
            n=Sum("count"),
            pos=Count("pk", filter=Q(tone_label="positive")),
            neg=Count("pk", filter=Q(tone_label="negative")),
            rows=Count("pk"),
        )
    )
    by_day = {r["day"]: r for r in rows}
    out = []
    for i in range(period.days):
        day = period.start + dt.timedelta(days=i)
        r = by_day.get(day)
        if r is None:
            out.append(DayLine(day, 0, 0, 0, 0))
        else:
            out.append(DayLine(day, r["n"] or 0, r["pos"], r["rows"] - r["pos"] - r["neg"], r["neg"]))
    return out


def narrative_counts(country: str, period: Period) -> dict[str, dict[str, int]]:
    """Per narrative key: mention rows of ``country`` in the period ("n") and the negative ones ("neg")."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"n": 0, "neg": 0})
    rows = Mention.objects.filter(country=country, day__gte=period.start, day__lte=period.end).values_list(
        "tone_label", "document__narratives"
    )
    for tone, narratives in rows.iterator(chunk_size=2000):
        for key in narratives or []:
            counts[str(key)]["n"] += 1
            counts[str(key)]["neg"] += tone == "negative"
    return counts


def _examples(country: str, period: Period, key: str, negative_first: bool) -> list[Example]:
    mentions = (
        Mention.objects.filter(country=country, day__gte=period.start, day__lte=period.end)
        .filter(document__narratives__icontains=f'"{key}"')
        .select_related("document")
        .order_by("tone_score" if negative_first else "-tone_score", "-day", "pk")
    )
    found = []
    for m in mentions[: EXAMPLES * 3]:
        if key not in (m.document.narratives or []):
            continue  # icontains may match a longer key
        d = m.document
        found.append(
            Example(
                d.title or d.canonical_url,
                web_url(d.canonical_url),
                d.outlet,
                d.language,
                m.tone_label,
                m.day,
            )
        )
        if len(found) == EXAMPLES:
            break
    return found


def narrative_titles(lang: str) -> dict[str, str]:
    return {n.key: n.title(lang) for n in Narrative.objects.all()}


def _moves(country: str, period: Period, lang: str) -> tuple[list[NarrativeMove], list[NarrativeMove]]:
    now = narrative_counts(country, period)
    before = narrative_counts(country, period.previous())
    titles = narrative_titles(lang)
    moves = []
    for key in sorted(set(now) | set(before)):
        n, p = now.get(key, {"n": 0, "neg": 0}), before.get(key, {"n": 0, "neg": 0})
        moves.append(
            NarrativeMove(
                key,
                titles.get(key, key),
                n["n"],
                p["n"],
                round(n["neg"] / n["n"], 3) if n["n"] else 0.0,
                round(p["neg"] / p["n"], 3) if p["n"] else 0.0,
            )
        )
    rose = sorted((m for m in moves if m.change > 0), key=lambda m: (-m.change, m.key))[:5]
    fell = sorted((m for m in moves if m.change < 0), key=lambda m: (m.change, m.key))[:5]
    for m in rose:
        m.examples = _examples(country, period, m.key, negative_first=True)
    for m in fell:
        m.examples = _examples(country, period, m.key, negative_first=False)
    return rose, fell


def _alerts(country: str, period: Period) -> list[AlertLine]:
    alerts = Alert.objects.filter(country=country, day__gte=period.start, day__lte=period.end)
    return [
        AlertLine(
            a.kind,
            str(a.get_kind_display()),
            a.day,
            a.narrative,
            a.value,
            round(a.baseline, 2),
            round(a.score, 1),
            a.state,
            reverse("listen_alert", args=[a.pk]),
        )
        for a in alerts.order_by("day", "kind")
    ]


def _relations(country: str, period: Period, lang: str) -> list[RelationLine]:
    return [
        RelationLine(
            r.counterpart,
            country_name(r.counterpart, lang),
            r.events,
            r.mentions,
            round(r.cooperation_share, 3),
            round(r.goldstein, 2),
            round(r.tone, 2),
        )
        for r in relations_for(country, period.start, period.end, limit=10)
    ]


def _published(period: Period) -> tuple[list[PublishedLine], int]:
    start, end = day_bounds(period)
    deliveries = list(
        Delivery.objects.filter(
            state=DeliveryState.PUBLISHED, published_at__gte=start, published_at__lt=end
        ).select_related("post", "channel", "channel__mission", "variant")
    )
    latest = latest_metrics([d.pk for d in deliveries])
    lines = []
    for d in sorted(deliveries, key=lambda d: (d.published_at or start, d.pk)):
        m = latest.get(d.pk)
        lines.append(
            PublishedLine(
                d.post.title,
                d.channel.mission.name,
                d.channel.get_platform_display(),
                d.channel.handle,
                d.variant.language if d.variant else d.channel.language,
                d.published_at,
                web_url(d.remote_url),
                m.views if m else None,
                m.engagements if m else 0,
            )
        )
    failed = Delivery.objects.filter(state__in=NEEDS_A_PERSON, due_at__gte=start, due_at__lt=end).count()
    return lines, failed


def default_peers() -> list[str]:
    return list(current_profile().peers)


def build_brief(
    country: str, start: dt.date, end: dt.date, peers: list[str] | None = None, lang: str = "en"
) -> BriefData:
    """Every figure of the brief for ``country`` from ``start`` to ``end`` (UTC days, inclusive)."""
    if end < start:
        raise ValueError("the period ends before it starts")
    country = country.upper()
    peer_list = [p.upper() for p in (default_peers() if peers is None else peers) if p.upper() != country]
    period = Period(start, end)
    previous = period.previous()
    with translation.override(lang):
        lines = _country_lines(period, [country, *peer_list], lang)
        target = lines[0]
        rose, fell = _moves(country, period, lang)
        published, failed = _published(period)
        relation_lines = _relations(country, period, lang)
        data = BriefData(
            country=country,
            country_name=country_name(country, lang),
            language=lang,
            start=start,
            end=end,
            previous_start=previous.start,
            previous_end=previous.end,
            peers=peer_list,
            image_score=target.image_score,
            previous_image_score=target.previous_image_score,
            mentions=target.mentions,
            previous_mentions=index_rows(previous, [country])[country].mentions,
            countries=lines,
            days=_days(country, period),
            rose=rose,
            fell=fell,
            alerts=_alerts(country, period),
            relations=relation_lines,
            published=published,
            failed_deliveries=failed,
            recommendations=[],
        )
        data.recommendations = recommend(data, period)
    return data
