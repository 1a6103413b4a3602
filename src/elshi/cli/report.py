"""`elshi report brief`: the nation-image brief for a country and period, written as PDF or HTML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console

from elshi.cli._django import fail, setup

console = Console()
report_app = typer.Typer(help="Measure: the nation-image brief as PDF or HTML.", no_args_is_help=True)

LANGUAGES = ("kk", "ru", "en")


@report_app.callback()
def report() -> None:
    """Measure: the nation-image brief as PDF or HTML."""


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option} {value!r} is not a date: use YYYY-MM-DD", 2) from None


@report_app.command("brief")
def report_brief(
    country: str = typer.Option(
        "", "--country", help="ISO 3166-1 alpha-2 code of the country (default: the profile's target)."
    ),
    start: str = typer.Option(..., "--from", help="First day, YYYY-MM-DD (UTC)."),
    end: str = typer.Option(..., "--to", help="Last day, YYYY-MM-DD (UTC), included."),
    lang: str = typer.Option("en", "--lang", help="kk, ru or en."),
    peers: str = typer.Option("", "--peers", help="Peer countries, e.g. UZ,KG (default: the profile's)."),
    output: Path = typer.Option(..., "-o", "--output", help="FILE.pdf or FILE.html"),
) -> None:
    """Write the brief; it is also kept in the archive (Measure → Briefs)."""
    first, last = _date(start, "--from"), _date(end, "--to")
    if last < first:
        raise fail(f"--to {end} is before --from {start}", 2)
    if lang not in LANGUAGES:
        raise fail(f"--lang {lang!r}: use one of {', '.join(LANGUAGES)}", 2)
    suffix = output.suffix.lower()
    if suffix not in (".pdf", ".html"):
        raise fail(f"-o {output}: the file must end in .pdf or .html", 2)
    code = country.strip().upper()
    if country and (len(code) != 2 or not code.isalpha()):
        raise fail(f"--country {country!r}: use a two-letter code (ISO 3166-1)", 2)
    if not output.parent.is_dir():
        raise fail(f"-o {output}: the folder {output.parent} does not exist", 2)
    setup()
    from elshi.common.profile import current_profile  # Django settings are ready only after setup()
    from elshi.reports.actions import brief_file, do_generate_brief

    code = code or current_profile().target
    # Imported after setup(): Django's apps load only once it is configured.
    from elshi.reports.render import pdf_unavailable

    why = pdf_unavailable() if suffix == ".pdf" else None
    if why:
        raise fail(f"-o {output}: no PDF can be made on this machine: {why}; -o FILE.html works", 1)

    peer_list = [p.strip().upper() for p in peers.split(",") if p.strip()] or None
    with console.status("Building the brief"):
        brief = do_generate_brief(code, first, last, peer_list, lang, acting_user=None, pdf=suffix == ".pdf")
    source = brief_file(brief.pdf_file if suffix == ".pdf" else brief.html_file)
    output.write_bytes(source.read_bytes())
    score = brief.data.get("image_score")
    console.print(
        f"brief {code} {first}–{last} ({lang}): {brief.data.get('mentions', 0)} mentions, "
        f"image score {score if score is not None else '—'}, "
        f"{len(brief.data.get('recommendations', []))} recommendations → {output}"
    )
