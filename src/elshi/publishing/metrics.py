"""Engagement snapshots, on a schedule that thins out with age (1 h, 6 h, 1 d, 3 d, 7 d, 30 d)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from elshi.connectors import ConnectorError
from elshi.publishing.accounts import http_client, publisher_for
from elshi.publishing.claiming import METRIC_AGES
from elshi.publishing.models import Delivery, DeliveryState, MetricSnapshot

log = logging.getLogger(__name__)


def next_collection(delivery: Delivery) -> dt.datetime | None:
    if delivery.published_at is None:
        return None
    age = timezone.now() - delivery.published_at
    later = [a for a in METRIC_AGES if a > age]
    return delivery.published_at + later[0] if later else None


def collect_due(limit: int = 500) -> int:
    now = timezone.now()
    due = Delivery.objects.filter(state=DeliveryState.PUBLISHED, next_metrics_at__lte=now).select_related(
        "channel"
    )
    count = 0
    with http_client() as client:
        for delivery in due[:limit]:
            try:
                metrics = publisher_for(delivery.channel, client).fetch_metrics(delivery.remote_id)
            except ConnectorError as exc:
                log.info("no metrics for delivery %s: %s", delivery.pk, exc)
                metrics = None
            if metrics is not None:
                MetricSnapshot.objects.create(
                    delivery=delivery,
                    fetched_at=metrics.fetched_at,
                    likes=metrics.likes,
                    reposts=metrics.reposts,
                    replies=metrics.replies,
                    quotes=metrics.quotes,
                    views=metrics.views,
                    link_clicks=metrics.link_clicks,
                )
                count += 1
            Delivery.objects.filter(pk=delivery.pk).update(next_metrics_at=next_collection(delivery))
    return count
