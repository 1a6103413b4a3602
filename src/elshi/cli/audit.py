"""`elshi audit verify`, `elshi audit anchor`: the tamper-evident audit trail."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import Progress

from elshi.cli._django import fail, setup

console = Console()
err = Console(stderr=True)

audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the keyed hash chain and compare it with its anchors; report the first broken link (exit 1)
    or that it is intact."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from elshi.audit.log import verify_chain
    from elshi.audit.models import AuditHead

    head = AuditHead.objects.filter(pk=1).first()
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("Verifying audit chain", total=head.count if head else 0)
        report = verify_chain(progress=lambda n: progress.advance(task, n))
    if report.ok:
        console.print(
            f"audit chain intact: {report.checked} events verified, {report.anchors} anchor(s) matched"
        )
        return
    where = f"event #{report.broken_at}" if report.broken_at is not None else "the end of the chain"
    before = f"{report.checked} events before it verified"
    console.print(f"[red]audit chain broken at {where}[/red]: {report.reason} ({before})", soft_wrap=True)
    raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor() -> None:
    """Anchor the chain's head now (the worker does it daily): a line in ELSHI_HOME/audit/anchors.jsonl,
    the log, and ELSHI_AUDIT_ANCHOR_EMAIL."""
    setup()
    # Imported when the command runs: after Django's setup(), off the CLI's start-up path.
    from elshi.audit.anchors import anchor_file, write_anchor
    from elshi.common.crypto import AuditKeyMissing

    try:
        anchor = write_anchor()
    except AuditKeyMissing as exc:
        raise fail(str(exc), 2) from exc
    if anchor is None:
        console.print("the audit chain is empty: nothing to anchor")
        return
    console.print(f"anchored {anchor.seq} events (head {anchor.hash[:16]}) in {anchor_file()}")
