"""The versions pages: every version of a plan, one version with its file and what changed since
the one before, and any two versions compared — made here by loading an edited file with
``goldenthread plan load``."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model

from goldenthread.cli.main import main
from goldenthread.planfile import to_yaml, validate_file, validate_text
from goldenthread.plans import changes
from goldenthread.plans import models as m
from goldenthread.presenters.versions import compare_page
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = "<script>alert('x')</script> =SUM(A1)"
NEW_RISK = """  - code: R2
    title: Agency spending rises
    objective: NUR-1
    likelihood: 3
"""


def edited_file(folder) -> str:
    """The example plan with four changes: a metric's target lowered, an objective retitled (with
    markup), an activity removed and a risk added."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("value: 0.08", "value: 0.07")
    text = text.replace("title: Nursing workforce supply", f'title: "{HOSTILE}"')
    start, end = text.index("  - code: NUR-1-a\n"), text.index("metrics:\n")
    text = text[:start] + text[end:] + NEW_RISK
    path = folder / "edited.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def plan(tmp_path, capsys) -> m.Plan:
    assert main(["plan", "load", str(EXAMPLE)]) == 0
    assert main(["plan", "load", edited_file(tmp_path)]) == 0
    assert "(version 2)" in capsys.readouterr().out
    return m.Plan.objects.get(code="example-2019")


@pytest.fixture
def reader(client, plan):
    client.force_login(get_user_model().objects.create_user("reader", first_name="Rita"))
    return client


def text_of(response) -> str:
    """The page's words as a reader sees them (without the column names a narrow screen shows)."""
    html = re.sub(r'<span class="nhsuk-table-responsive__heading"[^>]*>[^<]*</span>', "", response.content.decode())
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_comparison_lists_exactly_the_changes_made_by_loading_the_edited_file(reader):
    page = compare_page(m.Plan.objects.get(code="example-2019"), "1", "2")
    assert page.errors == [] and page.comparison is not None
    found = {
        (group.section, row.action, row.code, tuple((f.path, f.old, f.new) for f in row.fields))
        for group in page.comparison.groups
        for row in group.rows
    }
    assert found == {
        ("objectives", "changed", "NUR-1", (("title", "Nursing workforce supply", HOSTILE),)),
        ("metrics", "changed", "NUR-VAC", (("target.value", "0.08 (8%)", "0.07 (7%)"),)),
        (
            "activities",
            "removed",
            "NUR-1-a",
            (
                ("objective", "NUR-1", "(none)"),
                ("type", "key_activity", "(none)"),
                ("owner", "cno", "(none)"),
                ("due", "Annual survey", "(none)"),
            ),
        ),
        ("risks", "added", "R2", (("objective", "(none)", "NUR-1"), ("likelihood", "(none)", "3"))),
    }
    assert page.comparison.plan_fields == []
    response = reader.get("/plans/example-2019/versions/compare/?from=1&to=2")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="nhsuk-table__row gt-compare__row--') == 4
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; =SUM(A1)" in html
    words = text_of(response)
    for expected in (
        "Version 1 → version 2",
        "1 added, 2 changed, 1 removed",
        "Target value: 0.08 (8%) → changed to 0.07 (7%)",
        "Removed NUR-1-a Annual nursing workforce survey",
        "Added R2 Agency spending rises",
    ):
        assert expected in words, (expected, words)


def test_the_versions_page_lists_every_version_and_offers_the_comparison(reader, plan):
    changes.draft_change(plan, get_user_model().objects.create_user("priya"))
    response = reader.get("/plans/example-2019/versions/")
    assert response.status_code == 200
    words = text_of(response)
    assert "Version 2 Latest Loaded from a file 2019/20 Loaded from edited.yaml" in words
    assert "Version 1 Loaded from a file 2019/20 Loaded from example.yaml" in words
    assert words.index("Version 2 Latest") < words.index("Version 1 Loaded")  # newest first
    assert "Change 1 is open (draft)" in words
    html = response.content.decode()
    assert 'href="/plans/example-2019/change/"' in html
    assert 'action="/plans/example-2019/versions/compare/"' in html
    assert '<option value="1" selected>' in html and '<option value="2" selected>' in html
    assert 'href="/plans/example-2019/versions/"' in reader.get("/plans/example-2019/").content.decode()  # plan nav


