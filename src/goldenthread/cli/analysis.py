"""``goldenthread spc`` (any CSV, no database) and ``goldenthread assess`` (a stored plan judged)."""

from __future__ import annotations

import argparse
import os
import sys

from goldenthread.cli.setup import django_setup


def cmd_spc(args: argparse.Namespace) -> int:
    # spc does no linear algebra: NumPy's BLAS threads would only cost their start-up (~50 ms)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from goldenthread.assurance.csvtool import main as spc_main

    return spc_main(args)


def cmd_assess(args: argparse.Namespace) -> int:
    from goldenthread.planfile.periods import PeriodError, parse_period

    try:
        as_at = parse_period(args.as_at) if args.as_at else None
        period = parse_period(args.period) if args.period else None
    except PeriodError as exc:
        print(f"goldenthread assess: {exc}", file=sys.stderr)
        return 2
    django_setup(args)
    import json

    from goldenthread.performance.assessment import AssessmentError, to_data
    from goldenthread.plans.models import Plan
    from goldenthread.presenters.reported import assess

    plan = Plan.objects.filter(code=args.plan).first()
    if plan is None:
        print(f"goldenthread assess: no plan with code '{args.plan}'; see: goldenthread plan list", file=sys.stderr)
        return 1
    try:
        result = assess(  # activities judged by their approved updates, as the pages judge them
            plan,
            as_at=as_at,
            metric_code=args.metric,
            where_code=args.where,
            period=period,
            with_units=args.metric is not None,
        )
    except AssessmentError as exc:
        print(f"goldenthread assess: {exc}", file=sys.stderr)
        return 1
    data = to_data(result, objectives=args.metric is None)
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        _print_assessment(data)
    return 0


def _print_assessment(data: dict) -> None:
    def pct(x, unit):
        if x is None:
            return "no data"
        return f"{x:.1%}" if unit == "percentage" else f"{x:,.4g}"

    print(f"{data['plan']} as at {data['as_at']}")
    version = data["version"]
    if version and version["number"] != version["latest"]:
        since = version["in_force_label"] or version["in_force_from"]
        latest = version["latest"]
        print(f"judged against version {version['number']} of the plan, in force from {since} (current: {latest})")
    for x in data["metrics"]:
        print(f"\n{x['code']} {x['title']} — {x['where']}")
        if x["period"]:
            met = {True: "met", False: "not met", None: "no data"}[x["target_met"]]  # as the pages say it
            level = x["period_target"]  # the trajectory's planned value for a period it names, else the target
            target = f", target {pct(level, x['unit'])} {met}" if level is not None else ""
            print(f"  {x['period']}: {pct(x['value'], x['unit'])}{target}")
        if x["latest_period"]:
            print(
                f"  latest {x['latest_period']}: {pct(x['latest_value'], x['unit'])}; "
                f"variation {x['variation'] or 'not judged'}; assurance {x['assurance'] or 'none'}"
            )
        print(f"  status: {x['status']} — {x['reason']}")
        for t in x["triggers"]:
            print(f"  trigger fired: {t['rule']} ({', '.join(t['periods'])}): {t['message']}")
        if x["units_with_special_cause_concern"]:
            concern = x["units_with_special_cause_concern"]
            units = ", ".join(u["unit"] for u in concern)
            print(f"  {len(concern)} units with special cause concern at their latest point: {units}")
    if data["objectives"]:
        print("\nObjectives")
        for o in data["objectives"]:
            print(f"  {o['code']} {o['title']}: {o['status']} — {o['reason']}")
    fired = [t for t in data["triggers"] if t["kind"] == "activity"]
    for t in fired:
        print(f"  activity {t['code']}: {t['message']}")


def add_analysis_commands(commands: argparse._SubParsersAction) -> None:
    """Add ``spc`` and ``assess``."""
    p = commands.add_parser(
        "spc",
        help="statistical process control (XmR, p, p′, u, u′, c, g, t and run charts) on any CSV; no database needed",
        description="--chart xmr (the default, Making Data Count): one row per point: series,period,value,mean,lpl,upl,"
        "special_cause_type,point_type, spelled as NHSRplotthedots spells them; with --summary one row per series: "
        "series,variation,assurance. --chart p, pp, u, up, c, g or t (as qicharts2): series,period,value,mean,lpl,upl,"
        "outside_limits,runs_signal,longest_run,longest_run_max,crossings,crossings_min. --chart run: series,period,"
        "value,median,runs_signal,longest_run,longest_run_max,crossings,crossings_min (the Anhøj rules).",
    )
    p.add_argument("file", metavar="FILE.csv", help="a CSV file with a header row, or - for standard input")
    p.add_argument(
        "--chart",
        choices=["xmr", "p", "pp", "u", "up", "c", "g", "t", "run"],
        default="xmr",
        help="the chart: xmr (default), p or pp (Laney's p′) for proportions, u or up (Laney's u′) for rates, "
        "c for counts, g for cases between events, t for time between rare events, run for a run chart",
    )
    p.add_argument("--value", required=True, metavar="COL", help="the column of values (the counts for p, pp, u, up)")
    p.add_argument(
        "--denominator", metavar="COL", help="for p and pp the column of cases, for u and up of exposure (needed)"
    )
    p.add_argument("--date", required=True, metavar="COL", help="the column of dates (YYYY-MM-DD)")
    p.add_argument("--series", metavar="COL", help="the column that names each series (for many series at once)")
    p.add_argument(
        "--improvement",
        choices=["increase", "decrease", "neutral"],
        help="which direction is improvement (default: increase; --chart xmr only)",
    )
    p.add_argument("--target", type=float, metavar="X", help="target value, for the assurance icon (--chart xmr only)")
    p.add_argument("--rebase", action="append", metavar="DATE,...", help="recalculate limits from these dates")
    p.add_argument("--fix-after", type=int, metavar="N", help="fix the limits after the first N points (N ≥ 12)")
    p.add_argument(
        "--summary", action="store_true", help="one row per series: variation and assurance (--chart xmr only)"
    )
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=cmd_spc)

    p = commands.add_parser("assess", help="judge a plan: objective statuses, metric values, icons and fired triggers")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("--as-at", metavar="PERIOD", help="assess with the data up to this period, e.g. '2016/17 Q4'")
    p.add_argument("--metric", metavar="CODE", help="one metric only (adds the units with special cause concern)")
    p.add_argument("--where", metavar="UNIT", help="an org unit's code or name, e.g. England (default: all data held)")
    p.add_argument("--period", metavar="PERIOD", help="report the value over this period, e.g. '2016/17 Q4' or 2017-01")
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=cmd_assess)
