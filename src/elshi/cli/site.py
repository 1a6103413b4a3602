"""`elshi site export`: a mission's virtual embassy as static files for any web host."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from elshi.cli._django import fail, setup

console = Console()
site_app = typer.Typer(help="Virtual embassy sites: export them as static files.", no_args_is_help=True)


@site_app.command("export")
def site_export(
    mission: str = typer.Argument(
        ..., help="The mission's slug, e.g. berlin (the ministry: its HQ mission)."
    ),
    out: Path = typer.Option(..., "-o", "--output", help="Folder to write the site into."),
    base_url: str = typer.Option(
        "", "--base-url", help="The live elshi origin (https://…), for registration links and hreflang."
    ),
) -> None:
    """Write every page in every language, the Atom feeds and the assets, with relative links."""
    setup()
    # Imported after setup(): Django's apps load only once it is configured.
    from elshi.engagements.export import export_site
    from elshi.engagements.models import MissionSite

    site = MissionSite.objects.select_related("mission").filter(mission__slug=mission).first()
    if site is None:
        raise fail(f"mission {mission!r} has no virtual embassy site (create it on /engage/virtual-embassy/)")
    if not site.is_published:
        raise fail(f"the virtual embassy of {mission!r} is not published")
    if base_url and not base_url.startswith(("https://", "http://")):
        raise fail("--base-url must start with https:// or http://")
    files = export_site(site, out, base_url=base_url)
    console.print(f"wrote {len(files)} files to {out}")
