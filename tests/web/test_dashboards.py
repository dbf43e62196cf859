"""The plan dashboards through Django's test client: the two readings and the matrix, deliverables,
budgets, search, the plan navigation and the as-at period — content, 404s, hostile input and
query counts that do not grow with the plan."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from goldenthread.planfile import validate_file, validate_text
from goldenthread.plans import models as m
from goldenthread.plans.store import load_plan
from goldenthread.presenters import readings
from goldenthread.presenters.as_at import as_at_choice
from goldenthread.presenters.deliverables import state_of

from ..conftest import PROJECT

pytestmark = pytest.mark.django_db

SEED_001 = PROJECT / "plans" / "nhsei-2019.yaml"
PLAN_PAGES = ("", "by-priority/", "by-directorate/", "matrix/", "deliverables/", "budgets/")


@pytest.fixture
def signed_in(client, example_plan):
    load_plan(example_plan)
    user = get_user_model().objects.create_user("reader", password="a-long-password")
    client.force_login(user)
    return client


@pytest.fixture
def seed_001():
    result = validate_file(SEED_001)
    assert result.ok, result.problems
    load_plan(result.plan)
    return m.Plan.objects.get(code="nhsei-2019")


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def text(html: str) -> str:
    """The page's words as a screen reader gets them (no markup, nothing aria-hidden), for checks
    that read like the page."""
    html = re.sub(r'<span [^>]*aria-hidden="true">[^<]*</span>', " ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# --- access, 404s and navigation -------------------------------------------------------------


def test_pages_need_sign_in(client, example_plan):
    load_plan(example_plan)
    for url in [f"/plans/example-2019/{p}" for p in PLAN_PAGES] + ["/search/?q=care"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url


def test_unknown_plan_is_404_on_every_plan_page(signed_in):
    for page in PLAN_PAGES:
        assert signed_in.get(f"/plans/no-such-plan/{page}").status_code == 404, page
        assert signed_in.get(f"/plans/no-such-plan/{page}?as_at=2019/20 Q1").status_code == 404, page


def test_every_plan_page_has_the_plan_navigation(signed_in):
    for page in PLAN_PAGES:
        html = get(signed_in, f"/plans/example-2019/{page}")
        nav = html[html.index('aria-label="Pages about this plan"') :]
        nav = nav[: nav.index("</nav>")]
        for href, label in (
            ("/plans/example-2019/", "Overview"),
            ("/plans/example-2019/by-priority/", "By priority"),
            ("/plans/example-2019/by-directorate/", "By directorate"),
            ("/plans/example-2019/matrix/", "Matrix"),
            ("/plans/example-2019/deliverables/", "Deliverables"),
            ("/plans/example-2019/budgets/", "Budgets"),
        ):
            assert f'href="{href}"' in nav and f">{label}</a>" in nav, (page, label)
        current = re.findall(r'href="([^"]+)" aria-current="page"', nav)
        assert current == [f"/plans/example-2019/{page}"], page


def test_links_keep_the_period(signed_in):
    html = get(signed_in, "/plans/example-2019/matrix/?as_at=2019/20 Q2")
    assert 'href="/plans/example-2019/deliverables/?as_at=2019%2F20+Q2"' in html
    assert 'href="/plans/example-2019/?as_at=2019%2F20+Q2#objective-MED-1"' in html  # objective links too
    assert '<option value="2019/20 Q2" selected>' in html


def test_the_period_is_read_as_the_plan_writes_it(signed_in):
    html = get(signed_in, "/plans/example-2019/deliverables/?as_at=2019/20-Q3")
    assert '<option value="2019/20 Q3" selected>' in html
    assert "Dates are judged as at 31 December 2019, the end of 2019/20 Q3." in html
    month = get(signed_in, "/plans/example-2019/deliverables/?as_at=2019-09")
    assert '<option value="2019-09" selected>' in month and "as at 30 September 2019" in month


def test_a_bad_period_is_explained_and_shown_as_text(signed_in):
    """Issue 15: a bad ``as_at`` is the 400 page with the message, shown as text (it used to show
    the default with an error beside the period form)."""
    response = signed_in.get("/plans/example-2019/by-priority/?as_at=<script>alert(1)</script>")
    html = response.content.decode()
    assert response.status_code == 400 and "<script>alert(1)" not in html
    assert "&#39;&lt;script&gt;alert(1)&lt;/script&gt;&#39; is not a period" in html
    assert "nhsuk-error-summary" in html and 'href="/plans/example-2019/by-priority/"' in html


def test_default_as_at_is_today_or_the_end_of_a_finished_plan(example_plan):
    load_plan(example_plan)
    plan = m.Plan.objects.get(code="example-2019")
    during = as_at_choice(plan, "", today=date(2019, 8, 1))
    assert during.date == date(2019, 8, 1) and during.chosen is None and during.period.label == "2019/20 Q2"
    assert during.default_option.text == "Today (1 August 2019)" and during.default_option.selected
    after = as_at_choice(plan, "", today=date(2026, 11, 23))
    assert after.date == date(2020, 3, 31) and after.default_option is None
    assert "The plan ended on 31 March 2020" in after.explanation
    assert [o.value for o in after.groups[0].options if o.selected] == ["2019/20 Q4"]
    before = as_at_choice(plan, "", today=date(2019, 1, 10))
    assert before.date == date(2019, 1, 10) and "The plan starts on 1 April 2019" in before.explanation


# --- plan overview ---------------------------------------------------------------------------


def test_overview_has_counts_by_level_anchors_and_budget_summary(signed_in):
    html = get(signed_in, "/plans/example-2019/")
    assert "Organisational priority (2) › Directorate priority (2)" in html
    assert 'id="metric-AMR-PRESC"' in html and 'id="activity-MED-1-a"' in html
    assert "gt-status" in html and "No data" in html  # statuses come from the assessment; no data loaded here
    assert 'href="/plans/example-2019/budgets/"' in html and "all 1 agree with the lines" in html


def test_overview_shows_each_objectives_status_from_the_assessment(client):
    from django.contrib.auth import get_user_model

    from ..factories import plan_with_data

    plan_with_data()
    client.force_login(get_user_model().objects.create_user("viewer", password="a-long-password"))
    html = get(client, "/plans/t/?as_at=2017/18 Q4")
    assert "nhsuk-tag--red" in html and "Concern" in html
    assert "its metric shows concern" in html and "1 of 2 activities are overdue" in html


# --- the two readings and the matrix (seed 001, Appendix Two) ---------------------------------


def test_seed_001_matrix_is_appendix_two(seed_001):
    page = readings.matrix(seed_001, as_at_choice(seed_001, "", today=date(2026, 1, 1)))
    assert [c.title for c in page.columns] == ["Care Quality and Outcomes", "Workforce"]
    assert [r.name for r in page.rows] == ["Medical", "Nursing"]
    assert [[[e.code for e in cell.entries] for cell in row.cells] for row in page.rows] == [
        [["MED-1"], ["MED-2"]],
        [["NUR-1"], ["NUR-2"]],
    ]
    med_1 = page.rows[0].cells[0].entries[0]
    assert [x.title for x in med_1.metrics] == [
        "Reduction in inappropriate prescribing of antibiotics",
        "Reduction in infections across the NHS system",
    ]
    assert [a.title for a in med_1.activities][1] == "Align workstream objectives with LTP and AMR National Plan"
    assert med_1.activities_heading == "Key activities" and med_1.status is None


def test_matrix_page_is_an_accessible_table(signed_in, seed_001):
    html = get(signed_in, "/plans/nhsei-2019/matrix/")
    assert (
        '<caption class="nhsuk-table__caption nhsuk-table__caption--m">'
        "Directorate priorities by directorate and organisational priority</caption>" in html
    )
    assert html.count('<th scope="col"') == 3 and html.count('<th scope="row"') == 2
    words = text(html)
    assert "Organisational priority 1 Care Quality and Outcomes" in words
    assert "Medical Directorate priority MED-1 Prevention and anti-microbial resistance" in words
    assert (
        "Nursing" in words
        and "Negotiate and launch match-funded Health Cadets programme with St John Ambulance" in words
    )
    assert 'href="/plans/nhsei-2019/#metric-MED-1-M1"' in html and 'href="/plans/nhsei-2019/#activity-MED-1-a"' in html


def test_by_priority_groups_contributors_by_directorate(signed_in, seed_001):
    words = text(get(signed_in, "/plans/nhsei-2019/by-priority/"))
    assert "By organisational priority" in words
    care = words[
        words.index("Organisational priority 1 Care Quality and Outcomes") : words.index(
            "Organisational priority 3 Workforce"
        )
    ]
    assert care.index("Medical") < care.index("MED-1") < care.index("Nursing") < care.index("NUR-1")
    assert "Reduction in infections across the NHS system To be confirmed" in care
    assert "Continue delivery of falls programme" in care and "MED-2" not in care
    uncovered = words[words.index("Organisational priorities nothing contributes to yet") :]
    assert "2 New Service Models" in uncovered and "7 NHS England and NHS Improvement Integration" in uncovered
    assert "1 Care Quality" not in uncovered


def test_by_directorate_says_what_each_contributes_to(signed_in, seed_001):
    html = get(signed_in, "/plans/nhsei-2019/by-directorate/")
    words = text(html)
    medical = words[words.index("Directorate Medical") : words.index("Directorate Nursing")]
    assert "MED-1 Prevention and anti-microbial resistance" in medical
    assert "Contributes to: 1 Care Quality and Outcomes" in medical and "Contributes to: 3 Workforce" in medical
    assert "NUR-1" not in medical
    assert 'href="/plans/nhsei-2019/#objective-3"' in html
    # organisation-level priorities and supplementary work are not a directorate's objectives
    assert "S-EU" not in words and "NHS England and NHS Improvement Integration" not in words


@pytest.mark.parametrize(
    ("level", "words"),
    [
        ("Directorate priority", "directorate priorities"),
        ("Priority for 2016/17", "priorities for 2016/17"),
        ("Improvement method", "improvement methods"),
        ("Area (business plan section)", "areas (business plan section)"),
        ("Key activities", "key activities"),
        ("Area 3", "objectives at the level “area 3”"),
        ("", "objectives"),
    ],
)
def test_level_names_in_sentences(level, words):
    assert readings.plural(level) == words


def test_links_below_the_first_level_read_by_priority(signed_in):
    """Developing People links improvement methods to a condition, not to the overarching ambition."""
    result = validate_file(PROJECT / "plans" / "developing-people.yaml")
    load_plan(result.plan)
    plan = m.Plan.objects.get(code="developing-people")
    page = readings.by_priority(plan, as_at_choice(plan, "", today=date(2026, 1, 1)))
    assert page.names["priority_level"] == "Priority"
    assert [(r.priority.code, [g.name for g in r.groups]) for r in page.priorities] == [("C2", [readings.NO_UNIT])]
    assert len(page.priorities[0].groups[0].entries) == 8
    assert "By priority" in text(get(signed_in, "/plans/developing-people/by-priority/"))


def test_a_plan_without_links_says_so_and_links_to_the_tree(signed_in, example_text):
    unlinked = example_text.replace('    contributes_to: ["1"]\n', "").replace('    contributes_to: ["3"]\n', "")
    load_plan(validate_text(unlinked).plan)
    for page, what in (
        ("by-priority/", "reading by priority"),
        ("by-directorate/", "reading by directorate"),
        ("matrix/", "matrix of directorates"),
    ):
        html = get(signed_in, f"/plans/example-2019/{page}?as_at=2019/20 Q1")
        assert "does not link its objectives to one another" in html and what in html, page
        assert '<a href="/plans/example-2019/?as_at=2019%2F20+Q1">plan overview</a>' in html, page


# --- deliverables -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "due", "state"),
    [
        ("complete", date(2019, 1, 1), "complete"),
        ("in_progress", date(2019, 6, 29), "overdue"),
        ("not_started", date(2019, 6, 30), "due_soon"),
        ("delayed", date(2019, 7, 30), "due_soon"),
        ("not_started", date(2019, 7, 31), "on_track"),
        ("in_progress", None, "no_date"),
        ("cancelled", date(2019, 1, 1), "cancelled"),
    ],
)
def test_deliverable_state(status, due, state):
    assert state_of(status, due, date(2019, 6, 30)) == state


def state_counts(html: str) -> dict[str, int]:
    table = html[html.index('class="nhsuk-table gt-counts"') :]
    table = table[: table.index("</table>")]
    return {
        label: int(n)
        for label, n in re.findall(
            r'nhsuk-tag[^>]*>\s*([A-Za-z ]+?)\s*</strong>.*?nhsuk-table__cell--numeric">(\d+)<', table, re.S
        )
    }


def test_deliverables_against_the_as_at_date(signed_in):
    q1 = get(signed_in, "/plans/example-2019/deliverables/?as_at=2019/20 Q1")
    assert state_counts(q1) == {"Overdue": 0, "Due soon": 0, "On track": 1, "No date": 1, "Complete": 0}
    assert "2019/20 Q2 (30 September 2019)" in q1 and "due in 92 days" in q1
    assert "Annual survey" in text(q1[q1.index('id="state-no_date"') :])  # the timeline as printed
    sept = get(signed_in, "/plans/example-2019/deliverables/?as_at=2019-09")
    assert state_counts(sept)["Due soon"] == 1 and "due today" in sept
    q3 = get(signed_in, "/plans/example-2019/deliverables/?as_at=2019/20 Q3")
    assert state_counts(q3)["Overdue"] == 1 and "overdue by 92 days" in q3
    overdue = text(q3[q3.index('id="state-overdue"') : q3.index('id="state-no_date"')])
    assert (
        "Create AMR Programme" in overdue
        and "Medical Directorate" in overdue
        and "National Medical Director" in overdue
    )
    assert "In progress" in overdue


def test_an_activity_without_any_date_says_so_once(signed_in):
    m.Activity.objects.filter(title="Annual nursing workforce survey").update(due_text="", due_date=None)
    page = text(get(signed_in, "/plans/example-2019/deliverables/?as_at=2019/20 Q1"))
    assert page.lower().count("no date given") == 1


def test_deliverables_default_date_is_explained(signed_in):
    html = get(signed_in, "/plans/example-2019/deliverables/")
    assert "The plan ended on 31 March 2020, so dates are judged as at its end." in html


def test_deliverables_filters(signed_in):
    medical = get(signed_in, "/plans/example-2019/deliverables/?as_at=2019/20 Q3&directorate=medical")
    assert "Create AMR Programme" in medical and "Annual nursing workforce survey" not in medical
    assert "1 of 2 match the filters" in medical and '<option value="medical" selected>' in medical
    assert '<input type="hidden" name="directorate" value="medical">' in medical  # the period form keeps it
    assert '<input type="hidden" name="as_at" value="2019/20 Q3">' in medical  # the filter form keeps the period
    owner = get(signed_in, "/plans/example-2019/deliverables/?owner=cno")
    assert "Annual nursing workforce survey" in owner and "Create AMR Programme" not in owner
    level = get(signed_in, "/plans/example-2019/deliverables/?level=dir-priority")
    assert "2 of 2 match the filters" in level
    nothing = get(signed_in, "/plans/example-2019/deliverables/?directorate=medical&owner=cno")
    assert "No activities match these filters" in nothing
    # issue 15: a code the plan does not use is said on its filter, with the status 400
    response = signed_in.get("/plans/example-2019/deliverables/?directorate=<b>x</b>")
    unknown = response.content.decode()
    assert response.status_code == 400
    assert "This plan has no directorate with code “&lt;b&gt;x&lt;/b&gt;”" in unknown and ": 2</caption>" in unknown


def test_completed_and_cancelled_deliverables(signed_in, example_text):
    done = example_text.replace(
        "    due: 2019/20 Q2\n    status: in_progress", "    due: 2019/20 Q2\n    status: complete"
    )
    done = done.replace("    due: Annual survey\n", "    due: Annual survey\n    status: cancelled\n")
    load_plan(validate_text(done).plan)
    counts = state_counts(get(signed_in, "/plans/example-2019/deliverables/?as_at=2019/20 Q4"))
    assert counts == {"Overdue": 0, "Due soon": 0, "On track": 0, "No date": 0, "Complete": 1, "Cancelled": 1}


# --- budgets ----------------------------------------------------------------------------------


def test_budgets_page(signed_in, seed_001):
    words = text(get(signed_in, "/plans/example-2019/budgets/"))
    assert "Budget 2019/20" in words and "Medical Directorate £12.5m £12.5m" in words
    assert "Total of the lines £20.6m £20.6m" in words
    assert "Total running costs £20.6m £20.6m none" in words
    assert "No spend has been recorded against this budget" in words
    assert "This plan holds no budget lines." in text(get(signed_in, "/plans/nhsei-2019/budgets/"))


def test_budgets_show_a_printed_total_that_differs(signed_in, example_text):
    load_plan(validate_text(example_text.replace("amount: £20.6m", "amount: £20.0m")).plan)
    words = text(get(signed_in, "/plans/example-2019/budgets/"))
    assert "Total running costs £20.0m £20.6m lines exceed it by £0.6m" in words
    assert "1 of 1 differ from the lines" in text(get(signed_in, "/plans/example-2019/"))


# --- search -----------------------------------------------------------------------------------


def test_search_across_plans_grouped_by_plan_and_kind(signed_in, seed_001):
    html = get(signed_in, "/search/?q=antibiotics")
    words = text(html)
    assert "2 results for “antibiotics”" in words
    assert words.index("Example joint business plan") < words.index("NHS England and NHS Improvement Joint Work")
    assert (
        'href="/plans/example-2019/#metric-AMR-PRESC"' in html and 'href="/plans/nhsei-2019/#metric-MED-1-M1"' in html
    )
    assert "<mark>antibiotics</mark>" in html
    kinds = get(signed_in, "/search/?q=nursing")
    assert "Objectives (1)" in kinds and "Metrics (1)" in kinds and "Activities (1)" in kinds
    assert (
        'href="/plans/example-2019/#objective-NUR-1"' in kinds
        and 'href="/plans/example-2019/#activity-NUR-1-a"' in kinds
    )


def test_search_needs_every_word_and_reads_descriptions(signed_in):
    assert "1 result for" in text(get(signed_in, "/search/?q=nursing VACANCY"))
    assert "No results for" in text(get(signed_in, "/search/?q=nursing antibiotics"))
    described = get(signed_in, "/search/?q=established")  # only in NUR-VAC's definition
    assert "NUR-VAC" in described and "<mark>established</mark>" in described


def test_search_is_safe_with_any_input(signed_in):
    html = get(signed_in, "/search/?q=<script>alert('x')</script>")
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    for q in (
        "%",
        "_",
        "\\",
        "'; drop table plans_plan; --",
        "x" * 4000,
        " ".join("w" * 30 for _ in range(30)),
    ):
        assert signed_in.get("/search/", {"q": q}).status_code == 200, q
    # issue 15: a control character is the 400 page with the message (it used to be searched
    # for as a space)
    refused = signed_in.get("/search/", {"q": "a\x00b"})
    assert refused.status_code == 400 and "contains a NUL character (U+0000) at character 2" in refused.content.decode()
    assert signed_in.get("/search/", {"q": "x" * 5000}).status_code == 400  # longer than an address can be
    assert "Search objectives, metrics and activities" in get(signed_in, "/search/")
    assert "results for" not in get(signed_in, "/search/?q=")


def test_markup_in_titles_is_text_on_every_page(signed_in, example_text):
    hostile = (
        example_text.replace(
            "title: Prevention and anti-microbial resistance clinical policy and programme development",
            "title: \"<script>alert('o')</script> prevention\"",
        )
        .replace(
            "title: Create AMR Programme including Programme Board and governance structures",
            'title: "<img src=x onerror=alert(1)> programme"',
        )
        .replace("title: Reduction in inappropriate prescribing of antibiotics", 'title: "<b>antibiotics</b>"')
    )
    load_plan(validate_text(hostile).plan)
    for url in [f"/plans/example-2019/{p}" for p in PLAN_PAGES] + [
        "/search/?q=prevention",
        "/search/?q=programme",
        "/search/?q=antibiotics",
    ]:
        html = get(signed_in, url)
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>antibiotics" not in html, url
    assert "&lt;script&gt;alert(&#39;o&#39;)&lt;/script&gt;" in get(signed_in, "/plans/example-2019/matrix/")
    assert "&lt;img src=x onerror=alert(1)&gt; programme" in get(signed_in, "/plans/example-2019/deliverables/")


# --- queries do not grow with the plan --------------------------------------------------------


def bigger(example_text: str, n: int = 30) -> str:
    objectives = "".join(
        f"  - {{code: X{i}, level: dir-priority, title: Extra {i}, org_unit: {'medical' if i % 2 else 'nursing'}, "
        f"owner: {'nmd' if i % 2 else 'cno'}, contributes_to: ['{1 if i % 3 else 3}']}}\n"
        for i in range(n)
    )
    activities = "".join(
        f"  - {{code: X{i}-a, objective: X{i}, title: Extra activity {i}, owner: nmd, due: 2019/20 Q{i % 4 + 1}}}\n"
        for i in range(n)
    )
    metrics = "".join(f"  - {{code: XM{i}, title: Extra metric {i}, objectives: [X{i}, '1']}}\n" for i in range(n))
    budgets = "".join(
        f"  - {{code: XB{i}, title: Extra line {i}, org_unit: medical, category: programme, amount: {i}000, "
        "period: 2019/20}\n"
        for i in range(n)
    )
    return (
        example_text.replace("activities:\n", objectives + "activities:\n" + activities, 1)
        .replace("metrics:\n", "metrics:\n" + metrics, 1)
        .replace("budget_lines:\n", "budget_lines:\n" + budgets, 1)
    )


#: the most queries each page may make, whatever the size of the plan — the session, the user,
#: the access check's plan lookup and the person's roles and memberships (the navigation offers
#: "Upload data" by role) included
QUERY_BUDGETS = {
    # (the quality check's export asks once whether the plan has governance bodies to read; the
    # plan tree, computed once and kept, is looked up and stored under a key that reads the
    # cycle's records: 4 queries more the first time, fewer every time after)
    "/plans/example-2019/?as_at=2019/20 Q3": 49,
    "/plans/example-2019/by-priority/?as_at=2019/20 Q3": 11,
    "/plans/example-2019/by-directorate/?as_at=2019/20 Q3": 12,  # and the metrics with their owners' units
    "/plans/example-2019/matrix/?as_at=2019/20 Q3": 11,
    # and the plan's versions: the dates of the version in force then (performance.definitions)
    "/plans/example-2019/deliverables/?as_at=2019/20 Q3&directorate=medical": 11,
    "/plans/example-2019/budgets/?as_at=2019/20 Q3": 9,
    "/search/?q=extra": 7,
}


@pytest.mark.parametrize("url", list(QUERY_BUDGETS))
def test_page_queries_do_not_grow_with_plan_size(signed_in, example_text, django_assert_max_num_queries, url):
    with django_assert_max_num_queries(QUERY_BUDGETS[url]) as small:
        signed_in.get(url)
    load_plan(validate_text(bigger(example_text)).plan)
    assert m.Objective.objects.filter(plan__code="example-2019").count() == 34
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = signed_in.get(url)
    assert response.status_code == 200
    if "search" in url:
        assert "90 results" in response.content.decode()
