"""``elshi bench analysis``: speed and peak memory of the analysis core against a naive stack.

The corpus is built from real sentences of ``../shared/data/eval`` (NewsMTSC,
RuSentNE, KazSAnDRA, XLM-T, RuSentiTweet): articles of about 3 KB in one
language each, about 20 % of them holding a sentence that names a profile
country. Each stage runs in a fresh process so its peak RSS is its own.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import random
import re
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from elshi.analysis.datasets import DEFAULT_DATA, load_kazsandra, load_newsmtsc, load_rusentne, load_xlmt
from elshi.analysis.profile import CountryProfile, configured_profile_name, load_profile
from elshi.measure import peak_rss_mb

__all__ = ["STAGES", "StageResult", "build_corpus", "run_stage"]

ARTICLE_CHARS = 3000
MENTION_SHARE = 0.2


@functools.lru_cache(maxsize=1)
def _profile() -> CountryProfile:
    """The installation's profile (``ELSHI_PROFILE``; each stage's fresh process inherits it)."""
    return load_profile(configured_profile_name())


@dataclass(frozen=True, slots=True)
class StageResult:
    stage: str
    docs: int
    seconds: float
    peak_mb: float
    mentions: int = 0
    cpu_seconds: float = 0.0  # CPU time of the stage's process over the timed part (0: not measured)

    @property
    def docs_per_s(self) -> float:
        return self.docs / self.seconds if self.seconds else 0.0

    @property
    def docs_per_cpu_s(self) -> float:
        """Docs per CPU second: steadier than wall time on a machine shared with other jobs."""
        return self.docs / self.cpu_seconds if self.cpu_seconds else 0.0


def _sentences(root: Path) -> dict[str, list[str]]:
    pools: dict[str, list[str]] = {
        "en": [r.text for r in load_newsmtsc(root, "train")],
        "ru": [r.text for r in load_rusentne(root, heldout=False)],
        "kk": [r.text for r in load_kazsandra(root, "train")[:8000]],
    }
    for lang in ("fr", "de", "ar"):
        pools[lang] = [r.text for r in load_xlmt(lang, root, "train")]
    return {lang: sorted(set(texts)) for lang, texts in pools.items()}


@functools.lru_cache(maxsize=2)
def _pools(root: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Sentences by language: those naming no profile country at all, and those naming one."""
    # Each stage imports what it measures (and the naive baseline, a dev extra) when it runs.
    from elshi.analysis.mentions import MentionFinder

    finder = MentionFinder(_profile())
    pools = _sentences(root)
    plain = {lang: [s for s in texts if not finder.scan(s).mentions] for lang, texts in pools.items()}
    named = {lang: [s for s in texts if finder.scan(s).counts()] for lang, texts in pools.items()}
    return plain, named


