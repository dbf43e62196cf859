"""Sign-in, the list of plans and the plan page, through Django's test client."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from goldenthread.plans.store import load_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, example_plan):
    load_plan(example_plan)
    user = get_user_model().objects.create_user("reader", password="a-long-password")
    client.force_login(user)
    return client


def test_pages_need_sign_in(client, example_plan):
    load_plan(example_plan)
    for url in ("/", "/plans/example-2019/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_sign_in(client):
    get_user_model().objects.create_user("reader", password="a-long-password")
    page = client.get("/accounts/login/")
    assert b"Sign in to goldenthread" in page.content and b"csrfmiddlewaretoken" in page.content
    bad = client.post("/accounts/login/", {"username": "reader", "password": "wrong"})
    assert bad.status_code == 200 and b"There is a problem" in bad.content
    good = client.post("/accounts/login/", {"username": "reader", "password": "a-long-password"})
    assert good.status_code == 302 and good["Location"] == "/work/"  # My work


def test_sign_out_is_a_post(signed_in):
    assert b"Sign out" in signed_in.get("/accounts/logout/").content
    assert signed_in.post("/accounts/logout/").status_code == 302
    assert signed_in.get("/").status_code == 302


def test_home_lists_plans(signed_in):
    page = signed_in.get("/").content.decode()
    assert "Example joint business plan 2019/20" in page
    assert 'href="/plans/example-2019/"' in page


def test_plan_page_shows_the_tree(signed_in):
    page = signed_in.get("/plans/example-2019/").content.decode()
    for text in (
        "Organisational priority",
        "Care Quality and Outcomes",
        "Directorate priority",
        "Prevention and anti-microbial resistance clinical policy and programme development",
        "National Medical Director",
        "Medical Directorate",
        "Accountability Framework paragraphs 12 to 31 &amp; 47",
        "Contributes to",
        'href="#objective-1"',
        "Contributed to by",
        "Reducing health inequalities",
        "bracketed in the plan",
        "To be confirmed",
        "Annual survey",
        "Two consecutive quarters above trajectory",
    ):
        assert text in page, text


def test_unknown_plan_is_404(signed_in):
    assert signed_in.get("/plans/nope/").status_code == 404


def test_markup_in_titles_is_shown_as_text(signed_in, example_text):
    from goldenthread.planfile import validate_text

    hostile = validate_text(example_text.replace("title: Workforce", "title: \"<script>alert('x')</script>\""))
    load_plan(hostile.plan)
    page = signed_in.get("/plans/example-2019/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


def test_plan_page_queries_do_not_grow_with_plan_size(signed_in, example_text, django_assert_max_num_queries):
    from goldenthread.planfile import validate_text

    with django_assert_max_num_queries(49) as small:  # the first request, which computes and keeps the tree
        signed_in.get("/plans/example-2019/")
    extra = "".join(
        f"  - {{code: X{i}, level: dir-priority, title: Extra {i}, org_unit: medical, owner: nmd, "
        "contributes_to: ['1']}\n"
        for i in range(30)
    )
    bigger = example_text.replace("activities:\n", extra + "activities:\n", 1)
    load_plan(validate_text(bigger).plan)
    with django_assert_max_num_queries(len(small.captured_queries)):
        signed_in.get("/plans/example-2019/")
