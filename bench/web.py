"""Page latency under concurrent requests, on the demo with its A&E data.

Sets up a throwaway demo database (the five seed plans and three years of monthly A&E data for
274 providers), serves it with gunicorn on 127.0.0.1, signs in as the board member, then fetches
each page REPEATS times from CONCURRENCY threads and prints the median and 95th-percentile
latency. Bounded in count and time; the server is stopped at the end.

    .venv/bin/python bench/web.py [--repeats 20] [--concurrency 4] [--workers 2]
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args: str, env: dict) -> None:
    subprocess.run([str(BIN / "goldenthread"), *args], env=env, check=True, stdout=subprocess.DEVNULL)


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        env = {
            **os.environ,
            "GOLDENTHREAD_VAR": var,
            "DATABASE_URL": f"sqlite:///{var}/bench.sqlite3",
            "GOLDENTHREAD_DEMO_PASSWORD": PASSWORD,
        }
        started = time.perf_counter()
        run("migrate", env=env)
        run("demo", env=env)
        print(f"demo set up in {time.perf_counter() - started:.1f} s (five plans, A&E data for 274 providers)")
        port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "goldenthread.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--threads",
                "2",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)
            openers = [opener_signed_in(base) for _ in range(args.concurrency)]
            print(
                f"{args.repeats} requests per page from {args.concurrency} concurrent clients, "
                f"gunicorn {args.workers} workers × 2 threads on 127.0.0.1"
            )
            print(f"{'page':30} {'median':>8} {'p95':>8} {'status':>7}")

            def fetch(i: int, url: str) -> tuple[float, int]:
                t = time.perf_counter()
                with openers[i % len(openers)].open(base + urllib.parse.quote(url, safe="/?=&"), timeout=120) as r:
                    r.read()
                    return time.perf_counter() - t, r.status

            for name, url in PAGES:
                fetch(0, url)  # warm up
                with ThreadPoolExecutor(args.concurrency) as pool:
                    results = list(pool.map(lambda i, url=url: fetch(i, url), range(args.repeats)))
                times = [t for t, _ in results]
                statuses = {s for _, s in results}
                print(
                    f"{name:30} {statistics.median(times) * 1000:6.0f}ms {percentile(times, 95) * 1000:6.0f}ms "
                    f"{','.join(map(str, sorted(statuses))):>7}"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
