"""`elshi report brief`: the file it writes, and clear errors (exit 2) for unusable input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from elshi.cli.report import report_app
from elshi.reports.models import Brief

# Mounted as the lead mounts it in elshi.cli: app.add_typer(report_app, name="report").
elshi = typer.Typer()
elshi.add_typer(report_app, name="report")
runner = CliRunner()


def run(*args: str) -> Any:
    return runner.invoke(elshi, ["report", "brief", *args])


@pytest.mark.django_db(transaction=True)
def test_brief_as_html(tmp_path: Path, corpus: dict[str, Any]) -> None:
    out = tmp_path / "brief.html"
    result = run(
        "--country",
        "kz",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-08",
        "--lang",
        "ru",
        "--peers",
        "UZ",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "6 mentions" in said and "image score 75.0" in said
    html = out.read_text("utf-8")
    assert '<html lang="ru">' in html and "Казахстан" in html and "75,0" in html
    brief = Brief.objects.get()
    assert (brief.country, brief.language, brief.pdf_file) == ("KZ", "ru", "")  # archived too


@pytest.mark.parametrize(
    "args,message",
    [
        (["--from", "2026-02-30", "--to", "2026-03-08", "-o", "b.pdf"], "--from '2026-02-30' is not a date"),
        (["--from", "2026-03-08", "--to", "2026-03-01", "-o", "b.pdf"], "is before --from"),
        (["--from", "2026-03-01", "--to", "2026-03-08", "--lang", "de", "-o", "b.pdf"], "--lang 'de'"),
        (["--from", "2026-03-01", "--to", "2026-03-08", "-o", "b.docx"], "must end in .pdf or .html"),
        (
            ["--country", "KAZ", "--from", "2026-03-01", "--to", "2026-03-08", "-o", "b.pdf"],
            "two-letter code",
        ),
        (["--from", "2026-03-01", "--to", "2026-03-08", "-o", "/no/such/dir/b.pdf"], "does not exist"),
    ],
)
def test_unusable_input_exits_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())


@pytest.mark.django_db(transaction=True)
def test_without_pango_the_brief_keeps_its_html_and_a_pdf_is_refused_clearly(
    tmp_path: Path, corpus: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A machine without the system's Pango: the brief is still made as HTML; asking for a PDF says why."""
    from elshi.reports import actions, render

    why = "WeasyPrint cannot load (no library called 'pango-1.0-0'); install Pango"
    monkeypatch.setattr(render, "pdf_unavailable", lambda: why)
    monkeypatch.setattr(actions, "pdf_unavailable", lambda: why)
    brief = actions.do_generate_brief("KZ", corpus["start"], corpus["end"], ["UZ"], "en", acting_user=None)
    assert brief.pdf_file == "" and actions.brief_file(brief.html_file).read_text("utf-8").startswith("<!")
    result = run(
        "--country", "KZ", "--from", "2026-03-02", "--to", "2026-03-08", "-o", str(tmp_path / "b.pdf")
    )
    assert result.exit_code == 1
    said = " ".join(result.output.split())  # the same words however wide the terminal is
    assert "no PDF can be made on this machine" in said and "-o FILE.html works" in said
    assert not (tmp_path / "b.pdf").exists()
