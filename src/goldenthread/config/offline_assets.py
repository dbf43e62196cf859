"""The NHS.UK stylesheet as this product serves it: nothing in it asks another host for anything.

nhsuk-frontend's compiled stylesheet loads the Frutiger web font from assets.nhs.uk and points its
icons at ``/assets/images/…`` on the site's root. Users' networks block outside hosts, and a page
must never request anything but the product itself, so the stylesheet is served rewritten: the
remote ``@font-face`` rules are left out (pages fall back to Arial, the NHS.UK font stack's next
choice, exactly as they do when assets.nhs.uk is unreachable) and the icon addresses point at the
package's own images among the static files. The rewritten copy is written under the var folder
when it is missing or out of date, and found before the package's own file.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

STYLESHEET = "nhsuk-frontend.min.css"
_REMOTE_FONT_FACE = re.compile(r"@font-face\{[^}]*url\(\s*['\"]?(?:https?:)?//[^}]*\}")
_ROOT_ASSETS = re.compile(r"url\(\s*(['\"]?)/assets/")


def offline_stylesheet(css: str, assets_url: str) -> str:
    """``css`` without remote ``@font-face`` rules, its root ``/assets/`` addresses under ``assets_url``."""
    css = _REMOTE_FONT_FACE.sub("", css)
    return _ROOT_ASSETS.sub(lambda m: f"url({m.group(1)}{assets_url}", css)


def write_offline_stylesheet(source_dir: Path, target_dir: Path, assets_url: str) -> Path:
    """Write the rewritten stylesheet into ``target_dir`` (when it differs) and return the folder."""
    target_dir.mkdir(parents=True, exist_ok=True)
    source = source_dir / STYLESHEET
    if source.exists():
        text = offline_stylesheet(source.read_text(encoding="utf-8"), assets_url)
        target = target_dir / STYLESHEET
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            partial = target.with_name(f".{STYLESHEET}.{os.getpid()}")
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, target)  # whole, even with several processes starting at once
    return target_dir
