"""Uploads held between preview and confirmation live in the database (issue 17), so any web
server may take the confirmation: the token is the person's own, a claim is one atomic update
(a second confirmation loads nothing), the bytes are checked against their sha256, a loaded file
stays beside its load and unconfirmed ones are swept after a day."""

from __future__ import annotations

import time

import pytest

from goldenthread.performance import staging
from goldenthread.storage.models import HeldUpload

pytestmark = pytest.mark.django_db

DATA = b"metric,org_unit,period,value\nCNT,rx1,2016/17 Q1,5\n"


def held() -> staging.Staged:
    return staging.stage(DATA, name="q.csv", user_id=7, plan="perf", options={"metric": None, "mapping": {}})


def test_only_its_person_finds_a_held_upload_by_its_token():
    staged = held()
    found = staging.find(staged.token, 7)
    assert found is not None and (found.plan, found.name, found.options) == ("perf", "q.csv", staged.options)
    assert staging.find(staged.token, 8) is None
    assert staging.find("not a token", 7) is None and staging.find("x" * 43, 7) is None
    assert found.read() == DATA


def test_a_claim_is_taken_once_and_given_back_on_release():
    staged = held()
    assert staging.claim(staged) and not staging.claim(staged)
    assert staged.read("claimed") == DATA
    staging.release(staged)
    assert staging.claim(staged)


def test_bytes_that_changed_since_they_were_checked_are_refused():
    staged = held()
    HeldUpload.objects.filter(token=staged.token).update(content=DATA + b"CNT,rx2,2016/17 Q1,9\n")
    with pytest.raises(OSError, match="changed since it was checked"):
        staged.read()


def test_a_loaded_file_stays_beside_its_load_and_its_token_is_forgotten_after_a_day():
    staged = held()
    staging.claim(staged)
    staging.done(staged, "q.csv: loaded", 41)
    again = staging.find(staged.token, 7)
    assert again is not None and again.loaded == "q.csv: loaded" and not staging.claim(again)
    staging.discard(again)  # a loaded file is not discarded
    staging.sweep(now=time.time() + (staging.KEEP_HOURS + 1) * 3600)
    assert staging.find(staged.token, 7) is None
    assert staging.loaded_file(41) == ("q.csv", DATA)


def test_unconfirmed_files_are_swept_after_a_day_and_discarded_when_asked():
    kept, discarded = held(), held()
    staging.discard(discarded)
    assert staging.find(discarded.token, 7) is None
    staging.sweep(now=time.time() + (staging.KEEP_HOURS - 1) * 3600)
    assert staging.find(kept.token, 7) is not None
    staging.sweep(now=time.time() + (staging.KEEP_HOURS + 1) * 3600)
    assert not HeldUpload.objects.exists()
