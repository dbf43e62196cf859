"""The drafting's rules for measures and their targets, each on a small text of its own."""

from __future__ import annotations

from decimal import Decimal

from goldenthread.planfile.drafting import draft_text
from goldenthread.planfile.drafting.candidates import Candidate
from goldenthread.planfile.drafting.document import Block, Place
from goldenthread.planfile.drafting.language import reported_in, target_in, targets_in
from goldenthread.planfile.drafting.measures import measure_target, run_together, without_repeated_targets

SCORECARD_TWICE = """# Business plan 2024/25

## Summary

Priority\tMeasure
1 – Satisfied patients\tNet score of positive versus negative feedback
2 – Safe care\tIncidents of avoidable harm reported each month
3 – Sound finances\tActual spend versus budget

## 1. Our scorecard

Priority\tDescription\tMeasure
1 – Satisfied patients\tThe friends and family test, monthly\tNet score of positive versus negative feedback
2 – Safe care\tLearning from every incident\tIncidents of avoidable harm reported each month
3 – Sound finances\tLiving within our means\tActual spend versus budget
"""


def _metrics(text: str) -> list[tuple[str, str]]:
    plan = draft_text(text, "plan.txt").plan
    return [(m.title, m.source or "") for m in plan.metrics]


def test_a_table_of_measures_printed_twice_gives_its_measures_once_from_the_fuller_printing() -> None:
    metrics = _metrics(SCORECARD_TWICE)
    assert [title for title, _ in metrics] == [
        "Net score of positive versus negative feedback",
        "Incidents of avoidable harm reported each month",
        "Actual spend versus budget",
    ]
    assert all("table 2" in source for _, source in metrics), metrics


def test_two_tables_of_different_measures_are_both_kept() -> None:
    other = SCORECARD_TWICE.replace(
        "Net score of positive versus negative feedback\n", "Complaints answered in time\n", 1
    )
    other = other.replace("Incidents of avoidable harm reported each month\n", "Staff vacancies filled\n", 1)
    assert len(_metrics(other)) == 6


def test_a_span_of_time_or_a_whole_set_named_in_words_is_no_number_to_reach() -> None:
    assert target_in("responding to the increase in the population aged over 85 years") is None
    assert target_in("sequencing genomes over the next 3 to 5 years") is None
    assert target_in("the actions apply across all five domains of the framework") is None
    assert target_in("area teams will assure all four contractor services") is None


def test_a_number_of_things_is_still_a_number_to_reach_after_a_span_of_time() -> None:
    reach = target_in("a programme aiming to reach all 7,800 GP practices in the next three years")
    assert reach is not None and reach.value == Decimal(7800)
    trained = target_in("within 20 days we will train 2,000 staff")
    assert trained is not None and trained.value == Decimal(2000)


def test_each_item_of_a_list_run_into_a_sentence_sets_its_own_target_with_its_own_date() -> None:
    found = targets_in(
        "A data service will be set up: – 95% of trusts will use the patient number by January 2015"
        " – 75% of GP practices will send the full extract by September 2013"
    )
    assert [(t.value, t.by) for t in found] == [(Decimal("0.95"), "2015-01"), (Decimal("0.75"), "2013-09")]
    assert found[1].text == "75% of GP practices will send the full extract by September 2013"


def test_a_sentence_of_targets_may_open_with_its_number() -> None:
    found = targets_in("We will improve online access. 60% of practices will offer online booking by June 2025.")
    assert [(t.value, t.by, t.text) for t in found] == [
        (Decimal("0.6"), "2025-06", "60% of practices will offer online booking by June 2025.")
    ]


def test_one_clause_setting_the_target_is_its_text_and_its_date_is_the_clauses_own() -> None:
    found = targets_in(
        "We will open a new service by December 2024 and 100% of referrals will be electronic by March 2026."
    )
    assert [(t.value, t.by, t.text) for t in found] == [
        (Decimal(1), "2026-03", "100% of referrals will be electronic by March 2026.")
    ]


def test_a_target_reached_in_stages_is_its_last_stage_by_its_date() -> None:
    staged = target_in("50% of practices will offer it by April 2014 with 100% achieving this by March 2015")
    assert staged is not None and (staged.value, staged.by) == (Decimal(1), "2015-03")
    single = target_in("50% of practices will offer it by April 2014 with the support of their area team")
    assert single is not None and (single.value, single.by) == (Decimal("0.5"), "2014-04")


