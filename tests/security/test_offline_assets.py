"""Pages ask no other host for anything: the NHS.UK stylesheet is served without its remote fonts,
and its icons from this site's own static files."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.staticfiles import finders

from goldenthread.config.offline_assets import offline_stylesheet


def test_remote_font_faces_are_left_out_and_icons_point_at_static_files():
    css = (
        'a{color:red}@font-face{font-family:F;src:url(https://assets.nhs.uk/f.woff2) format("woff2")}'
        "@font-face{font-family:L;src:url(/static/local.woff2)}"
        ".x{background:url(/assets/images/i.svg)}.y{background:url('/assets/images/j.svg')}"
    )
    out = offline_stylesheet(css, "/static/nhsuk/assets/")
    assert "assets.nhs.uk" not in out and "font-family:F" not in out
    assert "@font-face{font-family:L;src:url(/static/local.woff2)}" in out  # a local font stays
    assert "url(/static/nhsuk/assets/images/i.svg)" in out and "url('/static/nhsuk/assets/images/j.svg')" in out


def test_the_served_stylesheet_names_no_other_host_and_its_icons_exist():
    path = finders.find("nhsuk/nhsuk-frontend.min.css")
    assert path is not None
    text = open(path, encoding="utf-8").read()
    urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
    assert urls and not [u for u in urls if "//" in u], urls
    for url in urls:
        if url.startswith(settings.STATIC_URL):
            assert finders.find(url.removeprefix(settings.STATIC_URL)), url