def test_a_version_page_shows_its_summary_changes_and_file(reader, tmp_path):
    second = reader.get("/plans/example-2019/versions/2/")
    assert second.status_code == 200
    words = text_of(second)
    assert "Version 2" in words and "This is the plan’s latest version" in words
    assert "Changes since version 1" in words and "Target value: 0.08 (8%) → changed to 0.07 (7%)" in words
    assert 'href="/plans/example-2019/versions/2/?format=yaml"' in second.content.decode()
    assert 'href="/plans/example-2019/plan.xlsx?version=2"' in second.content.decode()  # the workbook's download
    first = text_of(reader.get("/plans/example-2019/versions/1/"))
    assert "This is the plan’s first version: its baseline" in first
    download = reader.get("/plans/example-2019/versions/1/?format=yaml")
    assert download["Content-Disposition"] == 'attachment; filename="example-2019-version-1.yaml"'
    loaded_back = validate_text(download.content.decode(), "v1.yaml")
    assert loaded_back.ok and loaded_back.plan is not None
    assert to_yaml(loaded_back.plan) == to_yaml(validate_file(EXAMPLE).plan)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Give the version to compare from: a version number (plan example-2019 has versions 1 to 2)"),
        ("?from=1", "Give the version to compare to: a version number (plan example-2019 has versions 1 to 2)"),
        (
            "?from=one&to=2",
            "The version to compare from 'one' is not a version number; give a whole number "
            "(plan example-2019 has versions 1 to 2)",
        ),
        ("?from=1&to=9", "There is no version 9 of plan example-2019: it has versions 1 to 2"),
        ("?from=1&to=%C2%B2", "is not a version number"),
        ("?from=-1&to=2", "'-1' is not a version number"),
    ],
)
def test_bad_versions_to_compare_are_said_on_the_page(reader, query, message):
    response = reader.get("/plans/example-2019/versions/compare/" + query)
    assert response.status_code == 400
    words = text_of(response)
    assert "There is a problem" in words and message in words
    assert 'href="#compare-' in response.content.decode()


def test_a_version_compared_with_itself_has_no_differences(reader):
    words = text_of(reader.get("/plans/example-2019/versions/compare/?from=2&to=2"))
    assert "No differences" in words and "The two versions hold the same plan." in words


def test_an_unknown_version_or_plan_is_not_found(reader):
    assert reader.get("/plans/example-2019/versions/3/").status_code == 404
    assert reader.get("/plans/example-2019/versions/3/?format=yaml").status_code == 404
    assert reader.get("/plans/nope/versions/").status_code == 404


def test_versions_are_for_signed_in_readers_only(client, plan):
    plan.status = "published"
    plan.save()
    for url in (
        "/plans/example-2019/versions/",
        "/plans/example-2019/versions/1/",
        "/plans/example-2019/versions/compare/?from=1&to=2",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


def test_the_versions_pages_take_no_posts(reader):
    assert reader.post("/plans/example-2019/versions/").status_code == 403
    assert reader.post("/plans/example-2019/versions/compare/?from=1&to=2").status_code == 403


def test_an_approved_change_is_a_version_with_its_summary_and_period(reader, plan):
    users = get_user_model()
    priya, dee = users.objects.create_user("priya"), users.objects.create_user("dee", first_name="Dee")
    change = changes.draft_change(plan, priya)
    shown = changes.element_data(change, "metrics", "AMR-PRESC")
    assert shown is not None
    target = {"value": "0.9", "comparison": "<="}
    changes.save_element(
        change, "metrics", "AMR-PRESC", {**shown, "target": target}, reason="Board", user=priya, seen=None
    )
    changes.submit(change, priya, in_force_label="2019/20 Q3", summary="Prescribing target <set>")
    changes.approve(change, dee, "Agreed")
    words = text_of(reader.get("/plans/example-2019/versions/"))
    assert "Version 3 Latest Approved change 1 2019/20 Q3 Prescribing target <set> Dee" in words
    compared = text_of(reader.get("/plans/example-2019/versions/3/"))
    assert "Changes since version 2" in compared and "Target: (none) → changed to ≤ 0.9" in compared


def test_a_plan_without_versions_says_so(reader, plan):
    plan.versions.all().delete()
    assert "No versions of this plan are recorded yet" in text_of(reader.get("/plans/example-2019/versions/"))
    response = reader.get("/plans/example-2019/versions/compare/?from=1&to=2")
    assert response.status_code == 400
    words = text_of(response)
    assert "There is no version 1 of plan example-2019: it has no versions yet" in words
    assert "This plan has no versions to compare yet." in words