REPORTED_AND_LISTED = """# Business plan 2024/25

## 1. Introduction

This plan sets out what the Example Trust will do.

## 2. Timely care

### Actions for 2024/25

Publish a new waiting list charter.

Our access standards for 2024/25 are:

- 75% of patients should start treatment within six weeks of referral, and 95% within 18 weeks.

## 3. Our people

Since April 2024 the induction has been refreshed; 120 ward managers have attended the leadership course; \
35 nurses have completed the advanced practice programme. The audit office has produced 12 reports, and 8 \
general reports with relevance to the trust.

### Actions for 2024/25

Publish a new workforce plan.
"""


def test_an_item_setting_several_targets_gives_a_metric_a_clause() -> None:
    metrics = draft_text(REPORTED_AND_LISTED, "plan.txt").plan.metrics
    set_targets = [(m.title, m.target.value) for m in metrics if m.target is not None]
    assert set_targets == [
        ("75% of patients should start treatment within six weeks of referral", Decimal("0.75")),
        ("95% within 18 weeks.", Decimal("0.95")),
    ]


def test_figures_reported_as_achieved_are_measures_without_targets_with_the_figure_in_the_definition() -> None:
    metrics = draft_text(REPORTED_AND_LISTED, "plan.txt").plan.metrics
    reported = [(m.title, m.definition.split(" (printed")[0]) for m in metrics if m.target is None]
    assert reported == [
        ("Ward managers have attended the leadership course", "Reported as achieved: 120"),
        ("Nurses have completed the advanced practice programme", "Reported as achieved: 35"),
    ]


def test_a_figure_is_reported_only_as_the_subject_of_what_its_own_clause_says_was_done() -> None:
    assert reported_in("The office has produced 19 reports on us, and 22 general reports with relevance to us.") == []
    assert reported_in("705 people have attended sessions with 671 attending workshops.") == [
        (Decimal(705), "People have attended sessions"),
        (Decimal(671), "Attending workshops"),
    ]
    assert reported_in("120 managers will attend the course.") == []  # a plan, not a report
    assert targets_in("230 staff have attended the workshops with 70 attending twice.") == []


def _target_metric(text: str, line: int) -> Candidate:
    block = Block("paragraph", text, line)
    return Candidate("metric", text, Place(block, "section"), 0.5, "rule", target=target_in(text))


def test_a_target_stated_again_is_one_metric_the_first_statement() -> None:
    first = _target_metric(
        "Delivery of Leadership Academy core programmes to 2,000 clinical and non-clinical staff", 10
    )
    again = _target_metric("We will deliver Leadership Academy core programmes to 2,000 staff by March 2014.", 90)
    other = _target_metric("We will recruit 2,000 volunteers to the community programmes.", 95)
    assert without_repeated_targets([first, again, other]) == [first, other]


def test_targets_with_the_same_number_for_different_things_are_all_kept() -> None:
    gp = _target_metric("75% of GP practices will be providing the full extract by September 2013", 1)
    trusts = _target_metric("75% of hospital trusts will be providing prescribing data by December 2015", 2)
    assert without_repeated_targets([gp, trusts]) == [gp, trusts]


def test_a_measure_stated_of_all_its_things_by_a_date_is_all_of_them() -> None:
    all_by = measure_target("All hospital deaths subject to Medical Examiner scrutiny by March 2020")
    assert all_by is not None and (all_by.value, all_by.comparison, all_by.by) == (Decimal(1), "=", "2020-03")
    assert measure_target("All hospital deaths reviewed") is None  # no date: a scope, not a target
    stated = measure_target("All wards with 95% of shifts filled by June 2025")
    assert stated is not None and stated.value == Decimal("0.95")


def test_a_list_whose_breaks_were_lost_is_split_where_its_opening_word_returns() -> None:
    assert run_together("Reduction in inappropriate prescribing Reduction in infections across the system") == [
        "Reduction in inappropriate prescribing",
        "Reduction in infections across the system",
    ]
    assert run_together("Fewer falls in care homes") == ["Fewer falls in care homes"]


MATRIX = (
    "Unit\tCare quality\n"
    "Medical\tDirectorate Priority: Safer prescribing Metric(s): Reduction in inappropriate prescribing "
    "Reduction in infections Key Activities (sample): Create the programme board\n"
    "Examiners\tDirectorate Priority: Medical examiners Metric(s): All hospital deaths scrutinised by March 2020 "
    "Key Activities (sample): Appoint regional examiners\n"
)


def test_a_matrix_cells_measures_are_split_and_read_as_measures() -> None:
    metrics = draft_text("# Plan 2019/20\n\n## Priorities\n\n" + MATRIX, "plan.txt").plan.metrics
    assert [(m.title, m.target.value if m.target else None) for m in metrics] == [
        ("Reduction in inappropriate prescribing", None),
        ("Reduction in infections", None),
        ("All hospital deaths scrutinised by March 2020", Decimal(1)),
    ]
