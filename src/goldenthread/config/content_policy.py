"""The Content-Security-Policy every page is served with (django-csp builds the header from it).

Nothing on a page runs or loads unless it comes from this site: scripts from the site's own static
files plus two inline scripts allowed by their SHA-256 hashes, never `unsafe-inline` or
`unsafe-eval`. The two inline scripts are

- the NHS.UK page template's one line that marks the page as having JavaScript (read here from
  the installed template, so the hash follows an upgrade of nhsuk-frontend-jinja), and
- the chart pages' import map, which lets the CSP-safe Vega expression interpreter (the npm
  package vega-interpreter, an ES module) find the `vega-util` functions it imports in the Vega
  bundle already on the page (static/goldenthread/vega-util.js).

Vega draws charts with SVG presentation attributes and the CSS object model, which `style-src
'self'` allows, so no inline styles are needed. Fonts: the NHS.UK frontend's stylesheet loads the
Frutiger web font from assets.nhs.uk; the product builds it from the package's Sass without those
rules (goldenthread.config.offline_assets), so pages ask no other host for anything and fonts come
only from this site.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import nhsuk_frontend_jinja
from csp.constants import NONE, SELF

NHSUK_TEMPLATE = Path(nhsuk_frontend_jinja.__file__).parent / "templates" / "nhsuk" / "template.jinja"

_INLINE_SCRIPT = re.compile(r"<script(?:\s[^>]*)?>(.*?)</script>", re.S)


def sha256_source(text: str) -> str:
    """The CSP source expression that allows an inline script with exactly this text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def nhsuk_inline_scripts() -> list[str]:
    """The inline scripts of the NHS.UK page template (plain text: no template tags inside)."""
    scripts = _INLINE_SCRIPT.findall(NHSUK_TEMPLATE.read_text(encoding="utf-8"))
    if any("{{" in s or "{%" in s for s in scripts):
        raise RuntimeError(f"{NHSUK_TEMPLATE} has an inline script built from template values; hash it per page")
    return scripts


def import_map(static_url: str) -> str:
    """The chart pages' import map: the bare name `vega-util` that vega-interpreter imports."""
    text = json.dumps({"imports": {"vega-util": f"{static_url}goldenthread/vega-util.js"}}, separators=(",", ":"))
    return text.translate({ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"})  # safe inside <script>


def content_security_policy(static_url: str) -> dict[str, dict[str, list[str]]]:
    """django-csp's CONTENT_SECURITY_POLICY setting."""
    hashes = [sha256_source(text) for text in [*nhsuk_inline_scripts(), import_map(static_url)]]
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF, *hashes],
            "style-src": [SELF],
            "img-src": [SELF, "data:"],
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
        }
    }
