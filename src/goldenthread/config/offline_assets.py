"""The NHS.UK stylesheet as this product serves it: nothing in it asks another host for anything.

nhsuk-frontend's compiled stylesheet loads the Frutiger web font from assets.nhs.uk and points its
icons at ``/assets/images/…`` on the site's root. Users' networks block outside hosts (a blocked
font held every page up for about 5 seconds), and a page must never request anything but the
product itself. So the product builds the stylesheet itself from nhsuk-frontend's own Sass with the
package's settings for it (``assets/nhsuk-frontend.scss``: no default ``@font-face``, icons relative
to the stylesheet), with ``sass`` from npm, as part of ``make install`` (``npm run build:css``),
into ``build/assets/nhsuk/`` (not committed: 290 KB, made again from the pinned packages). The
settings put that folder first among the static files under ``nhsuk/``, so it is found before the
package's own compiled file; pages fall back to Arial, the NHS.UK font stack's next choice.

A system check (``goldenthread check``, ``migrate``) says what to do when the stylesheet is
missing, older than its source or the installed package, or names another host.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core import checks

STYLESHEET = "nhsuk-frontend.min.css"
SOURCE = Path("assets") / "nhsuk-frontend.scss"
BUILT = Path("build") / "assets" / "nhsuk"
_BUILD = "Run `make install` (or `npm run build:css`) in the project folder."

# an absolute address (scheme:) or one on another host (//host/…), wherever CSS can hold one
_OUTSIDE = re.compile(
    r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:[a-z][a-z0-9+.-]*:|//)[^'")\s]*)""",
    re.IGNORECASE,
)
_ALLOWED_SCHEMES = ("data:",)


def stylesheet_dir(project_dir: Path) -> Path:
    """The folder ``make install`` builds the NHS.UK stylesheet into (served as ``static/nhsuk/``)."""
    return project_dir / BUILT


def outside_addresses(css: str) -> list[str]:
    """Every address in ``css`` that a browser would fetch from a host other than the page's own."""
    return [m.group(1) for m in _OUTSIDE.finditer(css) if not m.group(1).lower().startswith(_ALLOWED_SCHEMES)]


def stylesheet_problems(project_dir: Path, package_dir: Path) -> list[checks.CheckMessage]:
    """What is wrong with the built stylesheet: missing or naming another host (errors), older than
    its source or the installed nhsuk-frontend, ``package_dir`` (a warning)."""
    built = stylesheet_dir(project_dir) / STYLESHEET
    if not built.exists():
        return [checks.Error(f"The NHS.UK stylesheet {built} is not built.", hint=_BUILD, id="goldenthread.E101")]
    problems: list[checks.CheckMessage] = []
    outside = outside_addresses(built.read_text(encoding="utf-8"))
    if outside:
        problems.append(
            checks.Error(
                f"The NHS.UK stylesheet {built} asks another host for {', '.join(outside[:3])}.",
                hint=f"Leave them out in {SOURCE}, then {_BUILD}.",
                id="goldenthread.E102",
            )
        )
    sources = [project_dir / SOURCE, package_dir / "package.json"]
    newer = [str(s) for s in sources if s.exists() and s.stat().st_mtime > built.stat().st_mtime]
    if newer:
        text = f"The NHS.UK stylesheet {built} is older than {', '.join(newer)}."
        problems.append(checks.Warning(text, hint=_BUILD, id="goldenthread.W101"))
    return problems


@checks.register(checks.Tags.staticfiles)
def check_stylesheet(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Django's system check of the built NHS.UK stylesheet (:func:`stylesheet_problems`)."""
    from django.conf import settings

    return stylesheet_problems(Path(settings.PROJECT_DIR), Path(settings.NHSUK_FRONTEND_DIR).parent.parent)