def build_corpus(n_docs: int, root: Path = DEFAULT_DATA, seed: int = 7) -> list[dict[str, str]]:
    """``n_docs`` articles ``{"id", "lang", "text"}``; deterministic for a seed."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not crypto
    plain, named = _pools(root)
    any_named = [s for texts in named.values() for s in texts]
    langs = sorted(plain)
    corpus = []
    for i in range(n_docs):
        lang = langs[i % len(langs)]
        parts: list[str] = []
        if rng.random() < MENTION_SHARE:
            parts.append(rng.choice(named[lang] or any_named))
        while sum(len(p) + 1 for p in parts) < ARTICLE_CHARS:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(plain[lang]))
        corpus.append({"id": f"b{i}", "lang": lang, "text": " ".join(parts)[: ARTICLE_CHARS + 400]})
    return corpus


def _peak_mb() -> float:
    return peak_rss_mb()


def _ours_lang_mentions(texts: list[str]) -> int:
    # Each stage imports what it measures (and the naive baseline, a dev extra) when it runs.
    from elshi.analysis.language import LanguageIdentifier
    from elshi.analysis.mentions import MentionFinder

    profile = _profile()
    finder, ident = MentionFinder(profile), LanguageIdentifier(profile.languages)
    ident.identify(
        texts[:64]
    )  # lingua loads each language's models on first use; the clock measures steady state
    count = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for start in range(0, len(texts), 512):
        chunk = texts[start : start + 512]
        ident.identify(chunk)
        count += sum(len(finder.scan(t).mentions) for t in chunk)
    _ours_lang_mentions.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    _ours_lang_mentions.cpu = time.process_time() - cpu_started  # type: ignore[attr-defined]
    return count


_WORKER: dict[str, Any] = {}


def _worker_init() -> None:
    # Each stage imports what it measures (and the naive baseline, a dev extra) when it runs.
    from elshi.analysis.language import LanguageIdentifier
    from elshi.analysis.mentions import MentionFinder

    profile = _profile()
    _WORKER["finder"], _WORKER["ident"] = MentionFinder(profile), LanguageIdentifier(profile.languages)
    _WORKER["ident"].identify(_WORKER["texts"][:64])  # lingua loads its models on first use: not timed


def _worker_range(bounds: tuple[int, int]) -> int:
    chunk = _WORKER["texts"][bounds[0] : bounds[1]]
    _WORKER["ident"].identify(chunk)
    return sum(len(_WORKER["finder"].scan(t).mentions) for t in chunk)


def _ours_parallel(texts: list[str], workers: int = 2) -> int:
    """Language and mentions over a pool of ``workers`` processes: the batch API's natural scale-out.

    The texts reach the workers through fork (as a Dask worker reads its own partition), so
    only chunk bounds and counts cross the pipes."""
    _WORKER["texts"] = texts
    size = 512
    bounds = [(i, min(i + size, len(texts))) for i in range(0, len(texts), size)]
    with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init) as pool:
        pool.map(_worker_range, [(0, 1)] * workers * 2)  # every worker is up and warm
        started = time.perf_counter()
        count = sum(pool.map(_worker_range, bounds, chunksize=1))
        _ours_parallel.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    _ours_parallel.children_mb = (  # type: ignore[attr-defined]
        workers * resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    )
    return count


def _raw_scan(texts: list[str]) -> int:
    # Each stage imports what it measures (and the naive baseline, a dev extra) when it runs.
    from elshi.analysis.mentions import MentionFinder

    finder = MentionFinder(_profile())
    started, cpu_started = time.perf_counter(), time.process_time()
    count = sum(finder.raw_hits(t) for t in texts)
    _raw_scan.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    _raw_scan.cpu = time.process_time() - cpu_started  # type: ignore[attr-defined]
    return count


def _naive(texts: list[str], with_vader: bool) -> int:
    """What people usually write: langdetect per document, one regex per alias, VADER on the page."""
    # Each stage imports what it measures (and the naive baseline, a dev extra) when it runs.
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    profile = _profile()
    patterns = [
        (c.code, re.compile(r"\b" + re.escape(a.form) + (r"\w*" if a.stem else r"\b"), re.IGNORECASE))
        for c in profile.countries
        for a in c.aliases
        if a.kind != "weak"
    ]
    vader: Any = None
    if with_vader:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        vader = SentimentIntensityAnalyzer()
    count = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for text in texts:
        try:
            detect(text)
        except LangDetectException:
            pass
        count += sum(len(p.findall(text)) for _, p in patterns)
        if vader is not None:
            vader.polarity_scores(text)
    _naive.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    _naive.cpu = time.process_time() - cpu_started  # type: ignore[attr-defined]
    return count


def _full(texts: list[str], tone: str, cold: bool = False) -> int:
    """The whole analysis in batches of 64. ``cold`` empties the encoder's in-process cache before
    every batch, so only repeats within a batch are embedded once (the corpus reuses its few
    country-naming sentences far more than real news does)."""
    # Each stage imports what it measures (and the naive baseline, a dev extra) when it runs.
    from datetime import UTC, datetime

    from elshi.analysis.batch import AnalysisInput, Analyzer
    from elshi.analysis.tone.encoder import forget
    from elshi.documents import RawDocument

    analyzer = Analyzer(_profile(), tone, document_tone=False)  # the pipeline's setting
    when = datetime(2025, 1, 1, tzinfo=UTC)
    docs = [
        AnalysisInput(RawDocument("bench", f"https://bench/{i}", "", t, when)) for i, t in enumerate(texts)
    ]
    named = _profile().country(_profile().target).name + ". "  # every warm-up text names the target
    warm = [
        AnalysisInput(RawDocument("bench", f"https://warm/{i}", "", named + t[:200], when))
        for i, t in enumerate(texts[:8])
    ]
    analyzer.analyze(warm)  # load the models once; the clock measures steady state
    if analyzer.narrative_similarity:  # the narratives' example sentences are embedded once per process
        from elshi.analysis.tone.encoder import E5Encoder

        analyzer.narratives.example_vectors(E5Encoder().encode)
    forget()  # nothing the warm-up embedded is reused by the measured run
    started, cpu_started = time.perf_counter(), time.process_time()
    results = []
    for start in range(0, len(docs), 64):
        if cold:
            forget()
        results += analyzer.analyze(docs[start : start + 64])
    _full.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    _full.cpu = time.process_time() - cpu_started  # type: ignore[attr-defined]
    return sum(m.count for r in results for m in r.mentions)


ENCODER_WINDOWS = 64


def _e5_windows(texts: list[str]) -> int:
    """The encoder alone: one batch of the first distinct mention windows of the corpus, the ceiling
    of the embedding tier (every tone query costs at least one such window)."""
    # Each stage imports what it measures (and the naive baseline, a dev extra) when it runs.
    from elshi.analysis.mentions import MentionFinder
    from elshi.analysis.tone import ToneQuery, window_of
    from elshi.analysis.tone.encoder import E5Encoder, forget

    finder = MentionFinder(_profile())
    windows: dict[str, None] = {}
    for text in texts:
        for m in finder.scan(text).mentions:
            windows[window_of(ToneQuery(text, m.start, m.end))] = None
        if len(windows) >= ENCODER_WINDOWS:
            break
    batch = list(windows)[:ENCODER_WINDOWS]
    encoder = E5Encoder()
    encoder.encode(["warm up"])
    forget()
    started, cpu_started = time.perf_counter(), time.process_time()
    encoder.encode(batch)
    _e5_windows.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    _e5_windows.cpu = time.process_time() - cpu_started  # type: ignore[attr-defined]
    _e5_windows.docs = len(batch)  # type: ignore[attr-defined]
    return len(batch)


def _lingua_only(texts: list[str], restricted: bool) -> int:
    # Each stage imports what it measures (and the naive baseline, a dev extra) when it runs.
    from lingua import LanguageDetectorBuilder

    from elshi.analysis.language import _to_language

    if restricted:
        langs = [lang for c in _profile().languages if (lang := _to_language(c)) is not None]
        builder = LanguageDetectorBuilder.from_languages(*langs)
    else:
        builder = LanguageDetectorBuilder.from_all_languages()
    detector = builder.with_preloaded_language_models().build()
    started, cpu_started = time.perf_counter(), time.process_time()
    detector.detect_languages_in_parallel_of([t[:200] for t in texts])
    _lingua_only.elapsed = time.perf_counter() - started  # type: ignore[attr-defined]
    _lingua_only.cpu = time.process_time() - cpu_started  # type: ignore[attr-defined]
    return 0


STAGES: dict[str, Callable[[list[str]], int]] = {
    "lang+mentions": _ours_lang_mentions,
    "lang+mentions-2p": _ours_parallel,
    "raw-scan": _raw_scan,
    "naive-lang+mentions": lambda texts: _naive(texts, with_vader=False),
    "naive-full": lambda texts: _naive(texts, with_vader=True),
    "full-lexicon": lambda texts: _full(texts, "lexicon"),
    "full-embedding": lambda texts: _full(texts, "embedding"),
    "full-embedding-cold": lambda texts: _full(texts, "embedding", cold=True),
    "e5-windows": _e5_windows,
    "lingua-restricted": lambda texts: _lingua_only(texts, restricted=True),
    "lingua-all": lambda texts: _lingua_only(texts, restricted=False),
}
_TIMERS = {
    "lang+mentions": _ours_lang_mentions,
    "lang+mentions-2p": _ours_parallel,
    "raw-scan": _raw_scan,
    "naive-lang+mentions": _naive,
    "naive-full": _naive,
    "full-lexicon": _full,
    "full-embedding": _full,
    "full-embedding-cold": _full,
    "e5-windows": _e5_windows,
    "lingua-restricted": _lingua_only,
    "lingua-all": _lingua_only,
}


def _child(stage: str, corpus_path: str, limit: int, result: Path) -> None:
    texts = [json.loads(line)["text"] for line in Path(corpus_path).read_text(encoding="utf-8").splitlines()]
    texts = texts[:limit]
    mentions = STAGES[stage](texts)
    extra = float(getattr(_TIMERS[stage], "children_mb", 0.0))  # worker processes, at most this much
    seconds = float(_TIMERS[stage].elapsed)  # type: ignore[attr-defined]
    cpu = float(getattr(_TIMERS[stage], "cpu", 0.0))
    docs = int(getattr(_TIMERS[stage], "docs", len(texts)))  # the encoder stage counts its windows
    result.write_text(json.dumps([mentions, seconds, _peak_mb() + extra, cpu, docs]), encoding="utf-8")


def run_stage(stage: str, corpus: list[dict[str, str]], limit: int | None = None) -> StageResult:
    """Run one stage in a fresh spawned process over the first ``limit`` documents."""
    limit = limit or len(corpus)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in corpus), encoding="utf-8")
        result = Path(tmp) / "result.json"
        # A plain (non-daemonic) process, so that a stage may run a worker pool of its own.
        args = (stage, str(path), limit, result)
        child = multiprocessing.get_context("spawn").Process(target=_child, args=args)
        child.start()
        child.join()
        if child.exitcode != 0 or not result.exists():
            raise RuntimeError(f"bench stage {stage!r} failed (exit code {child.exitcode})")
        mentions, seconds, peak, cpu, docs = json.loads(result.read_text(encoding="utf-8"))
    return StageResult(stage, int(docs), float(seconds), float(peak), int(mentions), float(cpu))
