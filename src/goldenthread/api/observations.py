"""Observations in batches: rows of a plan's performance data, loaded by the same loader as
``goldenthread data load`` and the upload page (:mod:`goldenthread.performance.loading`).

A batch is JSON rows whose fields are a data file's columns (docs/data-files.md), or the data
file itself (CSV, or an Excel workbook). Every row is checked first and nothing is written when any
has a problem: the answer is a 422 listing each problem at its row and column with the loader's
own message. Loading the same batch again changes nothing (the loader compares every row with the
data held), and an ``Idempotency-Key`` sent with a batch that changed something answers a retry
with what that batch did, without loading it again. Only those who may load data into the plan —
its planning team and administrators, as on the upload page — may send a batch.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import numpy as np
from django.http import HttpRequest
from ninja import Header, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from goldenthread.access.policy import Rule, nobody, subject
from goldenthread.access.rules import may_load_data
from goldenthread.api import bodies
from goldenthread.api.bodies import Refusal, answers_refusals
from goldenthread.api.guard import caller, guarded
from goldenthread.api.schemas import Detail, Problem, Problems
from goldenthread.performance.loading import (
    FIELDS,
    LoadReport,
    MappingError,
    Table,
    Wording,
    load_table,
    parse_mapping,
    read_table,
)
from goldenthread.performance.models import LoadBatch
from goldenthread.plans import models as pm
from goldenthread.presenters import kept

router = Router(tags=["observations"])

LOADER = Rule(
    read=nobody,
    write=lambda user, found: found.plan is not None and may_load_data(user, found.plan),
    purpose="load data into this plan (only its planning team and administrators may)",
)

#: the loader's fixes worded for this API: its query parameters, not flags or a page's fields
API = Wording(
    metric=lambda code: f"the metric {code} given as ?metric=",
    metric_for_every_row="give the metric of every row as ?metric=CODE",
    map_item=lambda item: f"?map={item}",
    map_where="with ?map=COLUMN=FIELD",
    map_example=lambda item: f"?map={item}",
    add_units="send ?add_units=KIND (e.g. ?add_units=provider) to create the units missing from the plan",
)
#: an Idempotency-Key: letters, digits and . _ : - (a UUID is one), kept with the batch it loaded
KEY = re.compile(r"[A-Za-z0-9._:-]{1,200}")
BATCH_NAME = "API batch"


class ObservationRows(Schema):
    """A batch as JSON: each row an object whose fields are a data file's columns."""

    rows: list[dict[str, str | float | int | None]] = Field(
        description=(
            "The rows: each an object of a data file's columns (docs/data-files.md) — metric, org_unit, "
            "period, value, numerator, denominator, status, source, breakdown.<dimension> — each text or a "
            'number (null or "" for none). Row 1 is the first.'
        ),
        json_schema_extra={
            "items": {
                "type": "object",
                "properties": {name: {"type": ["string", "number", "null"]} for name in FIELDS},
                "additionalProperties": {"type": ["string", "number", "null"]},
            }
        },
    )


class Loaded(Schema):
    """What a batch loaded (or, with ``dry_run``, would load)."""

    plan: str
    rows: int = Field(description="rows read")
    new: int
    revised: int = Field(description="rows that supersede a value held (the old one is kept)")
    unchanged: int = Field(description="rows identical to the value held")
    units_added: list[str]
    batch: int | None = Field(description="the load batch written; null when nothing changed (or a dry run)")
    dry_run: bool
    replayed: bool = Field(
        description="true when the Idempotency-Key named a batch already loaded: nothing was loaded again"
    )
    notes: list[str]
    detail: str


class LoadProblems(Problems):
    """The batch was refused and nothing was written: each problem at its row (null for the batch
    as a whole) and column, with the loader's message; at most 1,000 are listed."""

    problem_count: int
    bad_rows: int


def _problem(row: int | None, column: str | None, message: str) -> Refusal:
    """A refusal of one problem."""
    where = f"row {row}: " if row is not None else ""
    detail = f"Nothing was loaded. {where}{column or 'the batch'}: {message}."
    return _refused(detail, [Problem(row=row, column=column, message=message)])


def _refused(detail: str, problems: list[Problem], count: int | None = None, rows: int | None = None) -> Refusal:
    bad = rows if rows is not None else len({p.row for p in problems})
    body = LoadProblems(detail=detail, problems=problems, problem_count=count or len(problems), bad_rows=bad)
    return Refusal(422, body)


# --- the body as a table ------------------------------------------------------------------------------


def _kind(value: object) -> str:
    """What a JSON value is, in words."""
    if isinstance(value, str):
        return "text"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "a list" if isinstance(value, list) else "an object"


