"""The cycle's rules: periods, what each unit reports, saving and moving updates through
draft → submitted → approved (or returned → resubmitted), reviews, reminders and publishing.

Every write here happens in one transaction and is attributed to the acting user in the audit
trail. Saves are optimistic: the caller says which version the person started from, and a save
from an older version is refused with :class:`Conflict` — nobody's update is ever lost silently.

Each part has its module — :mod:`.periods`, :mod:`.scope` (who reports what), :mod:`.updates`,
:mod:`.journey` (the update's steps), :mod:`.decisions`, :mod:`.reviews`, :mod:`.actions`, :mod:`.reminders`,
:mod:`.publishing` — and callers use them all from here: ``services.save_update(...)``.
"""

from goldenthread.cycles.services.actions import account_named, add_note, carried_into
from goldenthread.cycles.services.decisions import decide
from goldenthread.cycles.services.errors import Conflict, CycleError, Incomplete
from goldenthread.cycles.services.journey import NOT_STARTED, STATUS_LABELS, S
from goldenthread.cycles.services.people import display_name, plan_people, planning_team, unit_leads, unit_people
from goldenthread.cycles.services.periods import DAYS_TO_REPORT, generate_periods, period_slug, update_period_dates
from goldenthread.cycles.services.publishing import publish, withdraw
from goldenthread.cycles.services.reminders import (
    Outstanding,
    ReminderResult,
    base_url,
    outstanding,
    send_reminders,
)
from goldenthread.cycles.services.reviews import ReviewData, close_action, save_review
from goldenthread.cycles.services.scope import (
    NON_REPORTING_KINDS,
    Scope,
    reporting_units,
    return_metric_ids,
    set_return_metrics,
    unit_scope,
)
from goldenthread.cycles.services.updates import (
    UpdateData,
    key,
    problems_before_submit,
    save_update,
    stored_data,
)

__all__ = [
    "DAYS_TO_REPORT",
    "NON_REPORTING_KINDS",
    "NOT_STARTED",
    "STATUS_LABELS",
    "Conflict",
    "CycleError",
    "Incomplete",
    "Outstanding",
    "ReminderResult",
    "ReviewData",
    "S",
    "Scope",
    "UpdateData",
    "account_named",
    "add_note",
    "base_url",
    "carried_into",
    "close_action",
    "decide",
    "display_name",
    "generate_periods",
    "key",
    "outstanding",
    "period_slug",
    "plan_people",
    "planning_team",
    "problems_before_submit",
    "publish",
    "reporting_units",
    "return_metric_ids",
    "save_review",
    "save_update",
    "send_reminders",
    "set_return_metrics",
    "stored_data",
    "unit_leads",
    "unit_people",
    "unit_scope",
    "update_period_dates",
    "withdraw",
]
