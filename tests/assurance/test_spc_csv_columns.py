"""`goldenthread spc` reads and writes a column at a time (issue 17): on awkward files it gives
exactly the bytes, messages and exit code of the straightforward row-at-a-time command
(spc_reference.py, the command as it was), through the real CLI on real files."""

from __future__ import annotations

import csv
import importlib.util
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from goldenthread.assurance import csvtool
from goldenthread.cli.main import build_parser

_spec = importlib.util.spec_from_file_location("spc_reference", Path(__file__).with_name("spc_reference.py"))
assert _spec and _spec.loader
reference = sys.modules.setdefault("spc_reference", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(reference)

GAPS = (
    "month,unit,rate\n"
    + "".join(
        f"2020-{m:02d}-01,A,{v}\n"
        for m, v in enumerate(
            ["10", "NA", "12", "nan", "NaN", "NULL", "null", "", " ", "  na ", "11", "13", "12", "14", "9", "10"],
            start=1,
        )
        if m <= 12
    )
    + "".join(f"2021-{m:02d}-01,A,{v}\n" for m, v in enumerate(["10", "1_0", " 12 ", "+11", "1e1", "-0.0", "0"], 1))
)

MIXED_DATES = "when,value\n" + "".join(
    f"{d},{i}\n"
    for i, d in enumerate(
        [
            "2020-01-01",
            "01/02/2020",
            "2020-03-01T00:00:00",
            "2020-04",
            " 2020-05-01 ",
            "2020-6-1",
            "2020-07-01",
            "01/08/2020",
            "2020-09",
            "2020-10-01T00:00:00",
            "2020-11-01",
            "2020-12-01",
            "2021-01-01",
            "2021-02-01",
        ]
    )
)

BAD_ROWS = (
    "when,unit,value\n"
    "2020-01-01,A,1\n"
    "2020-13-01,A,2\n"  # not a date
    "2020-02-30,A,lots\n"  # neither
    ",A,3\n"  # a blank date
    "\n"  # a blank row: skipped
    " , , \n"  # blank cells only: skipped
    "٢٠٢٠-٠١-٠١,B,1\n"  # Arabic-Indic digits: not a date
    "2020-03-01,A,inf\n"
    "2020-04-01,A,-nan\n"
    "2020-05-01,A,Infinity\n"
    '2020-06-01,A,"1,234"\n'  # a thousands separator: a number
    "01/01/2020,A,4\n"  # the date of row 2, written another way
    "2020-01-01,A,5\n"  # and again: names the row just before
    "2020-01-01, A ,6\n"  # the name is stripped: the same series
    "2020-01-01,B,7\n"  # another series: fine
    "2020-07-01,A\n"  # a short row: a gap
    "2020-08-01,A,8,extra\n"  # a long row
)


def points(n_series: int, n_points: int, seed: int, *, shuffle: bool) -> str:
    rng = np.random.default_rng(seed)
    ids = ["Hôpital", "病院", 'St "Mary\'s"', "a,b", "  padded  ", "x\ny", "", "Z", "🚑"]
    ids += [f"S{i:03d}" for i in range(n_series - len(ids))]
    rows = []
    for k, sid in enumerate(ids):
        level = rng.uniform(5, 500)
        values = np.round(level + rng.normal(0, level * 0.05, n_points) + (np.arange(n_points) > 20) * level * 0.2, 2)
        for i, v in enumerate(values.tolist()):
            cell = "" if rng.random() < 0.02 else ("NA" if rng.random() < 0.01 else repr(v))
            rows.append((sid, f"{2018 + (i + k) // 12}-{(i + k) % 12 + 1:02d}-01", cell))
    if shuffle:
        rows = [rows[i] for i in rng.permutation(len(rows))]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([("unit", "month", "value"), *rows])
    return out.getvalue()


def ae_like(seed: int) -> str:
    """Many providers, sorted by month then provider (as the A&E file is), integer counts."""
    rng = np.random.default_rng(seed)
    lines = ["period,org_code,attendances"]
    for m in range(36):
        for p in range(40):
            if rng.random() < 0.03:
                continue
            lines.append(f"{2016 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d}-01,R{p:02d},{int(rng.integers(0, 5000))}")
    return "\n".join(lines)  # no newline at the end


ODD_NUMBERS = ["5.", ".5", "-.5", "-0", "007", "123456789012345", "1234567890123456", "0.1234567890123456789", "+1"]
ODD_NUMBERS += ["1e5", " 5", "٣", "0.000001", "-999999999999.999", "9007199254740993", "1_0", "", "NA", "12.50"]
ODD_NUMBERS += ["0.10", "1e-7", "-0.0", "3", "0.0001", "100000000000000.5", "99.99999999999999", "-12.5"]


def quick_reading() -> str:
    """Cells the reading on the bytes reads (plain decimals, YYYY-MM-DD dates, names repeated on
    consecutive rows) among those it leaves to the reading as text (everything else)."""
    lines = ["month,unit,rate"]
    for k, unit in enumerate(["Hôpital", "病院", "A", "a" * 70, "b" * 64]):
        for i in range(26):
            month = f"{2019 + i // 12}-{i % 12 + 1:02d}-01"
            if i % 7 == 3:
                month = f"01/{i % 12 + 1:02d}/{2019 + i // 12}"
            elif i % 11 == 5:
                month = f" {month} "
            lines.append(f"{month},{unit},{ODD_NUMBERS[(i + k) % len(ODD_NUMBERS)]}")
    return "\n".join(lines) + "\n"


BAD_CELLS = "month,unit,rate\n" + "".join(  # not dates, not numbers: the same messages
    f"2020-{m:02d}-{d},A,{v}\n"
    for m, (d, v) in enumerate(
        [("01", "-"), ("01", "."), ("30", "1.2.3"), ("01", "--1"), ("32", "5"), ("0a", "1"), ("01", "1-")], 1
    )
)

FILES = {
    "what the quick reading reads and what it leaves": (
        quick_reading(),
        ["--value", "rate", "--date", "month", "--series", "unit"],
    ),
    "bad cells, no quotes": (BAD_CELLS, ["--value", "rate", "--date", "month", "--series", "unit"]),
    "gaps": (GAPS, ["--value", "rate", "--date", "month", "--series", "unit"]),
    "mixed dates": (MIXED_DATES, ["--value", "value", "--date", "when"]),
    "bad rows": (BAD_ROWS, ["--value", "value", "--date", "when", "--series", "unit"]),
    "bad rows, no quotes": (
        BAD_ROWS.replace('2020-06-01,A,"1,234"\n', ""),
        ["--value", "value", "--date", "when", "--series", "unit"],
    ),
    "awkward ids": (points(14, 30, 1, shuffle=False), ["--value", "value", "--date", "month", "--series", "unit"]),
    "shuffled": (points(40, 40, 2, shuffle=True), ["--value", "value", "--date", "month", "--series", "unit"]),
    "crlf": (
        points(12, 24, 3, shuffle=False).replace("\n", "\r\n"),
        ["--value", "value", "--date", "month", "--series", "unit"],
    ),
    "crlf, bad rows and blank lines, no newline at the end": (
        (BAD_CELLS + "\n2020-09-01,B,7\n\n2020-10-01,B,8").replace("\n", "\r\n"),
        ["--value", "rate", "--date", "month", "--series", "unit"],
    ),
    "crlf and a carriage return alone": (
        points(6, 12, 2, shuffle=False).replace("\n", "\r\n").replace("\r\n", "\r", 1),
        ["--value", "value", "--date", "month", "--series", "unit"],
    ),
    "crlf, ragged": (
        "m,v,note\r\n" + "".join(f"2020-{i:02d}-01,{i % 5}{',x' if i % 3 else ''}\r\n" for i in range(1, 13)),
        ["--value", "v", "--date", "m"],
    ),
    "more rows than a write": (
        points(260, 40, 5, shuffle=False),
        ["--value", "value", "--date", "month", "--series", "unit"],
    ),
    "sorted by month": (ae_like(4), ["--value", "attendances", "--date", "period", "--series", "org_code"]),
    "ragged": (
        "m,v,note\n" + "".join(f"2020-{i:02d}-01,{i % 5}{',x' if i % 3 else ''}\n" for i in range(1, 13)),
        ["--value", "v", "--date", "m"],
    ),
    "every row short of the header": (
        "m,v,unit\n" + "".join(f"2020-{i:02d}-01,{i}\n" for i in range(1, 14)),
        ["--value", "v", "--date", "m", "--series", "unit"],
    ),
    "every row longer than the header, blank lines at the end": (
        "m,v\n" + "".join(f"2020-{i:02d}-01,{i},x,y\n" for i in range(1, 14)) + "\n\n",
        ["--value", "v", "--date", "m"],
    ),
    "a line separator and tabs in cells, negative zero": (
        "m,v,s\n" + "".join(f"2020-{i:02d}-01,\t{'-0.0' if i % 2 else '0'}\t,a\u2028b\n" for i in range(1, 14)),
        ["--value", "v", "--date", "m", "--series", "s"],
    ),
    "one column wide": ("m\n2020-01-01\n2020-02-01\n", ["--value", "m", "--date", "m"]),
    "header only": ("month,rate\n", ["--value", "rate", "--date", "month"]),
    "empty": ("", ["--value", "rate", "--date", "month"]),
    "blank rows only": ("month,rate\n\n,\n", ["--value", "rate", "--date", "month"]),
    "bom and spaces in header": (
        "\ufeff month , rate \n" + "".join(f"2020-{m:02d}-01,{m}\n" for m in range(1, 13)),
        ["--value", "rate", "--date", "month"],
    ),
}

OPTIONS = {
    "points": [],
    "summary": ["--summary"],
    "json": ["--format", "json"],
    "summary json": ["--summary", "--format", "json"],
    "options": [
        "--improvement",
        "decrease",
        "--target",
        "40",
        "--rebase",
        "2019-01-01,2020-06-01",
        "--fix-after",
        "14",
    ],
    "neutral json": ["--improvement", "neutral", "--target", "0", "--rebase", "2020-03-01", "--format", "json"],
}


def run_cli(path: Path, args: list[str]) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "goldenthread.cli.main", "spc", str(path), *args],
        capture_output=True,
        timeout=120,
    )
    return done.returncode, done.stdout.decode(), done.stderr.decode()


