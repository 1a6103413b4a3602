"""Raising alerts from the stored mentions, and telling people: in the app, by e-mail, to webhooks."""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import httpx
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse

from elshi.analysis.periods import baseline_days
from elshi.analysis.spikes import BASELINE_DAYS, DayVolume, Spike, day_spikes
from elshi.common.http import configured_hosts, outbound_client
from elshi.missions.models import Membership, Role
from elshi.missions.notify import notify
from elshi.monitoring.models import Alert, AlertKind, DailyNarrative, Mention

log = logging.getLogger(__name__)
NO_DAY = DayVolume(0, 0, 0)


def _daily(country: str, start: dt.date, end: dt.date) -> dict[dt.date, DayVolume]:
    rows = (
        Mention.objects.filter(country=country, day__gte=start, day__lte=end)
        .values("day")
        .annotate(
            volume=Sum("count"),
            negative=Count("pk", filter=Q(tone_label="negative")),
            toned=Count("pk", filter=~Q(tone_label="")),
        )
    )
    return {r["day"]: DayVolume(r["volume"] or 0, r["negative"], r["toned"]) for r in rows}


def check_day(day: dt.date, countries: list[str]) -> list[Alert]:
    """Volume and negativity spikes of ``day`` against the 28 days before it; idempotent per day.

    The decision is ``elshi.analysis.spikes.day_spikes`` (pure); this reads the days and stores alerts.
    """
    days = baseline_days(day, BASELINE_DAYS)
    raised: list[Alert] = []
    for country in countries:
        daily = _daily(country, days[0], day)
        found = day_spikes(
            daily.get(day, NO_DAY), [daily.get(d, NO_DAY) for d in days], settings.ELSHI_ALERT_MIN_VOLUME
        )
        raised += _raise(country, "", day, found)
    raised += check_narratives(day, countries)
    return raised


def check_narratives(day: dt.date, countries: list[str]) -> list[Alert]:
    """Per-narrative spikes: documents carrying a narrative, and their negative share, against 28 days.

    Read from the daily narrative rollup (one query for every country and narrative); the same
    robust z-score and minimum volume as the per-country alerts.
    """
    days = baseline_days(day, BASELINE_DAYS)
    table: dict[tuple[str, str], dict[dt.date, DayVolume]] = {}
    for country, narrative, d, docs, neg, toned in DailyNarrative.objects.filter(
        country__in=countries, day__gte=days[0], day__lte=day
    ).values_list("country", "narrative", "day", "documents", "negative", "toned"):
        table.setdefault((country, narrative), {})[d] = DayVolume(docs, neg, toned)
    minimum = settings.ELSHI_ALERT_MIN_VOLUME
    raised: list[Alert] = []
    for (country, narrative), daily in sorted(table.items()):
        found = day_spikes(daily.get(day, NO_DAY), [daily.get(d, NO_DAY) for d in days], minimum)
        raised += _raise(country, narrative, day, found)
    return raised


def _raise(
    country: str, narrative: str, day: dt.date, found: tuple[Spike | None, Spike | None]
) -> list[Alert]:
    """The new alerts among the (volume, negativity) spikes found, each raised once per signal and day."""
    raised: list[Alert] = []
    for kind, spike in zip((AlertKind.VOLUME, AlertKind.NEGATIVITY), found, strict=True):
        if spike is None:
            continue
        alert, created = Alert.objects.get_or_create(
            kind=kind,
            country=country,
            narrative=narrative,
            day=day,
            defaults={"value": spike.value, "baseline": spike.baseline, "score": spike.z},
        )
        if created:
            raised.append(alert)
            _tell_after_commit(alert)
    return raised


def _tell_after_commit(alert: Alert) -> None:
    transaction.on_commit(lambda: tell_people(alert))


def _text(alert: Alert) -> str:
    if alert.narrative:
        what = "documents" if alert.kind == AlertKind.VOLUME else "negative"
        value = f"{alert.value:.0f}" if alert.kind == AlertKind.VOLUME else f"{alert.value:.0%}"
        usual = f"{alert.baseline:.0f}" if alert.kind == AlertKind.VOLUME else f"{alert.baseline:.0%}"
        return (
            f"{alert.country}, narrative {alert.narrative}: {value} {what} on {alert.day}, "
            f"against a usual {usual} (robust z {alert.score})"
        )
    if alert.kind == AlertKind.VOLUME:
        return (
            f"{alert.country}: {alert.value:.0f} mentions on {alert.day}, "
            f"against a usual {alert.baseline:.0f} (robust z {alert.score})"
        )
    return (
        f"{alert.country}: {alert.value:.0%} of mentions negative on {alert.day}, against a usual "
        f"{alert.baseline:.0%} (robust z {alert.score})"
    )


def tell_people(alert: Alert) -> None:
    """In-app and e-mail notices to analysts and administrators; the configured webhooks."""
    url = reverse("listen_alert", args=[alert.pk])
    roles = Membership.objects.filter(role__in=[Role.ANALYST, Role.ADMIN]).values("user_id")
    people = get_user_model().objects.filter(Q(pk__in=roles) | Q(is_superuser=True), is_active=True)
    notify(people, "alert", _text(alert), url)
    for hook in settings.ELSHI_ALERT_WEBHOOKS:
        _post(
            hook,
            {
                "type": "elshi.alert",
                "kind": alert.kind,
                "country": alert.country,
                "narrative": alert.narrative,
                "day": alert.day.isoformat(),
                "value": alert.value,
                "baseline": alert.baseline,
                "z": alert.score,
                "text": _text(alert),
            },
        )
    if settings.ELSHI_ALERT_TELEGRAM_TOKEN and settings.ELSHI_ALERT_TELEGRAM_CHAT:
        _post(
            f"https://api.telegram.org/bot{settings.ELSHI_ALERT_TELEGRAM_TOKEN}/sendMessage",
            {"chat_id": settings.ELSHI_ALERT_TELEGRAM_CHAT, "text": f"elshi: {_text(alert)}"},
            secret=True,
        )


def _post(url: str, payload: dict[str, Any], secret: bool = False) -> None:
    shown = "Telegram" if secret else url
    allowed = configured_hosts(*settings.ELSHI_ALERT_WEBHOOKS)
    try:
        with outbound_client(timeout=10.0, also_allowed=allowed) as client:
            response = client.post(
                url, content=json.dumps(payload), headers={"Content-Type": "application/json"}
            )
            response.raise_for_status()
    except httpx.HTTPError as exc:
        log.error("alert webhook %s failed: %s", shown, type(exc).__name__ if secret else exc)
