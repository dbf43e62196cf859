"""The board pack PDF built by the task queue: the task itself, its progress rows, its failures,
joining a build already under way, and the pages that ask for it, show it and hand it over."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone
from django_q.models import OrmQ

from goldenthread.access import roles
from goldenthread.planfile import validate_text
from goldenthread.planfile.periods import parse_period
from goldenthread.plans.store import load_plan
from goldenthread.reports import jobs
from goldenthread.reports.models import PackBuild
from goldenthread.storage.models import StoredFile

from ..factories import PLAN_WITH_DATA
from .conftest import page_count, pdf_text

PERIOD = "2017/18 Q4"


@pytest.fixture
def board_member(db):
    user = get_user_model().objects.create_user("reader", password="a-long-password")
    roles.grant(user, roles.BOARD)
    return user


def built(plan, user, period: str = PERIOD) -> PackBuild:
    build = jobs.request_build(plan, parse_period(period), user)
    assert jobs.build_pack(build.pk) == "ready"
    build.refresh_from_db()
    return build


def test_the_task_builds_the_pdf_and_reports_each_step_into_the_row(plan, board_member, tmp_path, monkeypatch):
    seen: list[tuple[str, int, int, int]] = []
    save = jobs.RowProgress._save

    def watch(progress, **fields):  # what the progress page would read after each report
        save(progress, **fields)
        row = PackBuild.objects.get(pk=progress.build.pk)
        seen.append((row.step, row.steps_done, row.steps_total, row.step_done))
        assert row.state == PackBuild.BUILDING

    monkeypatch.setattr(jobs.RowProgress, "_save", watch)
    build = built(plan, board_member)

    steps = [s for s, *_ in seen]
    assert {"Assessing the plan", "Exception charts", "Drawing charts", "Laying out", "Writing the PDF"} <= set(steps)
    assert steps[0] == "Assessing the plan" and steps[-1] == "Writing the PDF"
    done = [d for _, d, _, _ in seen]
    assert done == sorted(done) and done[-1] == jobs.BOARD_PDF_STEPS - 1  # the last step under way
    assert all(d < t for _, d, t, _ in seen)
    assert any(n > 0 for *_, n in seen)  # steps count their parts too (each chart drawn)

    assert build.state == PackBuild.READY and build.error == "" and build.finished_at is not None
    assert build.steps_done == build.steps_total == jobs.BOARD_PDF_STEPS
    data = build.file.read()
    assert data.startswith(b"%PDF")
    assert page_count(data, tmp_path) > 0
    text = pdf_text(data, tmp_path)
    assert "Test plan with data" in text and "2. Exceptions" in text
    assert build.file_name == "t-board-2017-18-Q4.pdf"


def test_the_file_is_kept_in_the_database_with_no_address(plan, board_member):
    """Held in the database (issue 17), so a worker on any machine writes it and any web server
    hands it over."""
    build = built(plan, board_member)
    stored = StoredFile.objects.get(name=build.file.name)
    assert bytes(stored.content).startswith(b"%PDF") and stored.size == build.file.size
    with pytest.raises(ValueError):
        build.file.url  # noqa: B018 — no URL serves it: only the download view


def test_a_failure_is_kept_in_words_with_the_step_it_stopped_at(plan, board_member, monkeypatch):
    def broken_disk(html: str) -> bytes:
        raise OSError("No space left on device")

    monkeypatch.setattr("goldenthread.reports.documents.html_to_pdf", broken_disk)
    build = jobs.request_build(plan, parse_period(PERIOD), board_member)
    assert jobs.build_pack(build.pk) == "failed"
    build.refresh_from_db()
    assert build.state == PackBuild.FAILED and not build.file and build.finished_at is not None
    assert build.error == 'It stopped at "Writing the PDF": OSError: No space left on device'
    assert jobs.build_pack(build.pk) == "nothing to do"  # delivered again: not run twice


def test_a_period_that_cannot_be_read_fails_before_any_step(plan, board_member):
    build = PackBuild.objects.create(plan=plan, period="2017/18 Q5", requested_by=board_member)
    assert jobs.build_pack(build.pk) == "failed"
    build.refresh_from_db()
    assert build.error.startswith('It stopped at "starting": PeriodError:')


@pytest.mark.django_db(transaction=True)
def test_a_build_is_queued_once_after_commit_and_a_second_request_joins_it(plan, board_member):
    period = parse_period(PERIOD)
    first = jobs.request_build(plan, period, board_member)
    assert jobs.request_build(plan, period, board_member).pk == first.pk
    tasks = list(OrmQ.objects.all())
    assert len(tasks) == 1 and tasks[0].task["func"] == jobs.TASK and tasks[0].task["args"] == (first.pk,)
    # another format of period is another pack
    other = jobs.request_build(plan, parse_period("2017/18 Q3"), board_member)
    assert other.pk != first.pk and OrmQ.objects.count() == 2
    # once it is ready, asking again builds it afresh (data may have changed since)
    assert jobs.build_pack(first.pk) == "ready"
    again = jobs.request_build(plan, period, board_member)
    assert again.pk != first.pk and again.state == PackBuild.QUEUED and OrmQ.objects.count() == 3


def test_nothing_is_queued_for_a_transaction_that_rolls_back(plan, board_member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        jobs.request_build(plan, parse_period(PERIOD), board_member)
    assert len(callbacks) == 1 and OrmQ.objects.count() == 0  # queued only when (if) it commits


def test_a_build_whose_worker_stopped_is_failed_and_not_joined(plan, board_member):
    stuck = jobs.request_build(plan, parse_period(PERIOD), board_member)
    long_ago = timezone.now() - timedelta(seconds=settings.Q_CLUSTER["timeout"] + 60)
    PackBuild.objects.filter(pk=stuck.pk).update(state=PackBuild.BUILDING, updated_at=long_ago)
    fresh = jobs.request_build(plan, parse_period(PERIOD), board_member)
    assert fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.state == PackBuild.FAILED and "stopped part-way" in stuck.error


# --- the pages -------------------------------------------------------------------------------


@pytest.fixture
def reader(client, board_member, plan):
    client.force_login(board_member)
    return client


def start(client, period: str = PERIOD):
    return client.post("/plans/t/reports/builds/", {"period": period})


def test_the_button_starts_a_build_and_leads_to_its_progress_page(reader, board_member):
    response = start(reader)
    build = PackBuild.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/plans/t/reports/builds/{build.pk}/"
    assert build.requested_by == board_member and build.period == PERIOD and build.state == PackBuild.QUEUED
    assert start(reader)["Location"] == response["Location"]  # asked twice: one build
    page = reader.get(response["Location"]).content.decode()
    assert "Board pack for 2017/18 Q4 (PDF)" in page and "Waiting to start" in page
    # brought up to date in place by a static script every 2 seconds (no inline script, no meta refresh)
    assert 'data-refresh="2"' in page and 'src="/static/reports/pack_build.js"' in page
    assert "http-equiv" not in page and "check how far it has got" in page


def test_the_progress_page_shows_the_step_and_how_far(reader, plan, board_member):
    build = jobs.request_build(plan, parse_period(PERIOD), board_member)
    PackBuild.objects.filter(pk=build.pk).update(state=PackBuild.BUILDING)
    progress = jobs.RowProgress(PackBuild.objects.get(pk=build.pk), jobs.BOARD_PDF_STEPS)
    for step in ("Assessing the plan", "Exception charts", "Objectives", "Deliverables and budget"):
        progress.start(step)
        progress.advance()
    progress.start("Drawing charts", total=12)
    progress.advance(5)
    page = reader.get(f"/plans/t/reports/builds/{build.pk}/").content.decode()
    assert "step 5 of 7</strong> — Drawing charts (5 of 12)" in page
    assert '<progress id="pack-progress" value="4" max="7">' in page
    assert 'data-refresh="2"' in page and "pack_build.js" in page


def test_when_ready_the_page_offers_the_download(reader, plan, board_member, tmp_path):
    build = built(plan, board_member)
    page = reader.get(f"/plans/t/reports/builds/{build.pk}/").content.decode()
    assert "Ready." in page and "all 7 steps done" in page
    assert f'href="/plans/t/reports/builds/{build.pk}/download"' in page
    assert 'data-refresh=""' in page and "pack_build.js" not in page  # finished: nothing more to follow
    response = reader.get(f"/plans/t/reports/builds/{build.pk}/download")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="t-board-2017-18-Q4.pdf"'
    assert "no-store" in response["Cache-Control"]
    data = response.content
    assert data.startswith(b"%PDF") and "Test plan with data" in pdf_text(data, tmp_path)


def test_a_failed_build_says_what_went_wrong_and_what_to_do(reader, plan, board_member):
    build = PackBuild.objects.create(plan=plan, period="2017/18 Q5", requested_by=board_member)
    jobs.build_pack(build.pk)
    page = reader.get(f"/plans/t/reports/builds/{build.pk}/").content.decode()
    assert "The pack could not be built" in page and "PeriodError" in page
    assert "Try again" in page and "tell your administrator" in page
    assert reader.get(f"/plans/t/reports/builds/{build.pk}/download").status_code == 404


def test_a_bad_period_is_refused_with_how_to_write_it(reader):
    response = start(reader, "2017/18 Q5")
    # issue 15: the 400 page of every bad parameter, saying how to write a quarter
    assert response.status_code == 400 and "write a quarter as 2016/17 Q4" in response.content.decode()
    assert not PackBuild.objects.exists()


def test_hostile_text_in_an_error_is_shown_as_text(reader, plan, board_member):
    build = PackBuild.objects.create(
        plan=plan, period=PERIOD, requested_by=board_member, state=PackBuild.FAILED, error="<script>x()</script>"
    )
    page = reader.get(f"/plans/t/reports/builds/{build.pk}/").content.decode()
    assert "&lt;script&gt;x()&lt;/script&gt;" in page and "<script>x()" not in page


def test_only_those_who_may_read_the_pack_may_ask_for_see_or_download_it(client, plan, board_member):
    build = built(plan, board_member)
    pages = (f"/plans/t/reports/builds/{build.pk}/", f"/plans/t/reports/builds/{build.pk}/download")
    for url in pages:  # not signed in: to the sign-in page
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "/accounts/login/" in start(client)["Location"]

    client.force_login(get_user_model().objects.create_user("nobody", password="a-long-password"))
    for url in pages:
        assert client.get(url).status_code == 403
    assert start(client).status_code == 403
    assert PackBuild.objects.count() == 1


def test_a_build_is_found_only_under_its_own_plan(reader, plan, board_member):
    load_plan(validate_text(PLAN_WITH_DATA.replace("code: t\n", "code: other\n", 1)).plan)
    build = built(plan, board_member)
    assert reader.get(f"/plans/other/reports/builds/{build.pk}/").status_code == 404
    assert reader.get(f"/plans/other/reports/builds/{build.pk}/download").status_code == 404
    assert reader.get("/plans/t/reports/builds/999999/").status_code == 404


def test_asking_by_get_is_refused(reader):
    assert reader.get("/plans/t/reports/builds/").status_code == 403
    assert not PackBuild.objects.exists()


def test_only_the_newest_file_of_a_pack_is_kept(reader, plan, board_member):
    first = built(plan, board_member)
    first_name = first.file.name
    other_period = built(plan, board_member, "2017/18 Q3")
    second = built(plan, board_member)
    first.refresh_from_db()
    other_period.refresh_from_db()
    assert not first.file and other_period.file and second.file
    assert not StoredFile.objects.filter(name=first_name).exists()
    page = reader.get(f"/plans/t/reports/builds/{first.pk}/").content.decode()
    assert "a newer build of the same pack has replaced this one" in page and "Build it again" in page
    response = reader.get(f"/plans/t/reports/builds/{first.pk}/download")
    assert response.status_code == 404
    assert reader.get(f"/plans/t/reports/builds/{second.pk}/download").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_make_one_build(plan, board_member):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes its write lock when a transaction starts (IMMEDIATE): two requests cannot race")
    inserted, release = threading.Event(), threading.Event()
    found: dict[str, int] = {}

    def first() -> None:  # a request that has inserted its build but not yet committed
        try:
            with transaction.atomic():
                found["first"] = PackBuild.objects.create(plan=plan, period=PERIOD, requested_by=board_member).pk
                inserted.set()
                release.wait(20)
        finally:
            connection.close()

    def second() -> None:
        try:
            found["second"] = jobs.request_build(plan, parse_period(PERIOD), board_member).pk
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert inserted.wait(20)
    threads[1].start()
    time.sleep(1)
    assert threads[1].is_alive()  # held by the database until the first commits
    release.set()
    for t in threads:
        t.join(30)
    assert found["second"] == found["first"] and PackBuild.objects.count() == 1


def test_the_database_refuses_a_second_running_build_of_a_pack(plan, board_member):
    PackBuild.objects.create(plan=plan, period=PERIOD, requested_by=board_member)
    with pytest.raises(IntegrityError), transaction.atomic():
        PackBuild.objects.create(plan=plan, period=PERIOD, requested_by=board_member, state=PackBuild.BUILDING)
    PackBuild.objects.create(plan=plan, period=PERIOD, requested_by=board_member, state=PackBuild.FAILED)


def test_the_scorecards_button_posts_the_period_with_its_csrf_token(plan, board_member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(board_member)
    assert client.post("/plans/t/reports/builds/", {"period": PERIOD}).status_code == 403  # no token: refused
    assert not PackBuild.objects.exists()
    page = client.get("/plans/t/scorecard/", {"as_at": PERIOD}).content.decode()
    form = re.search(r'<form method="post" action="/plans/t/reports/builds/">(.*?)</form>', page, re.S)
    assert form and "board pack </span>PDF</button>" in form[1] and f'name="period" value="{PERIOD}"' in form[1]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form[1])
    assert token
    response = client.post("/plans/t/reports/builds/", {"period": PERIOD, "csrfmiddlewaretoken": token[1]})
    assert response.status_code == 302 and PackBuild.objects.get().period == PERIOD


def test_a_build_under_way_is_not_started_again_by_a_second_delivery_of_its_task(plan, board_member):
    build = jobs.request_build(plan, parse_period(PERIOD), board_member)
    PackBuild.objects.filter(pk=build.pk).update(state=PackBuild.BUILDING, step="Drawing charts")
    assert jobs.build_pack(build.pk) == "nothing to do"
    build.refresh_from_db()
    assert build.state == PackBuild.BUILDING and build.step == "Drawing charts"
    # its worker stopped part-way: the task queue's retry builds it
    long_ago = timezone.now() - timedelta(seconds=settings.Q_CLUSTER["timeout"] + 60)
    PackBuild.objects.filter(pk=build.pk).update(updated_at=long_ago)
    assert jobs.build_pack(build.pk) == "ready"


def test_the_steps_expected_are_as_many_as_the_last_build_took(plan, board_member):
    assert jobs.expected_steps("board", "pdf") == jobs.BOARD_PDF_STEPS  # before any build: the known steps
    first = built(plan, board_member)
    PackBuild.objects.filter(pk=first.pk).update(steps_total=9)  # as if the pack had grown two steps
    assert jobs.expected_steps("board", "pdf") == 9
    build = jobs.request_build(plan, parse_period("2017/18 Q3"), board_member)
    PackBuild.objects.filter(pk=build.pk).update(state=PackBuild.BUILDING)
    progress = jobs.RowProgress(PackBuild.objects.get(pk=build.pk), jobs.expected_steps("board", "pdf"))
    progress.start("Assessing the plan")
    assert PackBuild.objects.get(pk=build.pk).steps_total == 9


def test_administrators_see_failed_builds_read_only_without_the_file(client, plan, board_member):
    build = PackBuild.objects.create(plan=plan, period="2017/18 Q5", requested_by=board_member)
    jobs.build_pack(build.pk)
    client.force_login(get_user_model().objects.create_superuser("root", password="a-long-password"))
    listing = client.get("/admin/reports/packbuild/?state=failed")
    assert listing.status_code == 200 and "2017/18 Q5" in listing.content.decode()
    page = client.get(f"/admin/reports/packbuild/{build.pk}/change/").content.decode()
    assert "PeriodError" in page and 'name="file"' not in page and 'name="_save"' not in page
    assert client.post(f"/admin/reports/packbuild/{build.pk}/delete/", {"post": "yes"}).status_code == 403
    assert PackBuild.objects.filter(pk=build.pk).exists()


def test_the_pdf_address_changes_nothing_it_leads_to_the_build_under_way_or_offers_one(plan, board_member):
    client = Client()
    client.force_login(board_member)
    address = f"/plans/t/reports/board.pdf?period={PERIOD}"
    for _ in range(2):  # opened twice, prefetched by a browser, followed by a crawler: nothing is built
        response = client.get(address)
        assert response.status_code == 200 and "Build the board pack PDF" in response.content.decode()
    assert not PackBuild.objects.exists() and not OrmQ.objects.exists()
    queued = jobs.request_build(plan, parse_period(PERIOD), board_member)
    response = client.get(address)
    assert response.status_code == 302 and response["Location"] == f"/plans/t/reports/builds/{queued.pk}/"
    assert PackBuild.objects.count() == 1
    # a build whose worker stopped is not one to watch: the page offers to build it again
    stopped = timezone.now() - timedelta(days=1)
    PackBuild.objects.filter(pk=queued.pk).update(state=PackBuild.BUILDING, updated_at=stopped)
    assert client.get(address).status_code == 200
    assert PackBuild.objects.get().state == PackBuild.BUILDING  # and a GET leaves even that as it was
