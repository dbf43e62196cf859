"""Load for ``bench/soak.py`` (or ``locust -f bench/locustfile.py --host http://127.0.0.1:PORT``):
people reading the pages and programs reading and writing through the API, against the demo.

Each simulated user signs in through the sign-in form as the demo planner (who may read every
page and load data into every plan) and mixes, by weight, page views — the plans list, a plan's
overview and scorecard, the A&E metric page (England and one provider), the exceptions page and
the board pack's HTML — with API reads (the plans, a plan's elements, the A&E series, the plan's
assessment) authenticated with the token in ``GOLDENTHREAD_API_TOKEN`` (``goldenthread token
create planner --scope write``), and now and then a batch of observations written through the API
(``POST /api/v1/plans/{code}/observations/``: 48 rows of monthly referral-to-treatment figures for
nhsi-2016's four regions). The batch is the same every time by default, so after the first it is
checked row by row and changes nothing; with ``GOLDENTHREAD_BENCH_CHANGING_WRITES=1`` it
alternates between two sets of figures, so every write revises the plan's data (and what its
pages have kept is worked out again).

Every request is named by its endpoint (``name=``), so Locust's figures are per endpoint. A
response other than the one expected (200; an API list without ``items``) is a failure.

Environment: ``GOLDENTHREAD_API_TOKEN`` (required for the API calls), ``GOLDENTHREAD_BENCH_USER``
(default ``planner``), ``GOLDENTHREAD_DEMO_PASSWORD`` (the demo accounts' password).
"""

from __future__ import annotations

import itertools
import os
import re

from locust import HttpUser, between, task

TOKEN = os.environ.get("GOLDENTHREAD_API_TOKEN", "")
USERNAME = os.environ.get("GOLDENTHREAD_BENCH_USER", "planner")
PASSWORD = os.environ.get("GOLDENTHREAD_DEMO_PASSWORD", "")
CHANGING = os.environ.get("GOLDENTHREAD_BENCH_CHANGING_WRITES", "") == "1"

PLAN = "nhsi-2016"
AS_AT = "2018/19 Q4"
API = "/api/v1/plans"
REGIONS = ("north", "south", "midlands-east", "london")
MONTHS = [f"{2016 + (3 + i) // 12}-{(3 + i) % 12 + 1:02}" for i in range(12)]  # 2016-04 … 2017-03
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _why(response) -> str:  # type: ignore[no-untyped-def]
    """What went wrong: the connection's error (status 0), or the start of the answer."""
    return repr(response.error) if response.status_code == 0 else response.text[:300]


def batch(turn: int) -> dict:
    """48 rows of referral-to-treatment figures (a ratio, monthly): the same rows every turn, or —
    with changing writes — one of two sets, alternately."""
    shift = turn % 2 if CHANGING else 0
    rows = [
        {
            "metric": "RTT",
            "org_unit": region,
            "period": month,
            "numerator": 900 + 10 * r + m + shift,
            "denominator": 1000,
        }
        for r, region in enumerate(REGIONS)
        for m, month in enumerate(MONTHS)
    ]
    return {"rows": rows}


class PlanReader(HttpUser):
    """A person in the planning team at the pages, and their program at the API."""

    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.turns = itertools.count()
        self.api_headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
        form = self.client.get("/accounts/login/", name="sign in (form)")
        found = _CSRF.search(form.text)
        if not found:
            raise RuntimeError("the sign-in page has no CSRF token: is the server goldenthread?")
        with self.client.post(
            "/accounts/login/",
            data={"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": found.group(1)},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="sign in",
            catch_response=True,
        ) as response:
            if "sessionid" not in self.client.cookies:
                response.failure(f"not signed in as {USERNAME}: set GOLDENTHREAD_DEMO_PASSWORD")

    # --- pages ----------------------------------------------------------------------------------

    def page(self, path: str, name: str) -> None:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {path}: {_why(response)}")

    @task(3)
    def plans_list(self) -> None:
        self.page("/", "page: plans")

    @task(2)
    def overview(self) -> None:
        self.page(f"/plans/{PLAN}/?as_at={AS_AT}", "page: plan overview")

    @task(2)
    def scorecard(self) -> None:
        self.page(f"/plans/{PLAN}/scorecard/?as_at={AS_AT}", "page: scorecard")

    @task(2)
    def metric_england(self) -> None:
        self.page(f"/plans/{PLAN}/metrics/AE4HR/?as_at={AS_AT}", "page: metric (England)")

    @task(1)
    def metric_provider(self) -> None:
        self.page(f"/plans/{PLAN}/metrics/AE4HR/?as_at={AS_AT}&where=RF4", "page: metric (one provider)")

    @task(1)
    def exceptions(self) -> None:
        self.page(f"/plans/{PLAN}/exceptions/?as_at={AS_AT}", "page: exceptions")

    @task(1)
    def board_pack(self) -> None:
        self.page(f"/plans/{PLAN}/reports/board.html?period={AS_AT}", "page: board pack HTML")

    # --- the API --------------------------------------------------------------------------------

    def api_get(self, path: str, name: str, params: dict | None = None, listed: bool = False) -> None:
        with self.client.get(path, params=params, headers=self.api_headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {_why(response)}")
            elif listed and "items" not in response.json():
                response.failure("a list without items")

    @task(3)
    def api_plans(self) -> None:
        self.api_get(f"{API}/", "api: plans", listed=True)

    @task(1)
    def api_objectives(self) -> None:
        self.api_get(f"{API}/{PLAN}/objectives/", "api: objectives", {"limit": 50}, listed=True)

    @task(1)
    def api_metrics(self) -> None:
        self.api_get(f"{API}/{PLAN}/metrics/", "api: metrics", {"limit": 50}, listed=True)

    @task(1)
    def api_activities(self) -> None:
        self.api_get(f"{API}/{PLAN}/activities/", "api: activities", {"status": "in_progress"}, listed=True)

    @task(2)
    def api_series(self) -> None:
        self.api_get(f"{API}/{PLAN}/metrics/AE4HR/series/", "api: series", {"where": "england", "as_at": AS_AT})

    @task(1)
    def api_series_provider(self) -> None:
        self.api_get(
            f"{API}/{PLAN}/metrics/AE4HR/series/", "api: series (one provider)", {"where": "RF4", "as_at": AS_AT}
        )

    @task(2)
    def api_assessment(self) -> None:
        self.api_get(f"{API}/{PLAN}/assessment/", "api: assessment", {"as_at": AS_AT})

    @task(1)
    def api_write_observations(self) -> None:
        with self.client.post(
            f"{API}/{PLAN}/observations/",
            json=batch(turn := next(self.turns)),
            headers=self.api_headers,
            name="api: observations (batch of 48)",
            catch_response=True,
        ) as response:
            if response.status_code == 409:  # another load wrote the same keys meanwhile: send it again,
                response.success()  # as a client should (counted on its own line)
                self.retry_observations(turn)
            elif response.status_code != 200:
                response.failure(f"{response.status_code}: {_why(response)}")

    def retry_observations(self, turn: int) -> None:
        with self.client.post(
            f"{API}/{PLAN}/observations/",
            json=batch(turn),
            headers=self.api_headers,
            name="api: observations (sent again after a 409)",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {_why(response)}")
