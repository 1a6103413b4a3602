"""Command functions for the ``elshi`` CLI (registered by ``elshi.cli``; typer annotations here).

- ``analyze``        -> ``elshi analyze INPUT.jsonl -o OUTPUT.jsonl [--profile NAME] [--tone-model ...]``
- ``eval_tone``      -> ``elshi eval tone [--data ../shared/data/eval]``
- ``eval_mentions``  -> ``elshi eval mentions``
- ``eval_narratives`` -> ``elshi eval narratives`` (``--write`` stores the calibration it finds)
- ``bench_analysis`` -> ``elshi bench analysis``
- ``train_tone``     -> ``elshi train tone`` (rebuilds the shipped lexicon and heads)

Conventions (DESIGN §8): progress on stderr, a readable table, and as the last
line of stdout one JSON object; exit 0 on success, 1 when the work fails, 2 on
unusable input or arguments, with a message naming the input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from elshi.analysis.datasets import DEFAULT_DATA, EVAL_SETS, DataMissing
from elshi.analysis.profile import DEFAULT_PROFILE, configured_profile_name

__all__ = ["analyze", "bench_analysis", "eval_mentions", "eval_narratives", "eval_tone", "train_tone"]

# The labelled sample lives with the tests (a checkout has it; an installed wheel takes --sample).
MENTION_SAMPLE = (
    Path(__file__).resolve().parents[3] / "tests" / "analysis" / "fixtures" / "mentions_labelled.jsonl"
)
NARRATIVE_SAMPLE = MENTION_SAMPLE.with_name("narratives_labelled.jsonl")
# The shipped labelled samples name the first shipped profile's countries and narratives, so the
# evaluations default to it whatever ELSHI_PROFILE says; ``--profile`` pairs another with its sample.
SAMPLE_PROFILE = DEFAULT_PROFILE
SAMPLE_HELP = "the profile the labelled sample is written for"
PROFILE_HELP = "profile name or YAML path (default: $ELSHI_PROFILE, else the first shipped profile)"
TONE_HELP = "lexicon | embedding | char | hf:PATH (default: embedding when its model is present)"
CACHE_HELP = "sqlite file caching sentence embeddings"
SYSTEMS = ("vader", "unisent", "lexicon", "char", "e5", "embedding")
STAGE_NAMES = (
    "lang+mentions",
    "lang+mentions-2p",
    "raw-scan",
    "naive-lang+mentions",
    "naive-full",
    "full-lexicon",
    "full-embedding",
    "full-embedding-cold",
    "e5-windows",
    "lingua-restricted",
    "lingua-all",
)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _table(header: list[str], rows: list[list[Any]]) -> None:
    cells = [header] + [
        ["-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v) for v in r] for r in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        typer.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            typer.echo("  ".join("-" * w for w in widths))


def analyze(
    input_path: Annotated[
        Path, typer.Argument(help="JSONL input: {id, text, title?, lang?, target?} a line")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="JSONL output path")],
    profile: Annotated[str | None, typer.Option("--profile", help=PROFILE_HELP)] = None,
    tone_model: Annotated[str | None, typer.Option("--tone-model", help=TONE_HELP)] = None,
) -> None:
    """Analyse a JSONL file: language, mentions, tone toward the target, narratives, story."""
    # A command loads its models when it runs: `elshi --help` must stay instant.
    from elshi.analysis.batch import Analyzer
    from elshi.analysis.contract import run_contract_files
    from elshi.analysis.profile import ProfileError, load_profile

    if not input_path.is_file():
        raise _fail(f"input file not found: {input_path}")
    try:
        analyzer = Analyzer(load_profile(profile or configured_profile_name()), tone_model)
    except (ProfileError, ValueError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from exc
    run = run_contract_files(
        input_path, output, analyzer, progress=lambda n: typer.echo(f"analyzed {n} lines", err=True)
    )
    for bad in run.bad:
        typer.echo(f"{input_path}:{bad.line}: skipped: {bad.reason}", err=True)
    summary = {
        "command": "analyze",
        "processed": run.processed,
        "skipped": len(run.bad),
        "tone_model": analyzer.tone.name,
        "output": str(output),
    }
    typer.echo(f"{run.processed} documents analysed, {len(run.bad)} lines skipped -> {output}")
    typer.echo(json.dumps(summary))
    if run.processed == 0:
        raise typer.Exit(2)


def eval_tone(
    data: Annotated[
        Path, typer.Option("--data", help="folder holding newsmtsc/, rusentne/, ...")
    ] = DEFAULT_DATA,
    datasets: Annotated[str, typer.Option("--datasets", help="comma-separated sets")] = ",".join(EVAL_SETS),
    systems: Annotated[str, typer.Option("--systems", help="comma-separated systems")] = ",".join(SYSTEMS),
    full: Annotated[
        bool, typer.Option("--full", help="all of KazSAnDRA valid, not its seeded sample")
    ] = False,
    limit: Annotated[int | None, typer.Option("--limit", help="at most this many rows per set")] = None,
    cache: Annotated[Path | None, typer.Option("--cache", help=CACHE_HELP)] = None,
) -> None:
    """Macro-F1 of every tone tier and baseline on the dev/valid splits."""
    # A command loads its models when it runs: `elshi --help` must stay instant.
    from elshi.analysis.evaluation import evaluate_tone

    names = [n.strip() for n in datasets.split(",") if n.strip()]
    unknown = [n for n in names if n not in EVAL_SETS]
    if unknown:
        raise _fail(f"unknown evaluation sets {unknown}; known: {', '.join(EVAL_SETS)}")
    chosen = [s.strip() for s in systems.split(",") if s.strip()]
    try:
        report = evaluate_tone(
            names,
            chosen,
            data,
            full=full,
            limit=limit,
            cache=cache,
            progress=lambda m: typer.echo(m, err=True),
        )
    except DataMissing as exc:
        raise _fail(str(exc)) from exc
    _table(
        ["dataset", "rows", *chosen],
        [[n, report.sizes[n], *(report.scores[n][s] for s in chosen)] for n in names],
    )
    xlmt = [report.scores[n].get("embedding") for n in names if n.startswith("xlmt-")]
    summary: dict[str, Any] = {
        "eval": "tone",
        "macro_f1": report.scores,
        "rows": report.sizes,
        "seconds": round(report.seconds, 1),
    }
    if xlmt and all(v is not None for v in xlmt):
        summary["xlmt_mean_embedding"] = round(sum(v for v in xlmt if v is not None) / len(xlmt), 4)
    typer.echo(json.dumps(summary))


def eval_mentions(
    sample: Annotated[
        Path, typer.Option("--sample", help="labelled JSONL {lang, text, countries}")
    ] = MENTION_SAMPLE,
    profile: Annotated[str, typer.Option("--profile", help=SAMPLE_HELP)] = SAMPLE_PROFILE,
    show_errors: Annotated[
        bool, typer.Option("--errors", help="print each sentence the finder got wrong")
    ] = False,
) -> None:
    """Precision and recall of country mentions on the labelled multilingual sample."""
    # A command loads its models when it runs: `elshi --help` must stay instant.
    from elshi.analysis.mention_eval import evaluate_mentions
    from elshi.analysis.profile import ProfileError, load_profile

    if not sample.is_file():
        raise _fail(f"labelled sample not found: {sample}")
    try:
        report = evaluate_mentions(sample, load_profile(profile, include_optional=True))
    except (ProfileError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    _table(
        ["lang", "sentences", "precision", "recall"],
        [[lang, n, p, r] for lang, (p, r, n) in report.by_lang.items()]
        + [["all", report.sentences, report.precision, report.recall]],
    )
    if show_errors:
        for line in report.errors:
            typer.echo(line, err=True)
    typer.echo(
        json.dumps(
            {
                "eval": "mentions",
                "sentences": report.sentences,
                "precision": round(report.precision, 4),
                "recall": round(report.recall, 4),
                "by_lang": {
                    k: {"precision": round(p, 4), "recall": round(r, 4), "sentences": n}
                    for k, (p, r, n) in report.by_lang.items()
                },
            }
        )
    )


def eval_narratives(
    sample: Annotated[
        Path, typer.Option("--sample", help="labelled JSONL {text, narratives}")
    ] = NARRATIVE_SAMPLE,
    profile: Annotated[str, typer.Option("--profile", help=SAMPLE_HELP)] = SAMPLE_PROFILE,
    similarity: Annotated[bool, typer.Option("--similarity/--keywords-only")] = True,
    write: Annotated[bool, typer.Option("--write", help="store the calibration in the package")] = False,
) -> None:
    """Micro-F1 of narrative tagging: cross-validated (honest) and in-sample, and the calibration."""
    # A command loads its models when it runs: `elshi --help` must stay instant.
    from elshi.analysis.narrative_eval import calibrate, cross_validated, load_sample
    from elshi.analysis.narratives import NarrativeTagger
    from elshi.analysis.profile import ProfileError, load_profile
    from elshi.analysis.tone.encoder import E5Encoder, encoder_available

    if not sample.is_file():
        raise _fail(f"labelled sample not found: {sample}")
    try:
        tagger, rows = NarrativeTagger(load_profile(profile)), load_sample(sample)
    except (ProfileError, ValueError, KeyError) as exc:
        raise _fail(f"{sample}: {exc}") from exc
    use_similarity = similarity and encoder_available()
    encode = E5Encoder().encode if use_similarity else None
    vectors = encode([text for text, _ in rows]) if encode else None
    honest = cross_validated(tagger, rows, vectors, encode)
    calibration, in_sample = calibrate(tagger, rows, vectors, encode)
    if write:
        calibration.save()
    _table(
        ["sentences", "similarity", "cross-validated F1", "in-sample F1"],
        [[len(rows), use_similarity, honest, in_sample]],
    )
    typer.echo(
        json.dumps(
            {
                "eval": "narratives",
                "sentences": len(rows),
                "similarity": use_similarity,
                "micro_f1_cross_validated": round(honest, 4),
                "micro_f1_in_sample": round(in_sample, 4),
                "calibration": {
                    "lo": calibration.lo,
                    "hi": calibration.hi,
                    "threshold": calibration.threshold,
                    "keyword_threshold": calibration.keyword_threshold,
                },
                "written": write,
            }
        )
    )


def bench_analysis(
    docs: Annotated[int, typer.Option("--docs", help="articles in the corpus")] = 4000,
    naive_docs: Annotated[int, typer.Option("--naive-docs", help="articles for the naive stages")] = 400,
    full_docs: Annotated[
        int, typer.Option("--full-docs", help="articles for the full analysis stages")
    ] = 200,
    data: Annotated[Path, typer.Option("--data")] = DEFAULT_DATA,
    stages: Annotated[str, typer.Option("--stages", help="comma-separated stages")] = ",".join(STAGE_NAMES),
) -> None:
    """Docs/s and peak memory per stage, each in a fresh process, with the baselines in the same run.

    ``e5-windows`` (the encoder alone, the embedding tier's ceiling) counts mention windows, not
    documents; "cpu s" is the stage's CPU time, steadier than wall time on a shared machine.
    """
    # A command loads its models when it runs: `elshi --help` must stay instant.
    from elshi.analysis.bench import STAGES, build_corpus, run_stage

    wanted = [s.strip() for s in stages.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in STAGES]
    if unknown or docs < 1:
        problem = (
            f"unknown stages {unknown}; known: {', '.join(STAGES)}" if unknown else "--docs must be >= 1"
        )
        raise _fail(problem)
    try:
        corpus = build_corpus(docs, data)
    except DataMissing as exc:
        raise _fail(str(exc)) from exc
    results = {}
    for stage in wanted:
        limit = naive_docs if stage.startswith("naive") else full_docs if stage.startswith("full") else docs
        typer.echo(f"running {stage} on {min(limit, docs)} documents", err=True)
        results[stage] = run_stage(stage, corpus, limit)
    _table(
        ["stage", "docs", "seconds", "docs/s", "cpu s", "docs/cpu-s", "mentions", "peak MB"],
        [
            [
                r.stage,
                r.docs,
                r.seconds,
                r.docs_per_s,
                r.cpu_seconds or None,
                r.docs_per_cpu_s or None,
                r.mentions,
                r.peak_mb,
            ]
            for r in results.values()
        ],
    )
    figures: dict[str, Any] = {
        "bench": "analysis",
        "docs": docs,
        "cores": _cores(),
        "avg_chars": round(sum(len(d["text"]) for d in corpus) / len(corpus)),
    }
    for name, r in results.items():
        key = name.replace("+", "_").replace("-", "_")
        figures[f"{key}_docs_per_s"] = round(r.docs_per_s, 1)
        figures[f"{key}_peak_mb"] = round(r.peak_mb)
        if r.cpu_seconds:
            figures[f"{key}_docs_per_cpu_s"] = round(r.docs_per_cpu_s, 1)
        if name.startswith("full"):
            figures[f"{key}_mentions_per_s"] = round(r.mentions / r.seconds, 1) if r.seconds else 0.0
            if r.cpu_seconds:
                figures[f"{key}_mentions_per_cpu_s"] = round(r.mentions / r.cpu_seconds, 1)
    ours, naive, raw = (results.get(k) for k in ("lang+mentions", "naive-lang+mentions", "raw-scan"))
    if ours and naive and naive.docs_per_s:
        figures["ratio_vs_naive"] = round(ours.docs_per_s / naive.docs_per_s, 1)
    if ours and raw and ours.docs_per_s:
        figures["raw_scan_over_ours"] = round(raw.docs_per_s / ours.docs_per_s, 2)
    figures["python_loop_1e7_s"] = _calibration()  # how fast this machine was during the run
    typer.echo(json.dumps(figures))


def _calibration() -> float:
    # A command loads its models when it runs: `elshi --help` must stay instant.
    import time

    started = time.perf_counter()
    sum(range(10_000_000))
    return round(time.perf_counter() - started, 3)


def _cores() -> int:
    # A command loads its models when it runs: `elshi --help` must stay instant.
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def train_tone(
    data: Annotated[Path, typer.Option("--data")] = DEFAULT_DATA,
    cache: Annotated[Path | None, typer.Option("--cache", help=CACHE_HELP)] = None,
    skip_embedding: Annotated[
        bool, typer.Option("--skip-embedding", help="lexicon and character head only")
    ] = False,
) -> None:
    """Rebuild the shipped lexicon and tone heads from train-ok rows (reproducible)."""
    # A command loads its models when it runs: `elshi --help` must stay instant.
    from elshi.analysis.training import train_all

    try:
        train_all(data, cache=cache, log=lambda m: typer.echo(m, err=True), embed=not skip_embedding)
    except DataMissing as exc:
        raise _fail(str(exc)) from exc
    typer.echo(json.dumps({"train": "tone", "data": str(data), "embedding": not skip_embedding}))
    sys.stdout.flush()
