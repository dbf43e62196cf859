"""``goldenthread serve``: the web application under gunicorn, every setting from an option or the
environment; ``--dev`` for Django's development server instead.

Static files are served by whitenoise (in MIDDLEWARE), the access log goes to standard output,
and request bodies are capped before they are read (:mod:`goldenthread.config.limits`).
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from typing import Any

from goldenthread.cli.setup import django_setup
from goldenthread.cli.worker import add_no_worker_option, worker_beside


@dataclass(frozen=True)
class Option:
    flag: str
    env: str
    default: int | str
    help: str

    @property
    def dest(self) -> str:
        return self.flag.removeprefix("--").replace("-", "_")


OPTIONS = [
    Option("--host", "GOLDENTHREAD_HOST", "127.0.0.1", "address to listen on"),
    Option("--port", "GOLDENTHREAD_PORT", 8000, "port to listen on"),
    Option("--workers", "GOLDENTHREAD_WORKERS", 2, "worker processes"),
    Option("--threads", "GOLDENTHREAD_THREADS", 4, "threads per worker"),
    Option("--timeout", "GOLDENTHREAD_TIMEOUT", 120, "seconds a request may take before its worker is restarted"),
    # longer than a client's pause between requests on one connection (a browser's, a script's, a
    # load balancer's), so the server does not close a connection as the client sends on it
    Option("--keepalive", "GOLDENTHREAD_KEEPALIVE", 5, "seconds an idle connection is kept for its next request"),
    Option("--graceful-timeout", "GOLDENTHREAD_GRACEFUL_TIMEOUT", 30, "seconds to finish requests when stopping"),
    Option("--limit-request-line", "GOLDENTHREAD_LIMIT_REQUEST_LINE", 4094, "longest request line, in bytes"),
    Option("--limit-request-fields", "GOLDENTHREAD_LIMIT_REQUEST_FIELDS", 100, "most header fields in a request"),
    Option(
        "--limit-request-field-size", "GOLDENTHREAD_LIMIT_REQUEST_FIELD_SIZE", 8190, "longest header field, in bytes"
    ),
]


def _whole_number(option: Option):
    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            number = -1
        if number < 1:
            raise argparse.ArgumentTypeError(
                f"must be a whole number of 1 or more (from {option.flag} or {option.env}), not '{text}'"
            )
        return number

    return parse


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    for option in OPTIONS:
        default = os.environ.get(option.env) or str(option.default)
        kind = str if isinstance(option.default, str) else _whole_number(option)
        parser.add_argument(
            option.flag, type=kind, default=default, help=f"{option.help} (${option.env}; default {option.default})"
        )
    parser.add_argument("--dev", action="store_true", help="Django's development server instead (never in production)")
    add_no_worker_option(parser)


def gunicorn_settings(args: argparse.Namespace) -> dict[str, Any]:
    """gunicorn's settings for ``args``."""
    return {
        "bind": [f"{args.host}:{args.port}"],
        "workers": args.workers,
        "threads": args.threads,
        "worker_class": "gthread",
        "timeout": args.timeout,
        "graceful_timeout": args.graceful_timeout,
        "keepalive": args.keepalive,
        "limit_request_line": args.limit_request_line,
        "limit_request_fields": args.limit_request_fields,
        "limit_request_field_size": args.limit_request_field_size,
        "accesslog": "-",
        "errorlog": "-",
        "preload_app": True,  # the application loads once, in the main process, before any worker
        "proc_name": "goldenthread",
        "control_socket_disable": True,  # gunicorn 24+: no management socket in the home folder
    }


def cmd_serve(args: argparse.Namespace) -> int:
    django_setup(args)  # the settings (and the production profile's refusals) are checked before serving
    url = f"http://{args.host}:{args.port}/"
    if args.dev:
        from django.core.management import call_command

        print(f"goldenthread is serving on {url} with Django's development server (Ctrl+C to stop)", flush=True)
        with worker_beside(args):
            call_command("runserver", f"{args.host}:{args.port}", use_reloader=False, use_threading=True)
        return 0
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    settings = gunicorn_settings(args)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for name, value in settings.items():
                if name in self.cfg.settings:  # settings of newer gunicorns than the oldest allowed
                    self.cfg.set(name, value)

        def load(self) -> Any:
            from goldenthread.config.wsgi import application

            return application

    print(
        f"goldenthread is serving on {url} with gunicorn, {args.workers} worker(s) × {args.threads} thread(s) "
        "(Ctrl+C to stop)",
        flush=True,
    )
    with worker_beside(args):
        Server().run()
    return 0
