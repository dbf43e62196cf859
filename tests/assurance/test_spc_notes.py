"""The engine's warnings as stable codes (``notes``), beside the text it has always written: one
note for each warning, in the same order, with the figures the text names."""

from __future__ import annotations

import numpy as np

from goldenthread.assurance.spc import NOTE_CODES, spc, spc_many

BASE = [10.0, 12.0, 11.0, 13.0, 12.0, 14.0, 11.0, 12.0, 13.0, 12.0, 11.0, 12.0]


def test_every_warning_has_its_note_in_order():
    r = spc([5.0] * 12, rebase=[20])  # short, undefined limits (constant), a rebase matching nothing
    assert len(r.notes) == len(r.warnings) == 3
    assert [n.code for n in r.notes] == ["short_group", "limits_undefined", "rebase_unmatched"]
    assert r.notes[0].number == 13 and "'n < 13'" in r.warnings[0]
    assert r.notes[2].date == "20" and "Rebase date 20 " in r.warnings[2]


def test_missing_values_and_no_variation():
    r = spc([*BASE[:5], None, None, *BASE[7:], *BASE])
    assert [(n.code, n.number) for n in r.notes] == [("missing_values", 2)]
    assert "2 missing values" in r.warnings[0]
    flat = spc([3.0] * 14, screen_outliers=False)
    assert [n.code for n in flat.notes] == ["no_variation"] and flat.notes[0].date == "0"


def test_no_warning_no_note_and_per_series():
    assert spc(BASE + [11.0]).notes == ()
    table = spc_many(np.repeat(["a", "b"], 13), None, BASE + [11.0] + [2.0] * 13)
    assert "a" not in table.notes and [n.code for n in table.notes["b"]] == ["limits_undefined"]
    assert table.result("b").notes == table.notes["b"]
    assert {n.code for ns in table.notes.values() for n in ns} <= set(NOTE_CODES)
