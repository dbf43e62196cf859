"""Forms of the cycle: what a person typed, checked, with every problem found at once and
everything typed kept exactly as typed for the page to show again.

A form is a list of :class:`Field` s, each knowing its name, label, what was typed, its error and
— after a conflicting save — what is stored now. Templates loop over fields;
:mod:`goldenthread.cycles.services` receives plain, checked data. The form layer is in
:mod:`.fields`; each form has its module: :mod:`.update`, :mod:`.decision`, :mod:`.review`
(with closing an action), :mod:`.action` (progress notes) and :mod:`.period`.
"""

from goldenthread.cycles.forms.action import ActionNoteForm
from goldenthread.cycles.forms.decision import DecisionForm
from goldenthread.cycles.forms.fields import Field, Form, Group, parse_date, parse_number
from goldenthread.cycles.forms.period import PeriodForm
from goldenthread.cycles.forms.review import CloseActionForm, ReviewForm
from goldenthread.cycles.forms.update import UpdateForm, update_strings

__all__ = [
    "ActionNoteForm",
    "CloseActionForm",
    "DecisionForm",
    "Field",
    "Form",
    "Group",
    "PeriodForm",
    "ReviewForm",
    "UpdateForm",
    "parse_date",
    "parse_number",
    "update_strings",
]
