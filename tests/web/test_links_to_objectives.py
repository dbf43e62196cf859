"""Links from the assurance pages to an objective on the plan page land on it: each
``/plans/CODE/…#id`` names an element the plan page has. The scorecard, exceptions, metric page and
the plan's own quality list wrote ``#objective-{{ code | anchor }}``, and ``anchor`` already starts
with ``objective-``, so every such link named ``#objective-objective-…`` and went nowhere."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from ..factories import plan_with_data

pytestmark = pytest.mark.django_db


def test_every_link_to_an_objective_names_an_id_on_the_plan_page(client):
    plan_with_data()
    client.force_login(get_user_model().objects.create_superuser("root", password="a-long-password"))
    ids = set(re.findall(r'\bid="([^"]+)"', client.get("/plans/t/").content.decode()))
    fragments = []
    for page in ("/plans/t/scorecard/", "/plans/t/exceptions/", "/plans/t/metrics/FOUR/", "/plans/t/"):
        html = client.get(page).content.decode()
        fragments += [(page, f) for f in re.findall(r'href="/plans/t/(?:\?[^"#]*)?#([^"]+)"', html)]
        if page == "/plans/t/":
            fragments += [(page, f) for f in re.findall(r'href="#(objective-[^"]+)"', html)]
    assert fragments, "no page linked to an objective"
    assert [(page, f) for page, f in fragments if f not in ids] == []