def run_reference(path: Path, args: list[str]) -> tuple[int, str, str]:
    """The command's own arguments and error printing around the row-at-a-time reading and writing."""
    parsed = build_parser().parse_args(["spc", str(path), *args])
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csvtool, "run", reference.run)
        code = csvtool.main(parsed, out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("options", list(OPTIONS), ids=list(OPTIONS))
@pytest.mark.parametrize("file", list(FILES), ids=list(FILES))
def test_same_output_as_the_row_at_a_time_command(tmp_path, file, options):
    text, columns = FILES[file]
    path = tmp_path / "data.csv"
    path.write_bytes(text.encode())
    args = [*columns, *OPTIONS[options]]
    assert run_cli(path, args) == run_reference(path, args)


def test_every_bad_row_in_order(tmp_path):
    """The messages themselves, row by row, for the awkward file above."""
    path = tmp_path / "data.csv"
    path.write_text(BAD_ROWS)
    code, out, err = run_cli(path, ["--value", "value", "--date", "when", "--series", "unit"])
    where = str(path)
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{where}:3: when: '2020-13-01' is not a date; write dates as YYYY-MM-DD (or DD/MM/YYYY)",
        f"{where}:4: when: '2020-02-30' is not a date; write dates as YYYY-MM-DD (or DD/MM/YYYY)",
        f"{where}:4: value: 'lots' is not a number; leave it blank for a gap",
        f"{where}:5: when: '' is not a date; write dates as YYYY-MM-DD (or DD/MM/YYYY)",
        f"{where}:8: when: '٢٠٢٠-٠١-٠١' is not a date; write dates as YYYY-MM-DD (or DD/MM/YYYY)",
        f"{where}:9: value: 'inf' is not a number; leave it blank for a gap",
        f"{where}:10: value: '-nan' is not a number; leave it blank for a gap",
        f"{where}:11: value: 'Infinity' is not a number; leave it blank for a gap",
        f"{where}:13: when: series 'A' 2020-01-01 is already on row 2; each series has one value per date",
        f"{where}:14: when: series 'A' 2020-01-01 is already on row 13; each series has one value per date",
        f"{where}:15: when: series 'A' 2020-01-01 is already on row 14; each series has one value per date",
    ]


