"""What the virtual embassy shows, shared by the served site (/m/...) and its static export.

News comes only from published posts (a delivery in state ``published``); "the country in numbers"
from verified, unexpired claims with their sources; story cards and videos are the studio's ready
assets attached to those published posts (an asset is public once a post carrying it went out).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, TextField
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from elshi.content.models import Asset, AssetKind, AssetState, Claim, Post, Variant, pick
from elshi.engagements.models import Engagement, MissionSite, Visibility
from elshi.missions.models import Mission
from elshi.publishing.models import Delivery, DeliveryState

PAGES = ["", "news/", "engagements/", "numbers/", "stories/", "contacts/"]


@dataclass
class Links:
    """Where each page and file lives: under /m/<slug>/ when served, relative paths when exported."""

    slug: str
    lang: str
    export: bool = False
    depth: int = 1  # folders below the site root of the current page (export only)
    base_url: str = ""  # absolute origin, for hreflang and the feed
    current: str = ""  # the current page within its language, e.g. "news/"

    def _to(self, path: str) -> str:
        if not self.export:
            return f"/m/{self.slug}/{path}"
        rel = "../" * self.depth + path
        return rel + "index.html" if rel.endswith("/") or rel == "" else rel

    def page(self, page: str = "", lang: str | None = None) -> str:
        return self._to(f"{lang or self.lang}/{page}")

    def absolute(self, page: str = "", lang: str | None = None) -> str:
        if self.export and not self.base_url:
            return self.page(page, lang)
        # Served, or exported with the live origin: the live pages are the canonical ones.
        return f"{self.base_url.rstrip('/')}/m/{self.slug}/{lang or self.lang}/{page}"

    def engagement(self, engagement: Engagement) -> str:
        return self.page(f"engagements/{engagement.pk}/")

    def feed(self) -> str:
        return self.page("feed.xml")

    def css(self) -> str:
        return self._to("assets/site.css") if self.export else "/static/engagements/site.css"

    def media(self, asset: Asset) -> str:
        if self.export:
            return self._to(f"assets/media/{asset.file}")
        return f"/m/{self.slug}/media/{asset.pk}/"


@dataclass
class NewsItem:
    pk: int
    text: str
    published_at: dt.datetime
    urls: list[str] = field(default_factory=list)


def published_posts(mission: Mission) -> Any:
    return (
        Post.objects.filter(mission=mission, deliveries__state=DeliveryState.PUBLISHED)
        .distinct()
        .prefetch_related("variants", "deliveries")
    )


def web_link(url: str) -> bool:
    return url.lower().startswith(("https://", "http://"))


def news(mission: Mission, lang: str, limit: int = 50) -> list[NewsItem]:
    # Newest first in the database, so a page reads ``limit`` posts, not every post ever published.
    last = Max("deliveries__published_at", filter=Q(deliveries__state=DeliveryState.PUBLISHED))
    posts = (
        Post.objects.filter(mission=mission, deliveries__state=DeliveryState.PUBLISHED)
        .annotate(last_published=Coalesce(last, "updated_at"))
        .order_by("-last_published", "-pk")
        .prefetch_related("variants", "deliveries")[:limit]
    )
    items = []
    for post in posts:
        texts: dict[str, str] = {}
        for variant in post.variants.all():
            texts.setdefault(variant.language, variant.text)
        delivered = [d for d in post.deliveries.all() if d.state == DeliveryState.PUBLISHED]
        when = max((d.published_at for d in delivered if d.published_at), default=post.updated_at)
        # A platform's answer is internet data: only web links become links on the public site.
        urls = sorted({d.remote_url for d in delivered if web_link(d.remote_url)})
        items.append(NewsItem(post.pk, pick(texts, lang), when, urls))
    items.sort(key=lambda i: i.published_at, reverse=True)
    return items[:limit]


def public_engagements(mission: Mission) -> tuple[list[Engagement], list[Engagement]]:
    now = timezone.now()
    rows = Engagement.objects.filter(mission=mission, visibility=Visibility.PUBLIC)
    upcoming = list(rows.filter(ends_at__gte=now).order_by("starts_at"))
    past = list(rows.filter(ends_at__lt=now).order_by("-starts_at")[:20])
    return upcoming, past


def numbers() -> list[Claim]:
    today = timezone.now().date()
    claims = Claim.objects.filter(verified_at__isnull=False).exclude(valid_until__lt=today)
    return list(claims.order_by("subject", "-period"))


def _published_variants(mission: Mission) -> Any:
    """Variants of the mission's posts that have at least one published delivery."""
    went_out = Delivery.objects.filter(post=OuterRef("post"), state=DeliveryState.PUBLISHED)
    return Variant.objects.filter(post__mission=mission).filter(Exists(went_out))


