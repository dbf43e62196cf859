"""The `goldenthread` command: every job the product does, scriptable.

Each command group registers its own subcommands (``plan``, ``data``, analysis, papers, the
service). Commands that need no database (``plan validate``, ``plan schema``, ``spc``) import
neither Django nor pandas, so they start in a fraction of a second; the rest set Django up on
demand (:func:`goldenthread.cli.setup.django_setup`).
"""

from __future__ import annotations

import argparse
import sys

from goldenthread.cli.analysis import add_analysis_commands
from goldenthread.cli.data import add_data_commands
from goldenthread.cli.funnel import add_funnel_command
from goldenthread.cli.papers import add_paper_commands
from goldenthread.cli.plan import add_plan_commands
from goldenthread.cli.service import add_service_commands
from goldenthread.cli.setup import database_problem
from goldenthread.cli.token import add_token_commands
from goldenthread.cli.worker import add_worker_commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="goldenthread",
        description="Planning and performance assurance for health and care.",
    )
    parser.add_argument(
        "--database",
        metavar="URL",
        help="database for this command, e.g. sqlite:////tmp/x.sqlite3 or postgresql://user@host/db "
        "(default: $DATABASE_URL, else the embedded SQLite file under var/)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    for add_commands in (
        add_service_commands,
        add_worker_commands,
        add_analysis_commands,
        add_funnel_command,
        add_paper_commands,
        add_data_commands,
        add_plan_commands,
        add_token_commands,
    ):
        add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # database problems get a message a person can act on
        message = database_problem(exc)
        if message is None:
            raise
        print(f"goldenthread: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
