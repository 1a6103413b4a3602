"""The left navigation: six capabilities in the order of UI.md, administration apart.

Each section lists its pages. A page that a later part of elshi has not built
yet points to its capability page, where an honest empty state says what will
appear there and how it is set up.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Page:
    key: str
    label: str | Promise
    what: str | Promise  # what will appear here
    setup: str | Promise  # what makes it appear
    url_name: str = ""  # the page, once built; until then the capability page explains it


@dataclass(frozen=True)
class Capability:
    key: str
    label: str | Promise
    question: str | Promise
    pages: tuple[Page, ...]


CAPABILITIES: tuple[Capability, ...] = (
    Capability(
        "listen",
        _("Listen"),
        _("How is our country seen this week, where, in which languages, on which themes?"),
        (
            Page(
                "dashboard",
                _("Dashboard"),
                _("The nation-image index, tone and share of voice against peer countries."),
                _("Appears once a listening source has run."),
                url_name="listen_dashboard",
            ),
            Page(
                "explorer",
                _("Explorer"),
                _("Every mention of the country, by outlet country, language, narrative and tone."),
                _("Appears once a listening source has run."),
                url_name="listen_explorer",
            ),
            Page(
                "alerts",
                _("Alerts"),
                _("Spikes in volume or negativity, per country and per narrative."),
                _("Alerts are raised automatically once listening has a baseline."),
                url_name="listen_alerts",
            ),
            Page(
                "sources",
                _("Sources"),
                _("GDELT, news feeds, social search and file imports, with their health."),
                _("An analyst adds a source here."),
                url_name="listen_sources",
            ),
        ),
    ),
    Capability(
        "tell",
        _("Tell"),
        _("How do we articulate our real achievements, in every language, for every platform?"),
        (
            Page(
                "narratives",
                _("Narratives"),
                _("The country's strategic stories and their key messages per language."),
                _("An HQ editor writes the narratives."),
                url_name="narrative_list",
            ),
            Page(
                "claims",
                _("Claims"),
                _("Each achievement with its figure, source and date, verified and kept current."),
                _("An HQ editor adds claims with their sources."),
                url_name="claim_list",
            ),
            Page(
                "campaigns",
                _("Campaigns"),
                _("Goals, periods, participating missions and KPIs."),
                _("An HQ editor plans a campaign."),
                url_name="campaign_list",
            ),
            Page(
                "posts",
                _("Posts"),
                _("Every post with its variants per platform and language, and its state."),
                _("A mission editor writes a post in the composer."),
                url_name="post_list",
            ),
            Page(
                "studio",
                _("Studio"),
                _("Story cards, short vertical videos and labelled AI images."),
                _("Built from claims and narratives."),
                url_name="studio",
            ),
        ),
    ),
    Capability(
        "clear",
        _("Clear"),
        _("Who approved this, and can an embassy post without HQ?"),
        (
            Page(
                "queue",
                _("My queue"),
                _("Posts waiting for your clearance, oldest first."),
                _("Posts appear here when an editor submits them."),
                url_name="clear_queue",
            ),
            Page(
                "policies",
                _("Policies"),
                _("Who must approve what, in which order, for each mission."),
                _("An administrator defines the approval steps."),
                url_name="policies",
            ),
        ),
    ),
    Capability(
        "publish",
        _("Publish"),
        _("Did it go out, once, on time, on every account?"),
        (
            Page(
                "calendar",
                _("Calendar"),
                _("Cleared posts by day and mission, in the mission's time zone."),
                _("Cleared posts are scheduled here."),
                url_name="calendar",
            ),
            Page(
                "deliveries",
                _("Deliveries"),
                _("Each post on each channel, with its state and any error."),
                _("Deliveries appear when a cleared post is scheduled."),
                url_name="deliveries",
            ),
            Page(
                "channels",
                _("Channels"),
                _("The mission's accounts on each platform and their health."),
                _("An approver connects a channel."),
                url_name="channel_list",
            ),
        ),
    ),
    Capability(
        "measure",
        _("Measure"),
        _("Is it working? Which missions are effective?"),
        (
            Page(
                "briefs",
                _("Briefs"),
                _("The weekly nation-image brief, in HTML and PDF."),
                _("Generated weekly once listening has data."),
                url_name="brief_list",
            ),
            Page(
                "campaign-reports",
                _("Campaign reports"),
                _("Reach and engagement against each campaign's KPIs."),
                _("Available when a campaign has deliveries."),
                url_name="campaign_reports",
            ),
            Page(
                "scorecards",
                _("Scorecards"),
                _("Posting cadence, languages, engagement and clearance times per mission."),
                _("Computed from the missions' publishing."),
                url_name="scorecards",
            ),
            Page(
                "skills",
                _("Digital skills"),
                _("The playbook in Kazakh, Russian and English, its checks, and who needs help."),
                _("Shipped with elshi; HQ editors adapt chapters."),
                url_name="skills",
            ),
        ),
    ),
    Capability(
        "engage",
        _("Engage"),
        _("How do we run hybrid diplomacy and keep a virtual embassy open?"),
        (
            Page(
                "engagements",
                _("Engagements"),
                _("Physical, virtual and hybrid events with registration and calendars."),
                _("A mission editor creates an engagement."),
                url_name="engagement_list",
            ),
            Page(
                "virtual-embassy",
                _("Virtual embassy"),
                _("The mission's public multilingual site, built from cleared content."),
                _("Published from cleared posts and engagements."),
                url_name="virtual_embassy",
            ),
        ),
    ),
)

BY_KEY = {c.key: c for c in CAPABILITIES}
