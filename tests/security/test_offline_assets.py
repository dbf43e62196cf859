"""Pages ask no other host for anything: the NHS.UK stylesheet is built from nhsuk-frontend's Sass
without its remote font (assets/nhsuk-frontend.scss, `make install`), with its icons from this
site's own static files; a system check says what to do when it is missing, stale or names another
host."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.staticfiles import finders

from goldenthread.config.offline_assets import STYLESHEET, outside_addresses, stylesheet_dir, stylesheet_problems


def test_outside_addresses_are_found_wherever_css_holds_them():
    css = (
        '@font-face{font-family:F;src:url(https://assets.nhs.uk/f.woff2) format("woff2")}'
        "@font-face{font-family:L;src:url(/static/local.woff2)}"
        ".x{background:url( '//cdn.example/i.svg' )}.y{mask:url(\"HTTP://Example.org/j.svg\")}"
        '@import "https://fonts.example/x.css";.z{background:url(assets/images/k.svg)}'
        ".w{background:url(data:image/svg+xml;base64,AAAA)}"
    )
    assert outside_addresses(css) == [
        "https://assets.nhs.uk/f.woff2",
        "//cdn.example/i.svg",
        "HTTP://Example.org/j.svg",
        "https://fonts.example/x.css",
    ]
    assert outside_addresses(".a{background:url(/static/i.svg)}.b{background:url(assets/j.svg)}") == []


def test_the_served_stylesheet_is_the_built_one_names_no_other_host_and_its_icons_exist():
    path = finders.find(f"nhsuk/{STYLESHEET}")
    assert path is not None and Path(path) == stylesheet_dir(settings.PROJECT_DIR) / STYLESHEET
    text = Path(path).read_text(encoding="utf-8")
    assert "@font-face" not in text and not re.findall(r"https?:", text, re.IGNORECASE)
    assert outside_addresses(text) == []
    urls = set(re.findall(r"url\(\s*['\"]?([^'\")]+)", text))
    assert urls
    for url in urls:  # relative to the stylesheet, static/nhsuk/…
        served = urljoin(f"{settings.STATIC_URL}nhsuk/{STYLESHEET}", url)
        assert finders.find(served.removeprefix(settings.STATIC_URL)), url


def _project(tmp_path: Path, css: str | None) -> tuple[Path, Path]:
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "nhsuk-frontend.scss").write_text("// settings\n")
    package = tmp_path / "node_modules" / "nhsuk-frontend"
    package.mkdir(parents=True)
    (package / "package.json").write_text("{}")
    if css is not None:
        built = stylesheet_dir(tmp_path) / STYLESHEET
        built.parent.mkdir(parents=True)
        built.write_text(css)
    return tmp_path, package


def test_the_check_says_how_to_build_a_missing_stylesheet(tmp_path):
    [problem] = stylesheet_problems(*_project(tmp_path, None))
    assert problem.is_serious() and "is not built" in problem.msg and "make install" in problem.hint


def test_the_check_refuses_a_stylesheet_naming_another_host(tmp_path):
    [problem] = stylesheet_problems(*_project(tmp_path, "@font-face{src:url(https://assets.nhs.uk/f.woff2)}"))
    assert problem.is_serious() and "asks another host for https://assets.nhs.uk/f.woff2" in problem.msg


def test_the_check_warns_of_a_stylesheet_older_than_its_source(tmp_path):
    project, package = _project(tmp_path, "a{color:red}")
    assert stylesheet_problems(project, package) == []
    built = stylesheet_dir(project) / STYLESHEET
    os.utime(built, (built.stat().st_mtime - 60,) * 2)
    [problem] = stylesheet_problems(project, package)
    assert not problem.is_serious() and "is older than" in problem.msg and "nhsuk-frontend.scss" in problem.msg
