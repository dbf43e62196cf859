"""What each page of the cycle shows, worked out here so templates only loop and print.

Every presenter that offers an action asks :mod:`goldenthread.access.rules` whether the person may take
it; the views check again before acting. One module a page (or family of pages): :mod:`.my_work` (where people land),
:mod:`.my_updates`, :mod:`.action`,
:mod:`.plan` (a plan's cycle), :mod:`.period`, :mod:`.submission`, :mod:`.reviews` (reviews and
actions), :mod:`.overdue` and :mod:`.public`; how tags, values and addresses are shown is in
:mod:`.display`.
"""

from goldenthread.presenters.cycle.action import ActionPage, action_page
from goldenthread.presenters.cycle.beside import Beside, beside_update
from goldenthread.presenters.cycle.display import Tag, review_href, submission_href
from goldenthread.presenters.cycle.my_updates import MyUpdates, my_updates
from goldenthread.presenters.cycle.my_work import MyWork, cycles_page, my_work
from goldenthread.presenters.cycle.overdue import OverdueGroup, overdue_page
from goldenthread.presenters.cycle.period import PeriodPage, period_page
from goldenthread.presenters.cycle.plan import PlanCycle, plan_cycle
from goldenthread.presenters.cycle.public import PublicPeriod, PublicPlan, public_period, public_plan
from goldenthread.presenters.cycle.reviews import (
    ActionRow,
    ActionsPage,
    ReviewPage,
    action_row,
    actions_page,
    review_page,
)
from goldenthread.presenters.cycle.submission import SubmissionPage, submission_page

__all__ = [
    "ActionPage",
    "ActionRow",
    "Beside",
    "ActionsPage",
    "MyUpdates",
    "MyWork",
    "OverdueGroup",
    "PeriodPage",
    "PlanCycle",
    "PublicPeriod",
    "PublicPlan",
    "ReviewPage",
    "SubmissionPage",
    "Tag",
    "action_page",
    "action_row",
    "cycles_page",
    "actions_page",
    "beside_update",
    "my_updates",
    "my_work",
    "overdue_page",
    "period_page",
    "plan_cycle",
    "public_period",
    "public_plan",
    "review_href",
    "review_page",
    "submission_href",
    "submission_page",
]
