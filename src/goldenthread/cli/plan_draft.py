"""``goldenthread plan draft DOCUMENT``: a first draft of a plan file from its document (issue 21).

Needs no database and imports no Django: the drafting is the pure engine in
``goldenthread.planfile.drafting``. The draft always validates; each element says where in the
document it comes from (``source``) and how sure the drafting is (its ``added`` note), and those
below the review threshold are marked REVIEW.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_plan_draft(args: argparse.Namespace) -> int:
    from goldenthread.planfile import to_yaml
    from goldenthread.planfile.drafting import REVIEW_BELOW, UnreadableDocument, draft

    try:
        result = draft(args.document, code=args.code)
    except UnreadableDocument as exc:
        print(f"{exc}; nothing was written", file=sys.stderr)
        return 1
    text = to_yaml(result.plan)
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            print(f"{args.output}: cannot write the draft: {exc.strerror}; choose another -o FILE", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    plan = result.plan
    print(
        f"{args.document}: drafted {plan.code} — {len(plan.objectives)} objectives, {len(plan.activities)} "
        f"activities, {len(plan.metrics)} metrics, {len(plan.org_units)} org units, {len(plan.budget_lines)} "
        f"budget lines, {len(plan.risks)} risks; {result.to_review} marked REVIEW (confidence below "
        f"{REVIEW_BELOW:.2f}). Check it with: goldenthread plan check FILE --document {args.document}",
        file=sys.stderr,
    )
    return 0


def add_draft_command(plan: argparse._SubParsersAction) -> None:
    """Add ``plan draft``."""
    p = plan.add_parser("draft", help="draft a plan file from its document (.docx, .pdf or .txt) for review")
    p.add_argument("document", metavar="DOCUMENT", help="the business plan as written: .docx, .pdf or .txt")
    p.add_argument("-o", "--output", metavar="FILE", help="write the draft to FILE instead of standard output")
    p.add_argument("--code", metavar="CODE", help="the draft plan's code (default: from the document's file name)")
    p.set_defaults(func=cmd_plan_draft)