def _media_files(media: Any) -> set[str]:
    """The files (relative to MEDIA_ROOT) a variant's media list points at."""
    files: set[str] = set()
    for item in media or []:
        if isinstance(item, dict) and item.get("url"):
            files.add(str(item["url"]).split("/media/", 1)[-1].lstrip("/"))
    return files


def _story_assets(mission: Mission) -> Any:
    return Asset.objects.filter(
        mission=mission, state=AssetState.READY, kind__in=[AssetKind.CARD, AssetKind.VIDEO]
    ).exclude(file="")


def stories(mission: Mission) -> list[Asset]:
    """Ready cards and videos of the mission whose file went out with a published post (two queries)."""
    used: set[str] = set()
    for media in _published_variants(mission).values_list("media", flat=True):
        used |= _media_files(media)
    if not used:
        return []
    return list(_story_assets(mission).filter(file__in=used))


def public_story(mission: Mission, pk: int) -> Asset | None:
    """One story asset for the public media view: looked up by its id, then one query checks that a
    variant carrying its file belongs to a post of this mission with a published delivery.

    The JSON text of the variants' media is searched for the file's name (so the database narrows the
    rows to the variants that carry it), and each candidate is confirmed exactly in Python.
    """
    asset = _story_assets(mission).filter(pk=pk).first()
    if asset is None:
        return None
    candidates = _published_variants(mission)
    name = asset.file.rsplit("/", 1)[-1]
    if name.isascii():  # SQLite keeps JSON with non-ASCII escaped: only an ASCII name narrows safely
        candidates = candidates.annotate(media_text=Cast("media", TextField())).filter(
            media_text__contains=name
        )
    for media in candidates.values_list("media", flat=True)[:50]:
        if asset.file in _media_files(media):
            return asset
    return None


def context(site: MissionSite, lang: str, links: Links) -> dict[str, Any]:
    mission = site.mission
    upcoming, past = public_engagements(mission)
    alternates = [(code, links.absolute(links_page(links), code)) for code in site.languages]
    return {
        "site": site,
        "mission": mission,
        "lang": lang,
        "languages": site.languages,
        "links": links,
        "tz": mission.zone,
        "message": pick(site.messages, lang) if site.messages else "",
        "contacts": pick(site.contacts, lang) if site.contacts else "",
        "consular": pick(site.consular, lang) if site.consular else "",
        "upcoming": [(e, e.title(lang), links.engagement(e)) for e in upcoming],
        "past": [(e, e.title(lang), links.engagement(e)) for e in past],
        "alternates": alternates,
        "x_default": links.absolute(links_page(links), "en"),
        "nav": {
            "home": links.page(""),
            "news": links.page("news/"),
            "engagements": links.page("engagements/"),
            "numbers": links.page("numbers/"),
            "stories": links.page("stories/"),
            "contacts": links.page("contacts/"),
            "feed": links.feed(),
            "css": links.css(),
        },
        "lang_links": [(code, links.page(links_page(links), code)) for code in site.languages],
    }


def links_page(links: Links) -> str:
    return links.current


def feed_xml(site: MissionSite, lang: str, links: Links) -> bytes:
    mission = site.mission
    with translation.override(lang):
        feed = Atom1Feed(
            title=_("News of %(mission)s") % {"mission": mission.name},
            link=links.absolute("news/"),
            description="",
            language=lang,
            feed_url=links.absolute("feed.xml"),
        )
        for item in news(mission, lang):
            feed.add_item(
                title=item.text.split("\n", 1)[0][:120] or mission.name,
                link=item.urls[0] if item.urls else links.absolute("news/") + f"#post-{item.pk}",
                description=item.text,
                pubdate=item.published_at,
                unique_id=f"elshi-post-{item.pk}",
            )
        return feed.writeString("utf-8").encode("utf-8")
