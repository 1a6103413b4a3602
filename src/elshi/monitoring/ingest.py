"""From files to stored, analysed documents: parse (elshi.sources), analyse (elshi.analysis), upsert.

Storage is an idempotent upsert on the canonical URL: importing the same file twice changes
nothing; a document whose text changed is updated, and its mentions replaced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from elshi.common.profile import profile_for, profile_key
from elshi.documents import Quarantined, RawDocument
from elshi.monitoring.models import Document, Mention, QuarantinedItem, RelationEvent
from elshi.monitoring.rollup import refresh

BATCH = 200


@dataclass
class ImportSummary:
    parsed: int = 0
    quarantined: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    mentions: int = 0
    events: int = 0
    files: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"parsed={self.parsed} quarantined={self.quarantined} new={self.new} updated={self.updated} "
            f"unchanged={self.unchanged} mentions={self.mentions} files={len(self.files)}"
            + (f" events={self.events}" if self.events else "")
        )


def _event(doc: RawDocument) -> RelationEvent | None:
    """The GDELT event a ``gdelt-events`` document carries (elshi.sources.events), or None."""
    extra = doc.extra
    if "gdelt_event_id" not in extra:
        return None
    try:
        return RelationEvent(
            event_id=int(extra["gdelt_event_id"]),
            day=dt.date.fromisoformat(extra.get("event_day") or doc.published_at.date().isoformat()),
            actor1_country=extra.get("actor1_country", "")[:2],
            actor2_country=extra.get("actor2_country", "")[:2],
            actor1_name=extra.get("actor1", "")[:200],
            actor2_name=extra.get("actor2", "")[:200],
            event_code=extra.get("cameo_code", "")[:8],
            quad_class=int(extra.get("quad_class") or 0),
            goldstein=float(extra.get("goldstein") or 0.0),
            avg_tone=float(extra.get("avg_tone") or 0.0),
            num_mentions=max(int(extra.get("num_mentions") or 1), 1),
            source_url=doc.url[:1000],
        )
    except ValueError:
        return None


def _store(docs: list[RawDocument], analyses: list[Any], summary: ImportSummary) -> None:
    touched: set[dt.date] = set()  # days whose rollup rows are recomputed after the batch
    with transaction.atomic():
        events = [e for e in map(_event, docs) if e is not None and 1 <= e.quad_class <= 4]
        if events:
            RelationEvent.objects.bulk_create(events, ignore_conflicts=True)
            summary.events += len(events)
        for doc, result in zip(docs, analyses, strict=True):
            existing = Document.objects.filter(canonical_url=result.canonical_url).first()
            if existing is not None and existing.content_hash == result.content_hash:
                summary.unchanged += 1
                continue
            if existing is not None:
                touched.add(existing.published_at.astimezone(dt.UTC).date())
            touched.add(doc.published_at.date())
            values = {
                "source_id": doc.source_id,
                "title": doc.title,
                "text": doc.text[:100_000],
                "published_at": doc.published_at,
                "language": result.lang,
                "outlet": doc.outlet or "",
                "outlet_country": doc.outlet_country or "",
                "platform": doc.platform,
                "content_hash": result.content_hash,
                "story_id": result.story_id,
                "gdelt_tone": doc.gdelt_tone.tone if doc.gdelt_tone else None,
                "narratives": [[key, round(score, 3)] for key, score in result.narratives],
            }
            document, created = Document.objects.update_or_create(
                canonical_url=result.canonical_url, defaults=values
            )
            summary.new += created
            summary.updated += not created
            document.mentions.all().delete()
            rows = []
            for found in result.mentions:
                tone = result.tones.get(found.country)
                rows.append(
                    Mention(
                        document=document,
                        country=found.country,
                        count=found.count,
                        in_title=found.title_count > 0,
                        tone_label=tone.label if tone else "",
                        tone_score=tone.score if tone else None,
                        tone_evidence=list(tone.evidence)[:10] if tone else [],
                        day=doc.published_at.date(),
                    )
                )
            Mention.objects.bulk_create(rows)
            summary.mentions += len(rows)
        refresh(touched)


def import_items(
    items: Iterable[RawDocument | Quarantined],
    analyzer: Any,
    summary: ImportSummary,
    progress: Callable[[int], None] | None = None,
) -> None:
    batch: list[RawDocument] = []

    def flush() -> None:
        if batch:
            analyses = analyzer.analyze_documents(batch)
            _store(batch, analyses, summary)
            if progress is not None:
                progress(len(batch))
            batch.clear()

    for item in items:
        if isinstance(item, Quarantined):
            summary.quarantined += 1
            QuarantinedItem.objects.create(
                source_id=item.source_id,
                reason=item.reason,
                location=item.location[:500],
                raw=item.raw[:100_000],
            )
            continue
        summary.parsed += 1
        batch.append(item)
        if len(batch) >= BATCH:
            flush()
    flush()


class ProfileAnalyzer:
    """One analyser for a whole import (loading models once)."""

    def __init__(self, profile_key: str | None = None, tone: str | None = None) -> None:
        """``profile_key`` names a profile (``--profile``); by default the configured one."""
        # Loaded on first use: lingua, the tone models (and Dask, an extra) cost seconds at start-up.
        from elshi.analysis import Analyzer, StoryIndex

        self.profile = profile_for(profile_key)
        self.analyzer = Analyzer(self.profile, tone)
        self.stories = StoryIndex()

    def analyze_documents(self, docs: list[RawDocument]) -> list[Any]:
        # Loaded on first use: lingua, the tone models (and Dask, an extra) cost seconds at start-up.
        from elshi.analysis import AnalysisInput

        return list(self.analyzer.analyze([AnalysisInput(d) for d in docs], self.stories))


def store_result(result: Any, summary: ImportSummary) -> None:
    """Store one file's pipeline result (quarantine first, then documents and mentions)."""
    summary.files.append(result.path)
    for item in result.quarantined:
        summary.quarantined += 1
        QuarantinedItem.objects.create(
            source_id=item.source_id, reason=item.reason, location=item.location[:500], raw=item.raw[:100_000]
        )
    summary.parsed += len(result.docs)
    if result.docs:
        _store(result.docs, result.analyses, summary)


def import_paths(
    kind: str,
    paths: list[Path],
    *,
    profile: str | None = None,
    tone: str | None = None,
    countries: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
    scheduler: str | None = None,
) -> ImportSummary:
    """Each file through ``elshi.pipeline.analyse_file``: here, or on Dask when ``scheduler`` is given.

    Either way the results are stored here, file by file, so a cluster needs no database access.
    ``profile`` defaults to the configured one, named explicitly so that workers analyse for it too.
    """
    # Loaded on first use: lingua, the tone models (and Dask, an extra) cost seconds at start-up.
    from elshi.pipeline import analyse_file

    profile = profile or profile_key()
    summary = ImportSummary()
    codes = tuple(countries or ())
    if scheduler is None:
        for path in paths:
            result = analyse_file(kind, str(path), codes, profile, tone)
            store_result(result, summary)
            if progress is not None:
                progress(len(result.docs))
        return summary
    from distributed import Client, as_completed

    with Client(scheduler) as client:
        futures = [client.submit(analyse_file, kind, str(p), codes, profile, tone, pure=False) for p in paths]
        done = {}
        for future in as_completed(futures):
            result = future.result()
            done[result.path] = result
            if progress is not None:
                progress(len(result.docs))
    for path in paths:  # stored in the order given, as the local path does
        store_result(done[str(path)], summary)
    return summary
