"""elshi's Content-Security-Policy, one entry per kind of resource, each with the reason it is there.

Read by ``settings.CONTENT_SECURITY_POLICY`` (django-csp 4's format). Templates carry no inline script,
no inline ``style=`` and no ``<style>`` block, and htmx runs with ``allowEval`` and its injected
indicator styles off (``base.html``'s ``htmx-config`` meta), so ``'unsafe-inline'`` and ``'unsafe-eval'``
are needed nowhere. ``json_script`` blocks are data (``type="application/json"``): never executed.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import re
from pathlib import Path
from typing import Any

from csp.constants import NONE, SELF, UNSAFE_HASHES

__all__ = ["EMPTY_STYLE", "POLICY", "plotly_bundled_styles"]

# plotly.js (4.x, served by elshi from the plotly wheel) puts its few global rules (modebar, hover
# labels) into a <style id="plotly.js-style-global"> it creates *empty* and then fills through the
# CSSOM (insertRule), which CSP does not govern. Chromium still checks the empty element against
# style-src, so the chart would lose its toolbar styling and log a violation. This is the hash of the
# empty string: it admits an empty <style> element and nothing else (any text changes the hash).
# Plotly also sets a few empty style="" attributes (colour-bar fills) with setAttribute, which CSP checks
# as inline styles: 'unsafe-hashes' with this same hash admits an empty style attribute and no other.
EMPTY_STYLE = "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"

# plotly.js also bundles maplibre's stylesheet and, once per page, puts it into a <style> element of its
# own with that text. Its hash, computed from the installed bundle, admits exactly that stylesheet: a
# plotly upgrade brings its new text and hash along, and the browser test fails loudly if the pattern
# is gone (tests/foundation/test_hardening_web_csp_browser.py).
_BUNDLED = re.compile(r"createElement\(\"style\"\);e\.id=\"[0-9a-f]+\",e\.textContent='([^'\\]*)'")


def plotly_bundled_styles(bundle: Path | None = None) -> list[str]:
    """CSP hash sources of the stylesheets plotly.min.js inserts as text (none if plotly is absent)."""
    if bundle is None:
        spec = importlib.util.find_spec("plotly")  # finds the package without importing it (slow)
        if spec is None or not spec.submodule_search_locations:
            return []
        bundle = Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"
    if not bundle.is_file():
        return []
    text = bundle.read_text(encoding="utf-8")
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode()}'"
        for m in _BUNDLED.finditer(text)
    ]


POLICY: dict[str, Any] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_HASHES, EMPTY_STYLE, *plotly_bundled_styles()],
        # data: for the studio's card preview and the brief's charts (PNG in the page); blob: for
        # plotly's "download as PNG", which draws the chart into an image from a blob URL first.
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],  # Jitsi and other meetings are links, never frames
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    },
}
