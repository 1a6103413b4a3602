from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from elshi.sources.commands import bench_sources, sources_parse
from elshi.sources.serialize import document_from_json

from .conftest import FIXTURES

app = typer.Typer()
sources = typer.Typer()
bench = typer.Typer()
app.add_typer(sources, name="sources")
app.add_typer(bench, name="bench")
sources.command("parse")(sources_parse)
bench.command("sources")(bench_sources)
runner = CliRunner()


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_parse_feed_writes_documents_and_quarantine(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app,
        [
            "sources",
            "parse",
            "--kind",
            "feed",
            str(FIXTURES / "rss20_cp1251.xml"),
            str(FIXTURES / "atom_kk.xml"),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("parsed=3 quarantined=2 files=2")  # relative links cannot resolve without a base
    docs = [document_from_json(d) for d in _lines(out)]
    assert docs[0].title == "Казахстан и Германия подписали соглашения"
    assert docs[0].published_at.tzinfo is not None
    assert len(_lines(tmp_path / "out.quarantine.jsonl")) == 2


def test_parse_gkg_with_filter_and_domains(tmp_path: Path, gdelt_dir: Path) -> None:
    out = tmp_path / "kz.jsonl"
    result = runner.invoke(
        app,
        [
            "sources",
            "parse",
            "--kind",
            "gdelt-gkg",
            str(gdelt_dir / "gkg" / "20230702153000.gkg.csv.zip"),
            "-o",
            str(out),
            "--countries",
            "KZ",
            "--keywords",
            "kazakh",
            "--domains",
            str(gdelt_dir / "lookups" / "domain-country.csv.zip"),
        ],
    )
    assert result.exit_code == 0, result.output
    [doc] = [document_from_json(d) for d in _lines(out)]
    assert doc.gdelt_tone is not None and doc.gdelt_tone.word_count == 560 and doc.outlet_country


def test_parse_events_as_documents(tmp_path: Path, gdelt_dir: Path) -> None:
    out = tmp_path / "ev.jsonl"
    result = runner.invoke(
        app,
        [
            "sources",
            "parse",
            "--kind",
            "gdelt-events",
            "--countries",
            "KZ",
            str(gdelt_dir / "events" / "20241216094500.export.CSV"),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert all(d["platform"] == "gdelt-events" for d in _lines(out))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "tweets"], "not one of"),
        (["--kind", "csv", "--countries", "QQ"], "QQ"),
        (["--kind", "csv", "--mapping", "{nope"], "not JSON"),
        (["--kind", "csv", "--timezone", "Mars/Base"], "time zone"),
    ],
)
def test_bad_arguments_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(
        app,
        ["sources", "parse", *args, str(FIXTURES / "brandwatch_export.csv"), "-o", str(tmp_path / "o.jsonl")],
    )
    assert result.exit_code == 2 and message in result.output


def test_missing_or_unusable_input_exit_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "sources",
            "parse",
            "--kind",
            "gdelt-gkg",
            str(tmp_path / "missing.zip"),
            "-o",
            str(tmp_path / "o.jsonl"),
        ],
    )
    assert result.exit_code == 2 and "no such file" in result.output
    junk = tmp_path / "junk.rss"
    junk.write_bytes(b"\x00\x01 not a feed")
    result = runner.invoke(
        app, ["sources", "parse", "--kind", "feed", str(junk), "-o", str(tmp_path / "o.jsonl")]
    )
    assert result.exit_code == 2 and "parsed=0 quarantined=1" in result.stdout


def test_bench_refuses_a_folder_without_gdelt_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "sources", "--gdelt-dir", str(tmp_path)])
    assert result.exit_code == 2 and "gkg/" in result.output


@pytest.mark.slow
def test_bench_prints_a_table_and_a_json_last_line(gdelt_dir: Path) -> None:
    result = runner.invoke(app, ["bench", "sources", "--gdelt-dir", str(gdelt_dir), "--big-mb", "20"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["bench"] == "sources" and summary["events_records"] == 131_411
    assert 0 < summary["peak_mb"] < 300 and summary["gkg_records_per_s"] > 0


def test_unwritable_output_is_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "dir" / "o.jsonl"
    result = runner.invoke(
        app, ["sources", "parse", "--kind", "feed", str(FIXTURES / "atom_kk.xml"), "-o", str(out)]
    )
    assert result.exit_code == 2 and "cannot write" in result.output


@pytest.mark.parametrize(
    ("kind", "fixture", "parsed", "quarantined"),
    [
        ("sitemap", "news_sitemap.xml", 4, 1),
        ("bluesky", "bluesky_search_page1.json", 2, 0),
        ("mastodon", "mastodon_tag_kazakhstan.json", 2, 1),
        ("mastodon", "mastodon_search_kazakhstan.json", 1, 0),
        ("telegram", "telegram_preview_page.html", 2, 1),
        ("jsonl", "tool_export.jsonl", 2, 2),
        ("csv", "brandwatch_export.csv", 2, 1),
    ],
)
def test_parse_every_saved_kind(
    tmp_path: Path, kind: str, fixture: str, parsed: int, quarantined: int
) -> None:
    out = tmp_path / "o.jsonl"
    result = runner.invoke(app, ["sources", "parse", "--kind", kind, str(FIXTURES / fixture), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].startswith(f"parsed={parsed} quarantined={quarantined} ")
    assert all(document_from_json(d).published_at.tzinfo is not None for d in _lines(out))
