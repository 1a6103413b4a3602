from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from elshi.analysis.bench import build_corpus, run_stage
from elshi.analysis.commands import bench_analysis
from elshi.analysis.mentions import MentionFinder
from elshi.analysis.profile import load_profile


def test_corpus_is_3kb_multilingual_with_a_fifth_mentioning(eval_data: Path) -> None:
    corpus = build_corpus(300, eval_data)
    assert len(corpus) == 300 and len({d["lang"] for d in corpus}) == 6
    assert all(2800 <= len(d["text"]) <= 3500 for d in corpus)
    finder = MentionFinder(load_profile("kz"))
    share = sum(1 for d in corpus if finder.scan(d["text"]).counts()) / len(corpus)
    assert 0.12 <= share <= 0.3
    assert build_corpus(20, eval_data) == build_corpus(20, eval_data)


def test_stages_run_in_their_own_process(eval_data: Path) -> None:
    corpus = build_corpus(30, eval_data)
    raw = run_stage("raw-scan", corpus)
    assert raw.docs == 30 and raw.seconds > 0 and raw.peak_mb > 10


def test_bench_command_ends_with_json(eval_data: Path) -> None:
    app = typer.Typer()
    app.command("analysis")(bench_analysis)
    app.command("other")(bench_analysis)
    result = CliRunner().invoke(
        app,
        [
            "analysis",
            "--docs",
            "40",
            "--naive-docs",
            "10",
            "--data",
            str(eval_data),
            "--stages",
            "raw-scan,naive-lang+mentions",
        ],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["bench"] == "analysis" and figures["docs"] == 40
    assert figures["raw_scan_docs_per_s"] > figures["naive_lang_mentions_docs_per_s"] > 0
    assert figures["raw_scan_peak_mb"] > 0


def test_every_stage_is_offered_and_reports_cpu_time(eval_data: Path) -> None:
    from elshi.analysis.bench import STAGES
    from elshi.analysis.commands import STAGE_NAMES

    assert set(STAGE_NAMES) == set(STAGES) and "full-embedding-cold" in STAGES
    corpus = build_corpus(30, eval_data)
    ours = run_stage("lang+mentions", corpus)
    assert ours.cpu_seconds > 0 and ours.docs_per_cpu_s > 0
