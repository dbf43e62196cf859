"""The drafting's rules for measures and their targets, each on a small text of its own."""

from __future__ import annotations

from goldenthread.planfile.drafting import draft_text

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
