"""Page latency under concurrent requests, on the demo with its A&E data — and, with ``--scale``,
with a national-scale plan and its data loaded beside it.

Sets up a throwaway database (the five seed plans and three years of monthly A&E data for 274
providers; with ``--scale UNITSxMETRICSxMONTHS`` also the plan and data of ``bench/scale_data.py``
at that size, loaded with the product's own ``plan load`` and ``data load``), serves it with
gunicorn on 127.0.0.1, signs in as the board member, then fetches each page REPEATS times from
CONCURRENCY threads and prints the median and 95th-percentile latency, and each page's p95 as a
multiple of the trivial page's: the plans list (``/``), which goes through the same sign-in,
session, middleware and page template as every page but reads only the list of plans. Bounded in
count and time; the server is stopped and the files removed at the end.

SQLite in a temporary folder by default; run under ``scripts/with-postgres.sh`` (which sets
``DATABASE_URL`` to a throwaway PostgreSQL database) for PostgreSQL.

    .venv/bin/python bench/web.py [--repeats 20] [--concurrency 4] [--workers 2]
    .venv/bin/python bench/web.py --scale 1000x40x60        # 2.4 million rows, 10 clients
    .venv/bin/python bench/web.py --scale national          # 1000x200x120: 24 million rows
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "bench-password-123"
sys.path.insert(0, str(ROOT / "bench"))

import scale_data  # noqa: E402  (bench/scale_data.py, beside this file)

TRIVIAL = "plans"
PAGES = [
    ("plans", "/"),
    ("plan overview nhsi-2016", "/plans/nhsi-2016/?as_at=2016/17 Q4"),
    ("scorecard nhsi-2016", "/plans/nhsi-2016/scorecard/?as_at=2018/19 Q4"),
    ("metric AE4HR England", "/plans/nhsi-2016/metrics/AE4HR/?as_at=2018/19 Q4"),
    ("metric AE4HR one provider", "/plans/nhsi-2016/metrics/AE4HR/?as_at=2018/19 Q4&where=RF4"),
    ("exceptions nhsi-2016", "/plans/nhsi-2016/exceptions/?as_at=2018/19 Q4"),
    ("deliverables nhse-2013", "/plans/nhse-2013/deliverables/"),
    ("matrix nhsei-2019", "/plans/nhsei-2019/matrix/"),
    ("by priority nhsei-2019", "/plans/nhsei-2019/by-priority/"),
    ("budgets nhse-2013", "/plans/nhse-2013/budgets/"),
    ("plan overview nhse-2013", "/plans/nhse-2013/"),
    ("search", "/search/?q=workforce"),
]
NATIONAL = "1000x200x120"


def scale_pages(size: scale_data.Size) -> list[tuple[str, str]]:
    """The scale plan's pages that judge it, as at its last quarter."""
    last = scale_data._last_year(size.months)
    plan, at = "/plans/scale", f"as_at={last} Q4"
    return [
        ("scale overview", f"{plan}/?{at}"),
        ("scale scorecard", f"{plan}/scorecard/?{at}"),
        ("scale by directorate", f"{plan}/by-directorate/?{at}"),
        ("scale by priority", f"{plan}/by-priority/?{at}"),
        ("scale matrix", f"{plan}/matrix/?{at}"),
        ("scale exceptions", f"{plan}/exceptions/?{at}"),
        ("scale metric England", f"{plan}/metrics/M000/?{at}"),
        ("scale metric one provider", f"{plan}/metrics/M000/?{at}&where={scale_data.provider(1)}"),
        ("scale board pack HTML", f"{plan}/reports/board.html?period={last} Q4"),
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args: str, env: dict) -> None:
    subprocess.run([str(BIN / "goldenthread"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


def load_scale(size: scale_data.Size, folder: Path, env: dict) -> None:
    """Write the scale plan and its data, and load both with the product's own commands."""
    started = time.perf_counter()
    plan, files = scale_data.write(folder, size)
    written = time.perf_counter()
    run("plan", "load", str(plan), env=env)
    for data in files:
        run("data", "load", str(data), "--plan", "scale", env=env)
        data.unlink()
    loaded = time.perf_counter()
    print(
        f"scale plan: {size}; written in {written - started:.1f} s, loaded (plan load + data load of "
        f"{len(files)} files) in {loaded - written:.1f} s",
        flush=True,
    )


def opener_signed_in(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": "board", "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(
        base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"}
    )
    opener.open(request, timeout=30).read()
    return opener


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def serve(env: dict, workers: int, timeout: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "goldenthread.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            "2",
            "--timeout",
            str(timeout),
            "--keep-alive",  # as goldenthread serve keeps an idle connection (cli/serving.py)
            "5",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
            break
        except OSError:
            time.sleep(0.2)
    return server, base


def measure(base: str, pages: list[tuple[str, str]], args: argparse.Namespace) -> None:
    openers = [opener_signed_in(base) for _ in range(args.concurrency)]
    print(
        f"{args.repeats} requests per page from {args.concurrency} concurrent clients, "
        f"gunicorn {args.workers} workers × 2 threads on 127.0.0.1; × trivial: p95 over the p95 of '{TRIVIAL}'"
    )
    print(f"{'page':30} {'first':>8} {'median':>8} {'p95':>8} {'× trivial':>10} {'status':>7}")

    def fetch(i: int, url: str) -> tuple[float, int]:
        t = time.perf_counter()
        try:
            with openers[i % len(openers)].open(base + urllib.parse.quote(url, safe="/?=&"), timeout=900) as r:
                r.read()
                return time.perf_counter() - t, r.status
        except urllib.error.HTTPError as e:
            return time.perf_counter() - t, e.code

    # every client once, not counted: each server thread opens its database connection and each
    # client's session is read once, so the trivial page's p95 is a warm server's, as every other's
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(lambda i: fetch(i, "/"), range(args.concurrency * 2)))
    trivial = None
    for name, url in pages:
        first, _ = fetch(0, url)  # the first request: on a cold cache, the one that fills it
        with ThreadPoolExecutor(args.concurrency) as pool:
            results = list(pool.map(lambda i, url=url: fetch(i, url), range(args.repeats)))
        times = [t for t, _ in results]
        p95 = percentile(times, 95)
        trivial = trivial or (p95 if name == TRIVIAL else None)
        ratio = f"{p95 / trivial:9.1f}×" if trivial else ""
        statuses = ",".join(map(str, sorted({s for _, s in results})))
        print(
            f"{name:30} {first * 1000:6.0f}ms {statistics.median(times) * 1000:6.0f}ms {p95 * 1000:6.0f}ms "
            f"{ratio:>10} {statuses:>7}",
            flush=True,
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=None, help="requests per page (20; 40 with --scale)")
    parser.add_argument("--concurrency", type=int, default=None, help="concurrent clients (4; 10 with --scale)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--scale",
        type=scale_data.parse_size,
        default=None,
        metavar="UNITSxMETRICSxMONTHS",
        help="also load bench/scale_data.py's plan at this size: 1000x40x60 is 2.4 million rows, "
        f"'national' is {NATIONAL} (24 million)",
    )
    parser.add_argument("--only-scale", action="store_true", help="with --scale: measure the scale pages only")
    args = parser.parse_args()
    args.repeats = args.repeats or (40 if args.scale else 20)
    args.concurrency = args.concurrency or (10 if args.scale else 4)
    with tempfile.TemporaryDirectory(dir="/tmp") as var:
        env = {**os.environ, "GOLDENTHREAD_VAR": var, "GOLDENTHREAD_DEMO_PASSWORD": PASSWORD}
        if not env.get("DATABASE_URL", "").startswith("postgres"):
            env["DATABASE_URL"] = f"sqlite:///{var}/bench.sqlite3"
        print(f"database: {env['DATABASE_URL'].split(':')[0]}")
        started = time.perf_counter()
        run("migrate", env=env)
        run("demo", env=env)
        print(f"demo set up in {time.perf_counter() - started:.1f} s (five plans, A&E data for 274 providers)")
        pages = [p for p in PAGES if p[0] == TRIVIAL] if args.only_scale else list(PAGES)
        if args.scale:
            load_scale(args.scale, Path(var) / "scale", env)
            pages += scale_pages(args.scale)
        server, base = serve(env, args.workers, timeout=900 if args.scale else 120)
        try:
            measure(base, pages, args)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
