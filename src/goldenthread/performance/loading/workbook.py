"""Limits on an Excel data file, checked before openpyxl parses anything (Excel bombs): the pure
check is :mod:`goldenthread.planfile.workbook_limits`, shared with plan workbooks; a data file
is read from its first sheet, so that is the sheet whose size is checked."""

from __future__ import annotations

from goldenthread.planfile.workbook_limits import MB, WorkbookLimits, over_limits

__all__ = ["MB", "WHAT_TO_DO", "WorkbookLimits", "check_workbook"]

WHAT_TO_DO = "save the sheet as CSV UTF-8 (.csv) and load that, or split the file"


def check_workbook(content: bytes, limits: WorkbookLimits | None = None) -> str | None:
    """What about this workbook is over ``limits`` and what to do, as a message to follow the file
    name; or None. None too when the file is not a readable zip or has no worksheet: openpyxl then
    says so."""
    problem = over_limits(content, limits or WorkbookLimits())
    return f"{problem}; {WHAT_TO_DO}" if problem else None