def _json_rows(raw: bytes) -> list[Any]:
    """The rows of a JSON batch, numbers kept as written; a 400 when the body is not JSON, a 422
    when it is not an object with a list of rows."""
    try:
        data = json.loads(raw, parse_float=str, parse_int=str, parse_constant=str)
    except (ValueError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise HttpError(
            400, f'The body is not JSON{where}; send {{"rows": [{{...}}, ...]}} as application/json.'
        ) from None
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise _problem(
            None,
            "rows",
            'the body must be an object whose "rows" is a list of rows, e.g. {"rows": [{"metric": "M1", ...}]}',
        )
    if not rows:
        raise _problem(None, "rows", "the batch has no rows; send at least one")
    return rows


def _cell(value: Any) -> str | None:
    """A JSON value as a data file's cell: text as it is (numbers as written), null as empty; None
    for a value no cell can hold."""
    if value is None:
        return ""
    return value if isinstance(value, str) else None


def json_table(raw: bytes, name: str) -> Table:
    """A JSON batch as the loader's table: a column for every field any row names (in the order
    first named), row ``n`` the ``n``-th of the list; a 422 for rows or values that are not text,
    numbers or null."""
    rows = _json_rows(raw)
    columns: dict[str, None] = {}
    problems: list[Problem] = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            problems.append(
                Problem(
                    row=n,
                    column=None,
                    message=f"is {_kind(row)}; each row is an object of field: value",
                )
            )
            continue
        for field_name, value in row.items():
            columns.setdefault(field_name)
            if _cell(value) is None:
                problems.append(
                    Problem(
                        row=n, column=field_name, message=f"is {_kind(value)}; give text or a number, or null for none"
                    )
                )
    if problems:
        raise _refused(
            f"{len(problems)} problem(s); nothing was loaded. Correct the rows and send the whole batch again.",
            problems,
        )
    if not columns:
        raise _problem(None, "rows", "the rows name no fields; give each row's metric, org_unit, period and value")
    names = list(columns)
    cells: list[np.ndarray | list[str]] = [np.array([_cell(row.get(c)) for row in rows], dtype=object) for c in names]
    table = Table(name, names, cells, np.arange(1, len(rows) + 1, dtype=np.int64), header_line=0)
    table.sha256 = hashlib.sha256(raw).hexdigest()
    return table


def _table(request: HttpRequest, raw: bytes, name: str) -> Table:
    kind = bodies.media_type(request)
    if kind == bodies.JSON:
        return json_table(raw, name)
    return read_table(raw, name=name + (".xlsx" if kind == bodies.XLSX else ".csv"))


# --- the options ----------------------------------------------------------------------------------------


def _options(metric: str | None, source: str, add_units: str | None, mapping: list[str]) -> dict[str, Any]:
    try:
        columns = parse_mapping(mapping, API)
    except MappingError as exc:
        raise _problem(None, "map", str(exc)) from None
    if add_units is not None and add_units not in pm.OrgUnit.Kind.values:
        kinds = ", ".join(pm.OrgUnit.Kind.values)
        raise _problem(None, "add_units", f"'{add_units}' is not a kind of org unit; use one of {kinds}")
    return {"metric": metric or None, "mapping": columns, "add_units": add_units or None, "source": source}


def _batch_name(key: str | None) -> str:
    if key is None:
        return BATCH_NAME
    if not KEY.fullmatch(key):
        raise _problem(
            None,
            "Idempotency-Key",
            "is up to 200 letters, digits and . _ : - (a UUID, for example); send one such key per batch",
        )
    return f"{BATCH_NAME} {key}"


def _fingerprint(raw: bytes, request: HttpRequest, options: list[Any]) -> str:
    """The batch and its options (as the operation read them), for telling a retry from another
    batch sent under the same key."""
    return hashlib.sha256(raw + b"\0" + json.dumps([bodies.media_type(request), options]).encode()).hexdigest()


def _replayed(plan: pm.Plan, user: Any, name: str, fingerprint: str) -> Loaded | None:
    """What the batch sent earlier under this key loaded; None when no batch was kept under it (a
    batch that changed nothing leaves no record, and is harmless to send again)."""
    batch = LoadBatch.objects.filter(plan=plan, loaded_by=user, file_name=name).order_by("-loaded_at").first()
    if batch is None:
        return None
    if batch.sha256 != fingerprint:
        when = batch.loaded_at.strftime("%d %B %Y at %H:%M UTC")
        raise _problem(
            None,
            "Idempotency-Key",
            f"was sent with a different batch, loaded as batch {batch.pk} on {when}; send a new key with each batch",
        )
    counts = f"{batch.rows_created:,} new, {batch.rows_revised:,} revised, {batch.rows_unchanged:,} unchanged"
    return Loaded(
        plan=plan.code,
        rows=batch.rows_read,
        new=batch.rows_created,
        revised=batch.rows_revised,
        unchanged=batch.rows_unchanged,
        units_added=[],
        batch=batch.pk,
        dry_run=False,
        replayed=True,
        notes=[],
        detail=f"This batch was loaded already as batch {batch.pk} ({counts}); nothing was loaded again.",
    )


# --- the operation --------------------------------------------------------------------------------------


def _loaded(report: LoadReport) -> Loaded:
    return Loaded(
        plan=report.plan,
        rows=report.rows_read,
        new=report.created,
        revised=report.revised,
        unchanged=report.unchanged,
        units_added=list(report.units_added),
        batch=report.batch.pk if report.batch is not None else None,
        dry_run=report.dry_run,
        replayed=False,
        notes=list(report.notes),
        detail=_said(report),
    )


def _said(report: LoadReport) -> str:
    counts = (
        f"{report.rows_read:,} rows: {report.created:,} new, {report.revised:,} revised, {report.unchanged:,} unchanged"
    )
    if report.dry_run:
        return f"No problems — {counts} (a dry run: nothing was written)."
    if report.batch is None:
        return f"Unchanged — {counts}; every row is identical to the data held, so nothing was written."
    return f"Loaded into {report.plan} as batch {report.batch.pk} — {counts}."


def _refusal(report: LoadReport) -> Refusal:
    listed = [Problem(row=p.row or None, column=p.column, message=p.message) for p in report.problems]
    more = f" The first {len(listed):,} are listed." if report.more_problems else ""
    detail = (
        f"{report.problem_count:,} problem(s) in {report.bad_rows:,} row(s); nothing was loaded. Correct the rows "
        f"and send the whole batch again.{more}"
    )
    if report.collided:  # nothing wrong with the batch: another load got there first
        detail = "Another load wrote the same observations while this batch ran; nothing was loaded. Send it again."
    refusal = _refused(detail, listed, report.problem_count, report.bad_rows)
    refusal.status = 409 if report.collided else refusal.status
    return refusal


#: ``?map=COLUMN=FIELD``, repeated: a column read as a field, as the command's ``--map``
MAPPING = Query([], description="COLUMN=FIELD: read a column (or a row's field) as this field; repeat for each")
IDEMPOTENCY_KEY = Header(
    None,
    alias="Idempotency-Key",
    description="a key of your own for this batch (a UUID): a retry under it is answered with what the batch did",
)

BODY = bodies.request_body(
    {
        bodies.JSON: bodies.inline_schema(ObservationRows),
        bodies.CSV: {**bodies.TEXT, "description": "a data file: a header row naming the columns, then the rows"},
        bodies.XLSX: {**bodies.BINARY, "description": "a data file as an Excel workbook (its first visible sheet)"},
    },
    "The rows to load: JSON rows, or a data file (CSV or .xlsx) as the upload page takes it.",
)


@router.post(
    "/{code}/observations/",
    response={
        200: Loaded,
        400: Detail,
        401: Detail,
        403: Detail,
        404: Detail,
        413: Detail,
        409: LoadProblems,
        415: Detail,
        422: LoadProblems,
    },
    summary="Load a batch of observations into a plan, all or nothing",
    openapi_extra=BODY,
)
@guarded(LOADER)
@answers_refusals
def load_observations(
    request: HttpRequest,
    code: str,
    metric: str | None = None,
    source: str = "",
    add_units: str | None = None,
    map: list[str] = MAPPING,
    dry_run: bool = False,
    idempotency_key: str | None = IDEMPOTENCY_KEY,
) -> Loaded:
    """Check every row against the plan and, when none has a problem, load them in one transaction:
    new values inserted, changed ones superseding the value held (which is kept), identical ones
    left alone — so sending the same batch again changes nothing. Options as the command's:
    ``metric`` for rows without one, ``source`` for rows without one, ``add_units`` (a kind of org
    unit) to create units the plan lacks, ``map=COLUMN=FIELD`` (repeated) to read a column as a
    field, ``dry_run`` to check and count only."""
    plan = subject(request).plan
    assert plan is not None  # the guard found it
    user = caller(request).user
    bodies.refuse_media_type(request, (bodies.JSON, bodies.CSV, bodies.XLSX))
    raw = bodies.body(request)
    options = _options(metric, source, add_units, map)
    name = _batch_name(idempotency_key)
    fingerprint = _fingerprint(raw, request, [metric, source, add_units, sorted(map)])
    if idempotency_key is not None and not dry_run and (replay := _replayed(plan, user, name, fingerprint)):
        return replay
    table = _table(request, raw, name)
    if idempotency_key is not None:  # the batch kept under the key records what it was sent with
        table.sha256 = fingerprint
    report = load_table(table, plan, user=user, dry_run=dry_run, wording=API, **options)
    if not report.ok:
        raise _refusal(report)
    if report.batch is not None:  # the plan's data changed: the worker works out its pages ahead
        kept.request_warm(plan)
    return _loaded(report)
