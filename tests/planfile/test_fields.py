"""The shared field rules (planfile.fields): what the database can hold, said before it is tried."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goldenthread.planfile import fields


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "9999999999999999",
        "-9999999999999999",
        "9999999999999999.99999999",
        "0.000000001",
        "1e-400",
        "-0",
        "1.5e15",
    ],
)
def test_numbers_the_column_holds(text):
    assert fields.decimal_problem(Decimal(text)) is None


@pytest.mark.parametrize(
    "text", ["1e16", "12345678901234567", "-1e30", "1e400", "9999999999999999.999999999", "1" * 25]
)
def test_numbers_too_large_for_the_column(text):
    """Issue 15 finding 2: a number the column cannot hold is refused before the database."""
    assert fields.decimal_problem(Decimal(text)) == "is too large to store: at most 16 digits before the decimal point"


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_numbers_that_are_not_finite(text):
    assert fields.decimal_problem(Decimal(text)) == "is not a finite number"


def test_money_has_its_own_column():
    assert fields.money_problem(Decimal("9999999999999999.99")) is None
    assert fields.money_problem(Decimal("9999999999999999.995")) is not None
    assert fields.money_problem(Decimal("1e30")) == "is too large to store: at most 16 digits before the decimal point"


@given(st.decimals(allow_nan=True, allow_infinity=True))
@settings(max_examples=300, deadline=None)
def test_a_number_with_no_problem_fits_its_column(value):
    """Whatever decimal_problem accepts, the column's own quantisation (Django's) holds."""
    from decimal import Context, InvalidOperation

    problem = fields.decimal_problem(value)
    try:
        value.quantize(Decimal("1e-8"), context=Context(prec=fields.DECIMAL_DIGITS))
        fits = value.is_finite()
    except InvalidOperation:
        fits = False
    assert (problem is None) == fits


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
