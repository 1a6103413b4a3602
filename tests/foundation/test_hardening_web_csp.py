"""The Content-Security-Policy: sent on every response, strict, and no template needs it loosened."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from elshi.missions import actions as mission_actions
from elshi.missions.models import Channel
from elshi.web.csp_policy import EMPTY_STYLE, plotly_bundled_styles

SRC = Path(__file__).resolve().parents[2] / "src" / "elshi"
# The downloadable brief is a file a person saves and opens on their own machine (sent as an
# attachment): it carries its styles inside, as a document that stands alone must.
STANDALONE = {"reports/templates/reports/brief_document.html"}
INLINE = [
    (re.compile(r"\sstyle\s*="), "a style= attribute"),
    (re.compile(r"<style[\s>]"), "a <style> block"),
    (re.compile(r"<script(?![^>]*\ssrc=)[^>]*>"), "an inline <script>"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "an on*= handler"),
    (re.compile(r"\shx-on[:-]"), "an hx-on handler (evaluated as code)"),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/does-not-exist/"])
def test_every_response_carries_the_strict_policy(path: str) -> None:
    response = Client().get(path)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'", "'unsafe-hashes'", EMPTY_STYLE, *plotly_bundled_styles()]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"] and policy["base-uri"] == ["'self'"]
    unsafe = {value for values in policy.values() for value in values if "unsafe" in value}
    assert unsafe == {"'unsafe-hashes'"}  # hashes only: no 'unsafe-inline', no 'unsafe-eval'
    assert "'unsafe-hashes'" not in policy["script-src"]


def test_signed_in_pages_carry_it_too(login: Any) -> None:
    header = login("author").get("/publish/calendar/")["Content-Security-Policy"]
    assert "script-src 'self'" in header and "'unsafe-inline'" not in header


def test_the_plotly_allowance_admits_only_an_empty_style_element() -> None:
    empty = base64.b64encode(hashlib.sha256(b"").digest()).decode()
    assert EMPTY_STYLE == f"'sha256-{empty}'"


def test_plotly_bundled_stylesheet_is_admitted_by_its_exact_hash(tmp_path: Path) -> None:
    css = ".maplibregl-map{overflow:hidden}"
    bundle = tmp_path / "plotly.min.js"
    bundle.write_text(
        'x=1;var e=document.createElement("style");e.id="9f21ab",e.textContent=\'' + css + "',document.head"
    )
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert plotly_bundled_styles(bundle) == [f"'sha256-{digest}'"]
    assert plotly_bundled_styles(tmp_path / "absent.js") == []
    assert len(plotly_bundled_styles()) == 1  # the installed plotly still bundles one: found


def test_htmx_is_configured_for_the_policy() -> None:
    base = (SRC / "web" / "templates" / "base.html").read_text()
    config = json.loads(re.search(r'name="htmx-config" content=\'([^\']+)\'', base).group(1))  # type: ignore[union-attr]
    assert config == {"allowEval": False, "includeIndicatorStyles": False}
    css = (SRC / "web" / "static" / "elshi" / "elshi.css").read_text()
    assert ".htmx-request .htmx-indicator" in css  # what htmx would have injected, served from a file


def test_no_template_needs_inline_code_or_style() -> None:
    found = []
    for template in sorted(SRC.glob("*/templates/**/*.html")):
        name = str(template.relative_to(SRC))
        if name in STANDALONE:
            continue
        text = re.sub(r"\{#.*?#\}", "", template.read_text())  # template comments never reach a browser
        found += [f"{name}: {why}" for pattern, why in INLINE if pattern.search(text)]
    assert found == []


@pytest.mark.parametrize(
    "platform,settings,origin",
    [
        ("linkedin", {}, "https://www.linkedin.com"),
        ("x", {}, "https://x.com"),
        ("instagram", {}, "https://www.facebook.com"),
        ("mastodon", {"base_url": "https://mastodon.example/"}, "https://mastodon.example"),
        ("mastodon", {"base_url": "http://plain.example"}, None),  # never widen to plain http
        ("telegram", {}, None),
    ],
)
def test_only_a_channel_page_lets_its_connect_form_reach_its_platform(
    login: Any, missions: dict[str, Any], platform: str, settings: dict[str, str], origin: str | None
) -> None:
    channel = mission_actions.do_save_channel(
        Channel(mission=missions["berlin"], platform=platform, handle=f"@{platform}", settings=settings),
        acting_user=None,
    )
    client = login("approver")
    policy = _directives(client.get(f"/publish/channels/{channel.pk}/")["Content-Security-Policy"])
    assert policy["form-action"] == (["'self'", origin] if origin else ["'self'"])
    listing = _directives(client.get("/publish/channels/")["Content-Security-Policy"])
    assert listing["form-action"] == ["'self'"]