def test_standard_input(tmp_path):
    text, columns = FILES["awkward ids"]
    done = subprocess.run(
        [sys.executable, "-m", "goldenthread.cli.main", "spc", "-", *columns, "--summary"],
        input=text.encode(),
        capture_output=True,
        timeout=120,
    )
    path = tmp_path / "data.csv"
    path.write_text(text)
    code, out, _ = run_reference(path, [*columns, "--summary"])
    assert (done.returncode, done.stdout.decode()) == (code, out)


def test_not_utf8(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"month,rate\n2020-01-01,1\n2020-02-01,caf\xe9\n")
    args = ["--value", "rate", "--date", "month"]
    assert run_cli(path, args) == run_reference(path, args)


@pytest.mark.parametrize("end", ["\r\n", "\n"])
def test_lines_ended_by_crlf_are_read_a_column_at_a_time_as_the_csv_module_reads_them(end):
    from goldenthread.assurance import csvread

    body = "".join(f"2020-{i % 12 + 1:02d}-01,{'AB'[i % 2]},{i / 4}{end}" for i in range(24)) + "2021-01-01,A,1"
    records = csvread._Records(body)
    assert records.width > 0  # the quick reading: each cell a range of the text, not the csv module's
    assert [records.record(i) for i in range(len(records))] == list(csv.reader(io.StringIO(body, newline="")))
    alone = csvread._Records(body.replace(end, "\r", 1))  # a carriage return alone: the csv module reads it
    assert alone.width == 0 and alone.records == list(csv.reader(io.StringIO(body.replace(end, "\r", 1), newline="")))
