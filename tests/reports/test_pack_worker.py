"""The board pack built by a real worker (``goldenthread worker`` in a subprocess, tests/workers.py)
while the page that asked for it is read again and again, as the progress page's refresh does."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_q.models import OrmQ, Success

from goldenthread.access import roles
from goldenthread.reports.jobs import TASK
from goldenthread.reports.models import PackBuild
from tests.workers import running_worker, shared_database, wait_until

from .conftest import page_count, pdf_text


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_pack_the_page_asked_for(plan, client, tmp_path):
    reader = get_user_model().objects.create_user("reader", password="a-long-password")
    roles.grant(reader, roles.BOARD)
    with shared_database(tmp_path) as url, running_worker(url, tmp_path) as worker:
        client.force_login(reader)
        response = client.post("/plans/t/reports/builds/", {"period": "2017/18 Q4"})
        assert response.status_code == 302
        progress_page = response["Location"]
        build = PackBuild.objects.get()
        assert OrmQ.objects.count() + Success.objects.filter(func=TASK).count() == 1  # queued once, on commit

        seen: set[str] = set()

        def ready() -> bool:
            page = client.get(progress_page).content.decode()
            seen.update(s for s in ("Waiting to start", "Building: step", "Ready.") if s in page)
            return "Ready." in page

        wait_until(ready, 120, "the progress page says the pack is ready", worker)
        build.refresh_from_db()
        assert build.state == PackBuild.READY and build.steps_done == build.steps_total > 0
        assert seen & {"Waiting to start", "Building: step"}, "the page showed the build before it was ready"
        assert Success.objects.filter(func=TASK).count() == 1

        download = client.get(f"/plans/t/reports/builds/{build.pk}/download")
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert download.content.startswith(b"%PDF") and page_count(download.content, tmp_path) > 0
        assert "Test plan with data" in pdf_text(download.content, tmp_path)
