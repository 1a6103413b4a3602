"""Platform text and media rules, pure, for connectors and the composer alike."""

from .counting import grapheme_count, mastodon_length, threads_length, utf16_length, x_weighted_length
from .facets import Facet, facet_json, find_facets
from .little import LITTLE_RESERVED, escape_little_text
from .rules import RULES, PlatformRules, mastodon_rules, rules_for, text_length, validate
from .urls import find_urls

__all__ = [
    "LITTLE_RESERVED",
    "RULES",
    "Facet",
    "PlatformRules",
    "escape_little_text",
    "facet_json",
    "find_facets",
    "find_urls",
    "grapheme_count",
    "mastodon_length",
    "mastodon_rules",
    "rules_for",
    "text_length",
    "threads_length",
    "utf16_length",
    "validate",
    "x_weighted_length",
]
