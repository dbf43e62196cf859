"""Issue 15: the cycle's forms check numbers and text with planfile.fields — a value the database
cannot hold, or a character it refuses, is an error at its field, never a database error, and
nothing is saved."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goldenthread.cycles.forms.fields import parse_date
from goldenthread.cycles.models import AccountabilityReview, Publication, Submission

UPDATE = "/plans/nhsei-2019/periods/2019-20-q1/units/medical/update/"
REVIEW = "/plans/nhsei-2019/periods/2019-20-q1/units/medical/review/edit/"


def fields_of(world):
    scope = world.scope()
    return scope.metrics[0], scope.activities[0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("commentary", "Fine\x00then", "The commentary contains a NUL character (U+0000) at character 5; delete it"),
        ("rag_reason", "\u202eevil", "The reason for the rating contains an invisible right-to-left override"),
        ("numerator", "1e30", "as a number smaller than 1,000,000,000,000,000"),
        ("denominator", "1e30", "is too large to store: at most 15 digits before the decimal point"),
        ("forecast_on", "01/01/0001", "as a real date from 1900 to 2199"),
        ("numerator", "9" * 500, "as a number, like 95"),
    ],
)
def test_bad_values_are_refused_at_their_field(world, login, field, value, message):
    """Issue 15: 1e30 or a NUL in commentary reached the database (PostgreSQL refused it with a
    500; SQLite stored the NUL); a tiny denominator made a value no column holds."""
    client = login(world.users["lead"])
    metric, activity = fields_of(world)
    names = {
        "numerator": f"m{metric.pk}-numerator",
        "denominator": f"m{metric.pk}-denominator",
        "forecast_on": f"a{activity.pk}-forecast_on",
    }
    posted = {"version": "0", "action": "save", f"m{metric.pk}-numerator": "5", f"m{metric.pk}-denominator": "10"}
    posted[names.get(field, field)] = value
    response = client.post(UPDATE, posted)
    page = response.content.decode()
    assert response.status_code == 400, page[:300]
    assert message in page.replace("&#39;", "'")
    assert not Submission.objects.exists()


def test_a_review_refuses_a_nul_and_year_one(world, login):
    """Issue 15: a review held on 1 January 0001, and a NUL in its summary, are errors at the fields."""
    client = login(world.users["planner"])
    response = client.post(
        REVIEW, {"version": "0", "status": "held", "held_on": "1 January 0001", "summary": "a\x00b", "chair": "C"}
    )
    page = response.content.decode()
    assert response.status_code == 400, page[:300]
    assert "The summary contains a NUL character (U+0000) at character 2" in page and "from 1900 to 2199" in page
    assert not AccountabilityReview.objects.exists()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_any_typed_date_is_a_date_in_range_or_refused(text):
    """Issue 15 finding 1: any text typed as a date is a date from 1900 to 2199 or a ValueError."""
    try:
        day = parse_date(text)
    except ValueError:
        return
    assert 1900 <= day.year <= 2199


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    numerator=st.one_of(st.text(max_size=12), st.sampled_from(["1e30", "-1e400", "NaN", "1e-30", "9" * 20])),
    denominator=st.one_of(st.text(max_size=12), st.sampled_from(["1e-20", "0", "-0", "Infinity", "0.00000001"])),
    commentary=st.text(max_size=20),
)
def test_any_update_is_saved_or_refused_at_its_fields(world, login, numerator, denominator, commentary):
    """Issue 15: generated numbers and text in the update form: saved, or a 400 with messages —
    never a 500."""
    client = login(world.users["lead"])
    metric, _ = fields_of(world)
    version = Submission.objects.values_list("version", flat=True).first() or 0
    response = client.post(
        UPDATE,
        {
            "version": str(version),
            "action": "save",
            f"m{metric.pk}-numerator": numerator,
            f"m{metric.pk}-denominator": denominator,
            "commentary": commentary,
        },
    )
    assert response.status_code in (200, 302, 400), (numerator, denominator, commentary, response.status_code)


def test_publishing_a_period_that_is_no_slug(world, login):
    """Issue 15: a NUL in the period publish names was sent to the database (PostgreSQL: a 500)."""
    client = login(world.users["planner"])
    response = client.post("/plans/nhsei-2019/publish/", {"period": "2019-20-q1\x00", "action": "publish"})
    assert response.status_code == 404
    assert not Publication.objects.exists()
