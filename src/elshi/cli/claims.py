"""`elshi claims check`: the claims check on a text, from the command line or a script.

The readable lines go first; the last line is one JSON object, so a script reads ``tail -n 1``.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from elshi.cli._django import fail, setup

# Not wrapped: a figure or a claim's label cut in two would not match what the author wrote.
console = Console(soft_wrap=True)
claims_app = typer.Typer(
    help="Claims: verified figures, and the check that posts cite them.", no_args_is_help=True
)


@claims_app.callback()
def claims() -> None:
    """Claims: verified figures, and the check that posts cite them."""


def _figure_row(result: Any) -> dict[str, Any]:
    figure = result.figure
    return {
        "text": figure.text,
        "kind": figure.kind,
        "value": f"{figure.value.normalize():f}",
        "period": figure.period,
        "status": result.status,
        "claim": result.claim.label if result.claim is not None else None,
    }


@claims_app.command("check")
def claims_check(
    text: str = typer.Argument(..., help="The text to check, or - to read it from standard input."),
    mission: str = typer.Option(..., "--mission", help="Slug of the mission that would post the text."),
    lang: str = typer.Option(..., "--lang", help="The text's language (kk, ru, en, tr, zh, ar, de, fr…)."),
) -> None:
    """Find the figures in a text and say which no verified, unexpired claim backs (exit 1 if any)."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from django.utils import timezone

    from elshi.cli.people import _mission
    from elshi.content.claimcheck import check_text
    from elshi.content.figures import LANGUAGES
    from elshi.content.models import Claim
    from elshi.content.validation import claim_ref

    where = _mission(mission)
    language = lang.strip().lower()
    if language.replace("_", "-").split("-")[0] not in LANGUAGES:
        raise fail(f"unknown language {lang!r}: choose one of {', '.join(sorted(LANGUAGES))}", 2)
    body = sys.stdin.read() if text == "-" else text
    if not body.strip():
        raise fail("the text is empty: pass it as an argument or on standard input with -", 2)

    today = timezone.now().date()
    library = [claim_ref(c, today) for c in Claim.objects.all()]
    # No post here, so nothing is linked: any valid claim of the library backs a figure.
    results = check_text(body, library, library, language=language)
    rows = [_figure_row(r) for r in results]
    unbacked = [row for row in rows if row["status"] != "ok"]
    console.print(f"{len(rows)} figure(s) in {language} text for {where.slug}, {len(unbacked)} unbacked")
    for row, result in zip(rows, results, strict=True):
        mark = "[green]ok      [/green]" if row["status"] == "ok" else f"[red]{row['status']:<8}[/red]"
        detail = f"claim “{row['claim']}”" if row["status"] == "ok" else result.message
        console.print(f"{mark} {escape(row['text'])} = {row['value']} ({row['kind']}): {escape(detail)}")
    print(json.dumps({"figures": rows, "unbacked": [r["text"] for r in unbacked]}, ensure_ascii=False))
    if unbacked:
        raise typer.Exit(1)
