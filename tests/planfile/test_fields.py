"""The shared field rules (planfile.fields): what the database can hold, said before it is tried."""

from decimal import Context, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goldenthread.planfile import fields


@pytest.mark.parametrize(
    "text",
    ["0", "999999999999999", "-999999999999999", "999999999999999.4", "0.000000001", "1e-400", "-0", "1.5e14"],
)
def test_numbers_the_column_holds(text):
    assert fields.decimal_problem(Decimal(text)) is None


TOO_LARGE = "is too large to store: at most 15 digits before the decimal point"


@pytest.mark.parametrize(
    "text",
    ["1e15", "9999999999999999", "12345678901234567", "-1e30", "1e400", "999999999999999.5", "1" * 25],
)
def test_numbers_too_large_for_the_column(text):
    """Issue 15 finding 2: a number the column cannot hold is refused before the database (on
    SQLite a column holds 15 significant digits: 9999999999999999 would read back as 1E+16)."""
    assert fields.decimal_problem(Decimal(text)) == TOO_LARGE


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_numbers_that_are_not_finite(text):
    assert fields.decimal_problem(Decimal(text)) == "is not a finite number"


def test_money_has_its_own_column():
    assert fields.money_problem(Decimal("9999999999999.99")) is None
    assert fields.money_problem(Decimal("999999999999999.995")) == TOO_LARGE
    assert fields.money_problem(Decimal("1e30")) == TOO_LARGE


@pytest.mark.parametrize(
    ("text", "stored"),
    [("0.08", "0.08"), ("0.123456789", "0.12345679"), ("12345678.123456789", "12345678.1234568"), ("1e-9", "0")],
)
def test_stored_decimal_rounds_as_both_databases_hold_it(text, stored):
    assert fields.stored_decimal(Decimal(text)) == Decimal(stored)
    assert str(fields.stored_decimal(Decimal("0.08"))) == "0.08"


@given(st.decimals(allow_nan=True, allow_infinity=True))
@settings(max_examples=300, deadline=None)
def test_a_number_with_no_problem_is_held_by_both_databases(value):
    """Whatever decimal_problem accepts, stored as stored_decimal rounds it, reads back the same
    through PostgreSQL's numeric(24, 8) and through SQLite's REAL as Django reads it."""
    if fields.decimal_problem(value) is not None:
        assert not value.is_finite() or abs(value) >= Decimal("999999999999999.5")
        return
    stored = fields.stored_decimal(value)
    column = Context(prec=fields.DECIMAL_DIGITS)
    assert stored.quantize(Decimal("1e-8"), context=column) == stored  # PostgreSQL: exact
    from_sqlite = Context(prec=15).create_decimal_from_float(float(stored))
    assert from_sqlite.quantize(Decimal("1e-8"), context=column) == stored  # SQLite: the same


def test_text_length():
    """Issue 15 finding 3: text longer than its column is refused with its length."""
    assert fields.text_problem("x" * 300, max_length=300) is None
    assert fields.text_problem("x" * 301, max_length=300) == "is 301 characters long; at most 300"
    assert fields.text_problem("x" * 1001, max_length=1000) == "is 1,001 characters long; at most 1,000"


def test_nul_and_control_characters():
    """Issue 15 finding 11: NUL and control characters refused with where they are."""
    assert fields.text_problem("line\none\ttab\r\n", max_length=100) is None
    assert (
        fields.text_problem("hello world\0", max_length=100)
        == "contains a NUL character (U+0000) at character 12; delete it"
    )
    assert fields.text_problem("a\x07b", max_length=100) == (
        "contains a control character (U+0007) at character 2; delete it"
    )
    assert fields.text_problem("a\x85", max_length=100) == (
        "contains a control character (U+0085) at character 2; delete it"
    )


def test_bidirectional_controls():
    """Issue 15 finding 13: right-to-left overrides refused with where they are."""
    assert fields.text_problem("abcd\u202eevil", max_length=100) == (
        "contains an invisible right-to-left override (U+202E) at character 5, "
        "which makes text display reversed; delete it"
    )
    assert "right-to-left isolate (U+2067) at character 1, which makes text display out of order" in str(
        fields.text_problem("\u2067x", max_length=100)
    )
    assert fields.text_problem("مرحبا — שלום", max_length=100) is None  # right-to-left script itself is fine


def test_unpaired_surrogates():
    assert "unpaired surrogate (U+D800) at character 2" in str(fields.text_problem("a\ud800", max_length=10))


@pytest.mark.parametrize(("year", "ok"), [(1900, True), (2199, True), (1899, False), (2200, False), (0, False)])
def test_years(year, ok):
    problem = fields.year_problem(year)
    assert (problem is None) == ok
    if not ok:
        assert problem == f"the year {year} is out of range; years from 1900 to 2199 are accepted"


@given(st.text())
@settings(max_examples=300, deadline=None)
def test_text_problem_never_raises(text):
    problem = fields.text_problem(text, max_length=50)
    assert problem is None or isinstance(problem, str)
