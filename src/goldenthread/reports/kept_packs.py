"""The board pack as a page (HTML) and as Word, rendered once and kept in the database
(:mod:`goldenthread.pagecache`) for every web server: assembling it reads the kept assessment, the
kept metric pages of its exceptions and their kept drawings, but still takes about 0.2 s of CPU on a
national plan, which ten people opening it at once queue behind.

A kept rendering is read only while nothing that shapes it has changed. Its slot names the code and
templates (the code's digest), the plan, the format and the period; its stamp names the data held,
the plan's versions and last save and its org units (:mod:`goldenthread.pagecache.store`), every
committed change to the cycle's records — submissions and their approvals or returns, reviews,
actions, publications, meetings' records — and the names of the people the updates quote
(:func:`goldenthread.pagecache.records.cycle_state`), and the day (the pack prints the day it was
produced and the deliverables due in the next 30 days). The pack is the same for everyone who may
read it (``report-board`` in :data:`goldenthread.access.policy.PAGES`): nothing in it depends on
who asks, so one rendering serves them all once the page's rule has let them in.

The task worker renders the pack as at the current quarter after a load or an approval
(:func:`warm`, run by :func:`goldenthread.presenters.kept.warm`), so the first person to open it
does not wait.
"""

from __future__ import annotations

from datetime import date

from goldenthread.pagecache import records, store
from goldenthread.performance.assessment import default_as_at
from goldenthread.planfile.periods import Period
from goldenthread.plans import models as m
from goldenthread.reports.board import board_pack
from goldenthread.reports.documents import render_pack

#: the formats kept (the PDF is built by the task worker and kept as a file: :mod:`.jobs`)
KEPT_FORMATS = ("html", "docx")


def board_file(plan: m.Plan, period: Period, fmt: str, today: date | None = None) -> bytes:
    """The board pack for ``period`` in ``fmt`` (HTML or Word) produced ``today`` (by default the
    day it is), as kept, or rendered and kept."""
    if fmt not in KEPT_FORMATS:
        raise ValueError(f"The board pack is kept as {' or '.join(KEPT_FORMATS)}, not '{fmt}'")
    today = today or date.today()  # the pack prints it and lists what falls due in the next 30 days

    def state() -> str:
        """What the pack is made from besides the data and the plan: the day and the cycle's records."""
        return f"{today.isoformat()}/{records.cycle_state()}"

    def render() -> bytes:
        return render_pack(board_pack(plan, period, today=today), fmt)

    return store.kept(plan, f"board-pack-{fmt}", repr(period.label), render, more=state)


def file_stem(plan: m.Plan, period: Period) -> str:
    """The board pack's file name without its extension (as :attr:`.pack.Pack.file_stem` names it)."""
    name = f"{plan.code}-board-{period.label}"
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name).strip("-")


def warm(plan: m.Plan) -> None:
    """Render and keep the board pack page as at the current quarter (the scorecard's default)."""
    board_file(plan, default_as_at(plan), "html")
