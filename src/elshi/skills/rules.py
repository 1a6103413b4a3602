"""The rules of "who needs help": each reads measured behaviour and names the chapter that addresses it.

Every rule looks at the last ``WINDOW_DAYS`` days and has a floor of evidence below which it stays
silent, so that one slip by a new colleague is not a finding. Thresholds, and why:

- ``alt_text`` (person and mission): more than 20% of the images in sent posts lack alt text, among at
  least 3 images. One image in five unreadable by screen-reader users is a habit, not a slip.
- ``sent_back`` (person): at least a third of the person's clearances were sent back (changes requested
  or rejected), among at least 3. An occasional return is clearance working; one in three means the
  same requirements are missed again.
- ``cadence`` (mission with an active channel): at least 2 of the 4 weeks without a sent post. The
  scorecard's regularity; followers see the account silent half the time.
- ``host_language`` (embassy, consulate, permanent mission): at least 3 posts sent and none in a host
  language (``reports.countries.host_languages``). Kazakh, Russian and English do not reach the host public.
- ``engagement`` (mission): engagements per measured delivery below a quarter of the median of the other
  missions, with at least 5 measured deliveries here and at least 2 other missions measured. Relative,
  because platforms and audiences differ too much for an absolute bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = ["RULES", "WINDOW_DAYS", "Rule"]

WINDOW_DAYS = 28


@dataclass(frozen=True)
class Rule:
    key: str
    chapter: str
    label: Promise
    threshold: Promise


RULES: dict[str, Rule] = {
    r.key: r
    for r in [
        Rule(
            "alt_text",
            "accessibility-alt-text",
            _("Images without alt text"),
            # xgettext:no-python-format
            _("more than 20% of at least 3 images sent in 28 days"),
        ),
        Rule(
            "sent_back",
            "clearance-ready",
            _("Posts sent back by clearance"),
            _("a third or more of at least 3 clearances in 28 days"),
        ),
        Rule(
            "cadence",
            "cadence-and-languages",
            _("Irregular cadence"),
            _("2 or more of the last 4 weeks without a post"),
        ),
        Rule(
            "host_language",
            "cadence-and-languages",
            _("No posts in a host language"),
            _("at least 3 posts in 28 days, none in a host language"),
        ),
        Rule(
            "engagement",
            "writing-for-platforms",
            _("Weak engagement"),
            _("under a quarter of the other missions' median engagement per delivery"),
        ),
    ]
}

ALT_MISSING_SHARE = 0.2
ALT_MIN_IMAGES = 3
SENT_BACK_SHARE = 1 / 3
SENT_BACK_MIN = 3
CADENCE_EMPTY_WEEKS = 2
HOST_MIN_POSTS = 3
ENGAGEMENT_SHARE = 0.25
ENGAGEMENT_MIN_DELIVERIES = 5
ENGAGEMENT_MIN_PEERS = 2
