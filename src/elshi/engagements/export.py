"""Static export of a virtual embassy: every page, the feeds and the assets, with relative links.

The result opens from disk (file://) or from any web host. Registration needs the live site: with
``base_url`` the exported pages link to it, otherwise they say where registration is open.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils import timezone
from django.utils.html import escape

from elshi.engagements import site as sitedata
from elshi.engagements.models import MissionSite, Visibility
from elshi.engagements.public import TEMPLATES, page_context, render_page

__all__ = ["export_site"]


def _write(root: Path, relative: str, content: str | bytes) -> Path:
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        target.write_text(content, encoding="utf-8")
    else:
        target.write_bytes(content)
    return target


def export_site(site: MissionSite, out: Path, *, base_url: str = "") -> list[Path]:
    """Write the site under ``out``; returns the files written."""
    mission = site.mission
    written: list[Path] = []
    for lang in site.languages:
        for page, template in TEMPLATES.items():
            links = sitedata.Links(
                mission.slug, lang, export=True, depth=1 + page.count("/"), base_url=base_url
            )
            html = render_page(template, page_context(site, lang, page, links), lang)
            written.append(_write(out, f"{lang}/{page}index.html", html))
        for engagement in mission.engagements.filter(visibility=Visibility.PUBLIC):
            page = f"engagements/{engagement.pk}/"
            links = sitedata.Links(mission.slug, lang, export=True, depth=3, base_url=base_url)
            links.current = page
            data = sitedata.context(site, lang, links) | {
                "e": engagement,
                "title": engagement.title(lang),
                "description": engagement.description(lang),
                "open": engagement.ends_at > timezone.now() and engagement.purged_at is None,
                "registered": "",
            }
            html = render_page("engagements/site/engagement.html", data, lang)
            written.append(_write(out, f"{lang}/{page}index.html", html))
        links = sitedata.Links(mission.slug, lang, export=True, depth=1, base_url=base_url)
        written.append(_write(out, f"{lang}/feed.xml", sitedata.feed_xml(site, lang, links)))
    css = finders.find("engagements/site.css")
    if not isinstance(css, str):
        raise RuntimeError("engagements/site.css is missing from the static files")
    written.append(_write(out, "assets/site.css", Path(css).read_bytes()))
    media_root = Path(settings.MEDIA_ROOT).resolve()
    for asset in sitedata.stories(mission):
        source = (media_root / asset.file).resolve()
        if source.is_relative_to(media_root) and source.is_file():
            target = out / "assets" / "media" / asset.file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target)
    # The site's root: a page that sends visitors on to the English pages (and lists the others).
    choices = "".join(
        f'<li><a href="{code}/index.html" hreflang="{code}" lang="{code}">{code.upper()}</a></li>'
        for code in site.languages
    )
    index = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="refresh" content="0; url=en/index.html">'
        f"<title>{_escape(mission.name)}</title></head><body><main><h1>{_escape(mission.name)}</h1>"
        f"<ul>{choices}</ul></main></body></html>"
    )
    written.append(_write(out, "index.html", index))
    return written


def _escape(text: str) -> str:
    return str(escape(text))
