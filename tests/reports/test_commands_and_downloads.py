"""`goldenthread report …` and `goldenthread export open-data`, and the packs as web downloads."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model

from goldenthread.cli.main import main

from .conftest import docx, headings, pdf_text

PERIOD = "2017/18 Q4"


@pytest.mark.django_db(transaction=True)
def test_report_commands_write_each_format(plan, tmp_path, capsys):
    assert main(["report", "board", "t", "--period", PERIOD, "--format", "pdf", "-o", str(tmp_path / "b.pdf")]) == 0
    assert "2. Exceptions" in pdf_text((tmp_path / "b.pdf").read_bytes(), tmp_path)
    assert main(["report", "board", "t", "--period", PERIOD, "--format", "docx", "-o", str(tmp_path / "b.docx")]) == 0
    assert "1. Summary and scorecard" in headings(docx((tmp_path / "b.docx").read_bytes()))
    assert (
        main(
            [
                "report",
                "directorate",
                "t",
                "North",
                "--period",
                PERIOD,
                "--format",
                "html",
                "-o",
                str(tmp_path / "d.html"),
            ]
        )
        == 0
    )
    assert "Accountability review pack" in (tmp_path / "d.html").read_text()
    assert main(["report", "summary", "t", "--format", "pdf", "-o", str(tmp_path / "s.pdf")]) == 0
    out = capsys.readouterr()
    assert f"Wrote {tmp_path / 's.pdf'}" in out.out
    assert out.err == ""  # no progress bars when standard error is not a terminal


@pytest.mark.django_db(transaction=True)
def test_report_commands_explain_mistakes(plan, tmp_path, capsys):
    assert main(["report", "board", "nope", "--period", PERIOD]) == 1
    assert "no plan with code 'nope'" in capsys.readouterr().err
    assert main(["report", "board", "t", "--period", "2017/18 Q5"]) == 2
    assert "goldenthread report board:" in capsys.readouterr().err
    assert main(["report", "directorate", "t", "east", "--period", PERIOD]) == 1
    assert "has no org unit 'east'; use one of: england, north, south" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
def test_progress_is_shown_on_request(plan, tmp_path, capsys):
    assert (
        main(
            [
                "report",
                "board",
                "t",
                "--period",
                PERIOD,
                "--format",
                "html",
                "-o",
                str(tmp_path / "b.html"),
                "--progress",
            ]
        )
        == 0
    )
    err = capsys.readouterr().err
    assert "Assessing the plan" in err and "Drawing charts" in err


@pytest.mark.django_db(transaction=True)
def test_export_open_data_needs_a_published_plan(plan, tmp_path, capsys):
    assert main(["export", "open-data", "t", "--period", PERIOD, "-o", str(tmp_path)]) == 1
    assert "is not published" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
    assert main(["export", "open-data", "t", "--period", PERIOD, "-o", str(tmp_path / "x"), "--unpublished"]) == 0
    assert json.loads((tmp_path / "x" / "open_data.json").read_text())["published"] is False

    from goldenthread.cycles.services import publish

    publish(plan, user=None)
    assert main(["export", "open-data", "t", "--period", PERIOD, "-o", str(tmp_path / "y")]) == 0
    assert json.loads((tmp_path / "y" / "open_data.json").read_text())["published"] is True
    assert "1 scorecard measures and 24 metric values for t as at 2017/18 Q4" in capsys.readouterr().out


# --- downloads -------------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, plan):
    """A board member: the packs quote every unit's updates, so they need someone who reads everything."""
    from goldenthread.access import roles

    user = get_user_model().objects.create_user("reader", password="a-long-password")
    roles.grant(user, roles.BOARD)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_packs_quoting_updates_are_refused_to_those_who_may_not_read_them(client, plan):
    client.force_login(get_user_model().objects.create_user("nobody", password="a-long-password"))
    assert client.get("/plans/t/reports/board.pdf").status_code == 403
    assert client.get("/plans/t/reports/summary.html").status_code == 200


@pytest.mark.django_db
def test_downloads_need_sign_in(client, plan):
    for url in (
        "/plans/t/reports/board.pdf",
        "/plans/t/reports/directorate/north.docx",
        "/plans/t/reports/summary.html",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db(transaction=True)
def test_downloads_are_the_packs(signed_in, tmp_path):
    from goldenthread.reports.models import PackBuild
    from tests.workers import running_worker, shared_database, wait_until

    # the board pack PDF is built by the task worker: its address (a GET, which changes nothing)
    # offers a button that asks for it (a POST), which leads to the build's progress page
    with shared_database(tmp_path) as url, running_worker(url, tmp_path) as worker:
        response = signed_in.get("/plans/t/reports/board.pdf", {"period": PERIOD})
        page = response.content.decode()
        assert response.status_code == 200 and not PackBuild.objects.exists()
        assert 'action="/plans/t/reports/builds/"' in page and 'name="csrfmiddlewaretoken"' in page
        assert "Build the board pack PDF" in page and "The last one built" not in page
        response = signed_in.post("/plans/t/reports/builds/", {"period": PERIOD})
        build = PackBuild.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/plans/t/reports/builds/{build.pk}/"
        assert (build.period, build.kind, build.format) == (PERIOD, "board", "pdf")
        if PackBuild.objects.get().state in PackBuild.RUNNING:  # under way: the address leads to it
            location = signed_in.get("/plans/t/reports/board.pdf", {"period": PERIOD}).get("Location")
            assert location in (response["Location"], None)  # None: it finished in between
        wait_until(lambda: "Ready." in signed_in.get(response["Location"]).content.decode(), 120, "built", worker)
        page = signed_in.get("/plans/t/reports/board.pdf", {"period": PERIOD}).content.decode()
        assert "The last one built" in page and f"/plans/t/reports/builds/{build.pk}/download" in page
        assert PackBuild.objects.count() == 1
        response = signed_in.get(f"/plans/t/reports/builds/{build.pk}/download")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="t-board-2017-18-Q4.pdf"'
    assert "2. Exceptions" in pdf_text(response.content, tmp_path)
    response = signed_in.get("/plans/t/reports/directorate/north.docx", {"as_at": PERIOD})
    assert response.status_code == 200
    assert "4. Objectives of North" in headings(docx(response.content))
    response = signed_in.get("/plans/t/reports/summary.html")
    assert response.status_code == 200 and b"The plan on two pages" in response.content


@pytest.mark.django_db
def test_download_mistakes(signed_in):
    assert signed_in.get("/plans/t/reports/board.xls").status_code == 404
    assert signed_in.get("/plans/nope/reports/board.pdf").status_code == 404
    assert signed_in.get("/plans/t/reports/directorate/east.pdf").status_code == 404
    response = signed_in.get("/plans/t/reports/board.pdf", {"period": "2017/18 Q5"})
    assert response.status_code == 400 and b"2016/17 Q4" in response.content
