"""The board pack PDF in Chromium: the button on the scorecard asks for it, the progress page
follows a real worker (``goldenthread worker`` in a subprocess) building it, bringing itself up to
date in place (a static script, under the Content-Security-Policy), and the download is the pack."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from goldenthread.access import roles
from tests.factories import plan_with_data
from tests.reports.conftest import page_count, pdf_text
from tests.workers import running_worker, shared_database

from .conftest import assert_accessible, screenshot
from .test_browser import sign_in

pytestmark = [pytest.mark.system, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reader():
    plan_with_data()
    user = get_user_model().objects.create_user("reader", password="a-long-password")
    roles.grant(user, roles.BOARD)


def test_the_board_pack_is_built_in_the_background_and_downloaded(page, reader, tmp_path):
    with shared_database(tmp_path) as url, running_worker(url, tmp_path):
        sign_in(page)
        page.goto("/plans/t/scorecard/?as_at=2017/18 Q4")
        screenshot(page, "pack-build-button")
        page.get_by_role("button", name="Build the board pack PDF").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Board pack for 2017/18 Q4 (PDF)")
        expect(page).to_have_url(re.compile(r"/plans/t/reports/builds/\d+/$"))
        state = page.locator("#pack-build")
        # seen on its way: waiting for the worker, or a step of the build with how far it is
        expect(state).to_have_attribute("data-state", re.compile("queued|building"))
        expect(state).to_contain_text(re.compile(r"Waiting to start|Building: step \d of 7"))
        assert_accessible(page)
        screenshot(page, "pack-build-progress")

        # the page brings itself up to date, without reloading, until the pack is ready
        page.evaluate("document.title = 'still the same document'")
        download_link = page.get_by_role("link", name=re.compile(r"Download the board pack \(PDF, [\d,]+ KB\)"))
        expect(download_link).to_be_visible(timeout=120_000)
        expect(state).to_contain_text("all 7 steps done")
        assert page.title() == "still the same document"
        screenshot(page, "pack-build-ready")
        assert_accessible(page)
        with page.expect_download() as info:
            download_link.click()
        download = info.value
        assert download.suggested_filename == "t-board-2017-18-Q4.pdf"
        download.save_as(tmp_path / "downloaded.pdf")
        data = (tmp_path / "downloaded.pdf").read_bytes()
        assert data.startswith(b"%PDF") and page_count(data, tmp_path) > 0
        assert "Test plan with data" in pdf_text(data, tmp_path)
