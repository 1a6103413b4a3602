"""``analyze_batch(docs, profile) -> list[DocumentAnalysis]``: the listening pipeline's pure core.

Deterministic (same documents, same results, whatever their order) and
picklable (an :class:`Analyzer` ships to a Dask worker or a process pool;
models load lazily on first use there). Per document: language, mentions of
every profile country, tone toward each mentioned country (the windows
around its first mentions) and toward the target (a given span, else the
profile's target where mentioned, else the document), narratives, story id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from elshi.analysis.document import CountryMentions, DocumentAnalysis
from elshi.analysis.language import LanguageIdentifier
from elshi.analysis.mentions import MentionFinder
from elshi.analysis.narratives import NarrativeTagger
from elshi.analysis.profile import CountryProfile
from elshi.analysis.stories import StoryIndex, canonical_url, content_hash
from elshi.analysis.tone import ToneModel, ToneQuery, ToneResult, make_tone_model, window_of
from elshi.analysis.tone.embedding import EmbeddingTone
from elshi.documents import RawDocument

__all__ = ["AnalysisInput", "Analyzer", "analyze_batch"]

MAX_WINDOWS = 4  # mentions per country whose windows are scored: the first ones carry the story
AGGREGATE_BAND = 0.1


@dataclass(frozen=True, slots=True)
class AnalysisInput:
    document: RawDocument
    target: tuple[int, int] | None = None  # a span of ``document.text`` to score tone toward


@dataclass
class _Plan:
    queries: list[ToneQuery] = field(default_factory=list)
    owners: list[tuple[int, str]] = field(default_factory=list)  # (document index, country or "@target")


def _mean(results: list[ToneResult]) -> ToneResult:
    """Tone over several windows: mean probabilities; the label follows the mean signed score, so
    windows that only name the country (a bare title) do not drown the ones that judge it."""
    if len(results) == 1:
        return results[0]
    probs = tuple(float(np.mean([r.probs[i] for r in results])) for i in range(3))
    triple = (probs[0], probs[1], probs[2])
    score = float(np.mean([r.score for r in results]))
    label = "positive" if score >= AGGREGATE_BAND else "negative" if score <= -AGGREGATE_BAND else "neutral"
    evidence = list(dict.fromkeys(w for r in results for w in r.evidence))[:5]
    return ToneResult(label, max(-1.0, min(1.0, score)), triple, evidence)


class Analyzer:
    """Holds the profile's automaton, language model, tone tier and narrative tagger."""

    def __init__(
        self,
        profile: CountryProfile,
        tone: str | ToneModel | None = None,
        extra_languages: Sequence[str] = (),
        narrative_similarity: bool | None = None,
        document_tone: bool = True,
    ) -> None:
        self.profile = profile
        self.finder = MentionFinder(profile)
        self.language = LanguageIdentifier([*profile.languages, *extra_languages])
        self.tone: ToneModel = make_tone_model(tone) if tone is None or isinstance(tone, str) else tone
        self.narratives = NarrativeTagger(profile)
        uses_e5 = isinstance(self.tone, EmbeddingTone) and "e5" in self.tone.parts
        self.narrative_similarity = uses_e5 if narrative_similarity is None else narrative_similarity
        # Without a target span or a target mention, score the document itself (the analyze contract);
        # the listening pipeline turns this off for documents that name no profile country at all.
        self.document_tone = document_tone

    def analyze(
        self, items: Sequence[AnalysisInput], stories: StoryIndex | None = None
    ) -> list[DocumentAnalysis]:
        docs = [item.document for item in items]
        hinted = [d.language_hint for d in docs]
        need = [i for i, hint in enumerate(hinted) if not hint]
        found = self.language.identify([f"{docs[i].title}\n{docs[i].text}" for i in need]) if need else []
        langs = [hint or "" for hint in hinted]
        for i, lang in zip(need, found, strict=True):
            langs[i] = lang
        scans = [self.finder.scan(d.text, d.title) for d in docs]
        plan = _Plan()
        windows: list[list[int]] = [[] for _ in docs]  # query indices feeding each document's narratives
        for i, (item, scan) in enumerate(zip(items, scans, strict=True)):
            doc, doc_lang = item.document, langs[i] or None
            for country in sorted(scan.counts()):
                seen: set[str] = set()
                for mention in scan.of(country):
                    if mention.in_title:
                        query = ToneQuery(doc.title, mention.start, mention.end, doc_lang)
                    else:
                        query = ToneQuery(doc.text, mention.start, mention.end, doc_lang)
                    key = window_of(query)
                    if key in seen:
                        continue
                    seen.add(key)
                    plan.queries.append(query)
                    plan.owners.append((i, country))
                    if country == self.profile.target and item.target is None:
                        windows[i].append(len(plan.queries) - 1)
                    if len(seen) >= MAX_WINDOWS:
                        break
            wants_document = self.document_tone or bool(scan.counts())
            if item.target is not None or (self.profile.target not in scan.counts() and wants_document):
                start, end = item.target if item.target is not None else (None, None)
                plan.queries.append(ToneQuery(doc.text or doc.title, start, end, doc_lang))
                plan.owners.append((i, "@target"))
                windows[i].append(len(plan.queries) - 1)
        vectors = None
        if self.narrative_similarity and plan.queries:
            encoder = self.tone if isinstance(self.tone, EmbeddingTone) else EmbeddingTone()
            vectors = encoder.encode(plan.queries)
        if isinstance(self.tone, EmbeddingTone):
            results = self.tone.score(plan.queries, vectors)
        else:
            results = self.tone.score(plan.queries)
        per_doc: list[dict[str, list[ToneResult]]] = [{} for _ in docs]
        for (i, owner), result in zip(plan.owners, results, strict=True):
            per_doc[i].setdefault(owner, []).append(result)
        stories = stories if stories is not None else StoryIndex()
        order = sorted(
            range(len(docs)),
            key=lambda i: (
                docs[i].published_at,
                canonical_url(docs[i].url),
                content_hash(docs[i].title, docs[i].text),
            ),
        )
        story_ids = [""] * len(docs)
        for i in order:
            story_ids[i] = stories.assign(docs[i].url, docs[i].title, docs[i].text)
        analyses: list[DocumentAnalysis] = []
        encode: Any = EmbeddingTone().encoder.encode if vectors is not None else None
        for i, doc in enumerate(docs):
            scan, tones = scans[i], {c: _mean(r) for c, r in per_doc[i].items()}
            target_tone = tones.pop("@target", None) or tones.get(self.profile.target)
            texts = [window_of(plan.queries[q]) for q in windows[i]]
            vecs = vectors[windows[i]] if vectors is not None and windows[i] else None
            narratives = self.narratives.tag(texts, vecs, encode) if texts else []
            mentions = tuple(
                CountryMentions(
                    country,
                    count,
                    tuple((m.start, m.end) for m in scan.of(country) if not m.in_title),
                    sum(1 for m in scan.of(country) if m.in_title),
                    len(scan.of(country, weak=True)),
                )
                for country, count in sorted(scan.counts().items())
            )
            weak_only = {c: n for c, n in scan.counts(weak=True).items() if c not in scan.counts()}
            analyses.append(
                DocumentAnalysis(
                    source_id=doc.source_id,
                    url=doc.url,
                    canonical_url=canonical_url(doc.url),
                    content_hash=content_hash(doc.title, doc.text),
                    story_id=story_ids[i],
                    lang=langs[i] or "und",
                    mentions=mentions,
                    weak_signals=weak_only,
                    tone=target_tone,
                    tone_target="span"
                    if items[i].target is not None
                    else (self.profile.target if self.profile.target in scan.counts() else "document"),
                    tones={c: t for c, t in tones.items()},
                    narratives=tuple(narratives),
                    gdelt_tone=doc.gdelt_tone,
                )
            )
        return analyses


def analyze_batch(
    docs: Sequence[RawDocument],
    profile: CountryProfile,
    tone: str | ToneModel | None = None,
    stories: StoryIndex | None = None,
    document_tone: bool = True,
) -> list[DocumentAnalysis]:
    """Analyse a batch with a fresh :class:`Analyzer`; for repeated batches keep one and call ``analyze``.

    ``document_tone=False`` skips tone for documents naming no profile country (their ``tone`` is None).
    """
    analyzer = Analyzer(profile, tone, document_tone=document_tone)
    return analyzer.analyze([AnalysisInput(d) for d in docs], stories)
