"""The mention explorer's pieces: filters from the URL, the sentence with its marks, story grouping, exports.

Highlighting escapes first, then marks: the sentence is cut into plain pieces and marked pieces, each
piece is escaped, and only elshi's own ``<mark>`` tags are added around the escaped text.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from elshi.analysis import MentionFinder
from elshi.analysis.textfold import fold
from elshi.common.profile import profile_for, profile_key
from elshi.monitoring.models import Document, Mention

FILTERS = ("country", "language", "tone", "outlet_country", "outlet", "q", "narrative", "from", "to")
EXPORT_MAX = 50_000
SENTENCE_END = re.compile(r"[.!?。！？\n]")
WINDOW = 300


def chosen(params: Any) -> dict[str, str]:
    return {k: str(params.get(k, "")).strip()[:200] for k in FILTERS}


def filtered(picked: dict[str, str]) -> tuple[QuerySet[Mention], list[str]]:
    """Mentions matching the filters, and the problems with the filters that were ignored."""
    mentions = Mention.objects.select_related("document")
    problems: list[str] = []
    if picked["country"]:
        mentions = mentions.filter(country=picked["country"].upper())
    if picked["language"]:
        mentions = mentions.filter(document__language=picked["language"].lower())
    if picked["tone"] in ("positive", "negative", "neutral"):
        mentions = mentions.filter(tone_label=picked["tone"])
    if picked["outlet_country"]:
        mentions = mentions.filter(document__outlet_country=picked["outlet_country"].upper())
    if picked["outlet"]:
        mentions = mentions.filter(document__outlet__icontains=picked["outlet"])
    if picked["q"]:
        mentions = mentions.filter(
            Q(document__title__icontains=picked["q"]) | Q(document__text__icontains=picked["q"])
        )
    if picked["narrative"]:
        mentions = mentions.filter(document__narratives__icontains=f'"{picked["narrative"]}"')
    for key, lookup in (("from", "day__gte"), ("to", "day__lte")):
        if picked[key]:
            try:
                mentions = mentions.filter(**{lookup: dt.date.fromisoformat(picked[key])})
            except ValueError:
                problems.append(key)
    return mentions, problems


def _finder() -> Any:
    return _finder_for(profile_key())


@functools.lru_cache(maxsize=4)
def _finder_for(key: str) -> Any:
    """Building the automaton takes longer than a page: one per configured profile."""
    return MentionFinder(profile_for(key))


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(0, start - WINDOW)
    cut = [m.end() for m in SENTENCE_END.finditer(text, left, start)]
    s = cut[-1] if cut else left
    after = SENTENCE_END.search(text, end, min(len(text), end + WINDOW))
    e = after.end() if after else min(len(text), end + WINDOW)
    return s, e


def _marks(sentence: str, spans: list[tuple[int, int]], evidence: list[str]) -> SafeString:
    marks: list[tuple[int, int, str]] = [(a, b, "hit") for a, b in spans]
    words = [w for w in evidence if isinstance(w, str) and w.strip()]
    if words:
        pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
        marks += [(m.start(), m.end(), "tone-word") for m in pattern.finditer(sentence)]
    marks.sort()
    out: list[str] = []
    at = 0
    for a, b, kind in marks:
        if a < at:  # overlapping marks: the first one wins
            continue
        out.append(escape(sentence[at:a]))
        out.append(f'<mark class="{kind}">{escape(sentence[a:b])}</mark>')
        at = b
    out.append(escape(sentence[at:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece of text above went through escape()


def highlight(mention: Mention) -> SafeString:
    """The sentence that names the country, with the name and the tone's evidence words marked."""
    doc = mention.document
    evidence = [str(e) for e in mention.tone_evidence or []]
    for text in (doc.text or "", doc.title or ""):
        if not text or len(fold(text)) != len(text):
            continue
        hits = [m for m in _finder().scan(text).mentions if m.country == mention.country]
        if not hits:
            continue
        s, e = _sentence(text, hits[0].start, hits[0].end)
        spans = [(m.start - s, m.end - s) for m in hits if m.start >= s and m.end <= e]
        prefix = "… " if s > 0 else ""
        suffix = " …" if e < len(text) else ""
        return mark_safe(escape(prefix) + _marks(text[s:e].strip("\n"), spans, evidence) + escape(suffix))  # noqa: S308
    return _marks((doc.title or "")[:WINDOW], [], evidence)


def group_stories(page: list[Mention], base: QuerySet[Mention]) -> list[dict[str, Any]]:
    """One row per story on the page: its first mention, and every copy matching the filters (two queries)."""
    stories = list(dict.fromkeys(m.document.story_id for m in page))
    copies: dict[str, list[Mention]] = {s: [] for s in stories}
    # Documents first, through the story index, then their mentions by document: never a scan of the
    # country's mentions in date order (which SQLite would pick for an ORDER BY on the joined query).
    ids = list(Document.objects.filter(story_id__in=stories).values_list("pk", flat=True)[:1000])
    found = sorted(base.filter(document_id__in=ids), key=lambda m: (m.day, m.pk), reverse=True)
    for m in found:
        copies[m.document.story_id].append(m)
    rows = []
    seen: set[str] = set()
    for m in page:
        story = m.document.story_id
        if story in seen:
            continue
        seen.add(story)
        others = [c for c in copies.get(story, []) if c.pk != m.pk]
        rows.append({"mention": m, "copies": others, "sentence": highlight(m)})
    return rows


HEADER = [
    "day",
    "country",
    "tone",
    "tone_score",
    "evidence",
    "title",
    "url",
    "outlet",
    "outlet_country",
    "language",
    "narratives",
    "story",
    "in_title",
    "times_named",
    "published_at_utc",
]


def export_rows(mentions: QuerySet[Mention]) -> Iterator[list[Any]]:
    for m in mentions.order_by("-day", "-pk")[:EXPORT_MAX].iterator(chunk_size=2000):
        d = m.document
        yield [
            m.day.isoformat(),
            m.country,
            m.tone_label,
            m.tone_score,
            ", ".join(map(str, m.tone_evidence or [])),
            d.title,
            d.canonical_url,
            d.outlet,
            d.outlet_country,
            d.language,
            ", ".join(str(n[0]) for n in d.narratives or [] if n),
            d.story_id,
            m.in_title,
            m.count,
            d.published_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        ]
