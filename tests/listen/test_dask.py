"""The backfill on a real Dask cluster (a LocalCluster on 127.0.0.1) gives the same rows as the local path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from elshi.monitoring.ingest import import_paths
from elshi.monitoring.models import Document, Mention, QuarantinedItem

pytestmark = pytest.mark.slow
FIXTURE = Path(__file__).with_name("fixtures") / "monitoring_export.csv"


def _rows() -> list[tuple[Any, ...]]:
    return sorted(
        Mention.objects.values_list(
            "document__canonical_url",
            "country",
            "count",
            "in_title",
            "tone_label",
            "document__language",
            "document__story_id",
        )
    )


def test_dask_path_equals_local_path(db: Any, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    second = tmp_path / "second.csv"
    second.write_text(FIXTURE.read_text().replace("https://", "https://mirror."), encoding="utf-8")
    local = import_paths("csv", [FIXTURE, second], tone="lexicon")
    local_rows, local_quarantine = _rows(), QuarantinedItem.objects.count()
    Mention.objects.all().delete()
    Document.objects.all().delete()
    QuarantinedItem.objects.all().delete()

    with distributed.LocalCluster(
        host="127.0.0.1", n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        remote = import_paths("csv", [FIXTURE, second], tone="lexicon", scheduler=cluster.scheduler_address)
    assert (
        (remote.parsed, remote.quarantined, remote.new)
        == (local.parsed, local.quarantined, local.new)
        == (8, 2, 8)
    )
    assert _rows() == local_rows and QuarantinedItem.objects.count() == local_quarantine
