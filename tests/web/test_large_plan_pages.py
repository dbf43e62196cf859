"""A large plan's overview is shown a page at a time (issue 15 finding 15: a 20 MB plan's overview
was 132 MB and took 23 s); small plans look as they always did."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from goldenthread.plans.store import load_plan
from goldenthread.presenters.paging import ROWS_PER_PAGE

from ..large_plans import load_large_plan

pytestmark = pytest.mark.django_db

AS_AT = "2018/19 Q4"


@pytest.fixture
def admin(client):
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.org"))
    return client


@pytest.fixture(scope="module")
def large(django_db_setup, django_db_blocker):
    """300 objectives, 900 activities, 150 metrics: 1,350 rows, three pages of the overview."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_large_plan(300)
        transaction.set_rollback(True)  # loaded once for the module, and gone after it


def sections(html: str) -> list[str]:
    return re.findall(r'<section class="gt-objective[^"]*" id="([^"]+)"', html)


def test_the_overview_of_a_large_plan_is_paged_and_its_links_keep_the_period(admin, large):
    """Issue 15 finding 15: the overview showed every element of the plan at once."""
    first = admin.get("/plans/large/", {"as_at": AS_AT})
    html = first.content.decode()
    assert first.status_code == 200
    assert "Page 1 of 3: objectives 1 to " in html
    shown = sections(html)
    assert 50 < len(shown) < 300 and shown[0] == "objective-A0"
    assert 'href="?as_at=2018%2F19+Q4&amp;page=2"' in html  # the next page keeps the period
    second = admin.get("/plans/large/", {"as_at": AS_AT, "page": "2"}).content.decode()
    assert "Page 2 of 3" in second and not set(sections(second)) & set(shown)
    assert 'href="?as_at=2018%2F19+Q4"' in second  # back to the first page, still as at the period
    everything = shown + sections(second) + sections(admin.get("/plans/large/?page=3").content.decode())
    assert len(everything) == len(set(everything)) == 300  # every objective once, on one page or another
    assert len(first.content) < ROWS_PER_PAGE * 2_000  # about 1.5 KB a row; the whole plan would be 2 MB


@pytest.mark.parametrize("page", ["0", "-1", "x", "1.5", "99", "4", "9" * 30, "²"])
def test_a_page_that_is_not_one_is_a_400_with_the_message(admin, large, page):
    """Issue 15 finding 15: the page parameter is checked like every other (a 400, never a 500)."""
    response = admin.get("/plans/large/", {"page": page, "as_at": AS_AT})
    assert response.status_code == 400
    assert "“page”" in response.content.decode() or "page number in the address" in response.content.decode()


def test_a_link_to_an_objective_on_another_page_leads_to_that_page(admin, large):
    html = admin.get("/plans/large/", {"page": "3"}).content.decode()
    links = set(re.findall(r'href="([^"#]+)#(objective-A\d+)"', html))  # commitments contribute to areas
    assert ("?", "objective-A0") in links  # the first page, without page=
    for href, target in links:
        assert target in sections(admin.get("/plans/large/" + href).content.decode())


def test_a_small_plan_has_no_pager(admin, example_plan):
    load_plan(example_plan)
    html = admin.get("/plans/example-2019/").content.decode()
    assert "Page 1 of" not in html and "page=" not in html and "nhsuk-pagination" not in html
    assert admin.get("/plans/example-2019/", {"page": "1"}).status_code == 200
    assert admin.get("/plans/example-2019/", {"page": "2"}).status_code == 400


def test_the_deliverables_and_exceptions_of_a_large_plan_are_paged_keeping_the_filters(admin, large):
    """Issue 15 finding 15: the deliverables page (26 MB for a 20 MB plan) and the exceptions page
    (10 MB) listed every activity at once."""
    first = admin.get("/plans/large/deliverables/", {"as_at": AS_AT}).content.decode()
    assert "Page 1 of 2: activities 1 to 500 of 900" in first
    assert 'href="?as_at=2018%2F19+Q4&amp;page=2"' in first
    assert first.count('<tr class="nhsuk-table__row">\n        <td') == 500
    filtered = admin.get("/plans/large/deliverables/", {"as_at": AS_AT, "level": "commitment", "page": "2"})
    html = filtered.content.decode()
    assert filtered.status_code == 200 and "Page 2 of 2" in html
    assert 'href="?as_at=2018%2F19+Q4&amp;level=commitment"' in html  # back to page 1, with the filter
    assert admin.get("/plans/large/deliverables/", {"page": "3"}).status_code == 400
    exceptions = admin.get("/plans/large/exceptions/", {"as_at": AS_AT, "page": "2"}).content.decode()
    found = re.search(r"Page 2 of \d+: exceptions 501 to ([\d,]+) of [\d,]+", exceptions)
    assert found and exceptions.count('<li class="gt-exception">') == int(found[1].replace(",", "")) - 500


def test_the_reading_by_directorate_of_a_large_plan_is_paged(admin, large):
    """Issue 15 finding 15: the reading by directorate (22 MB for a 20 MB plan) showed every directorate at once."""
    first = admin.get("/plans/large/by-directorate/", {"as_at": AS_AT}).content.decode()
    found = re.search(r"Page 1 of (\d+)", first)
    assert found and int(found[1]) > 1
    contents = re.findall(r'nhsuk-contents-list__link" href="([^"#]*)#(directorate-\d+)"', first)
    assert len(contents) == 6 and contents[0] == ("?as_at=2018%2F19+Q4", "directorate-1")
    for href, anchor in contents:  # every directorate once, on the page its link leads to
        page = admin.get("/plans/large/by-directorate/" + href.replace("&amp;", "&")).content.decode()
        assert f'id="{anchor}"' in page


def test_a_link_to_an_objective_opens_the_page_that_holds_it(admin, large):
    """Links from the scorecard, exceptions and metric pages name the objective (``?objective=``);
    on a paged overview they went to page 1, which did not hold most objectives."""
    third = sections(admin.get("/plans/large/", {"page": "3"}).content.decode())
    code = third[-1].removeprefix("objective-")
    html = admin.get("/plans/large/", {"objective": code, "as_at": AS_AT}).content.decode()
    assert "Page 3 of 3" in html and f"objective-{code}" in sections(html)
    page_links = re.findall(r'href="(\?[^"]*)"', html)
    assert 'href="?as_at=2018%2F19+Q4&amp;page=2"' in html  # the other pages keep the period ...
    assert page_links and not [h for h in page_links if "objective=" in h]  # ... but not the objective
    assert "Page 2 of 3" in admin.get("/plans/large/", {"objective": code, "page": "2"}).content.decode()
    assert "Page 1 of 3" in admin.get("/plans/large/", {"objective": "no-such"}).content.decode()
