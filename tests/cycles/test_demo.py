"""The demo's cycle: roles on seed 001's Medical and Nursing, updates in every state, idempotent."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import authenticate
from django.test import RequestFactory

from goldenthread.access import roles, rules
from goldenthread.cli.main import main
from goldenthread.cycles.models import (
    AccountabilityReview,
    ActivityUpdate,
    Publication,
    ReportingPeriod,
    Submission,
)
from goldenthread.plans.models import Owner
from goldenthread.presenters.governance_work import my_meetings


def _sign_in(username: str):
    """The demo account, signed in with the demo password as the sign-in page would (through the
    sign-in throttle, which needs the request)."""
    return authenticate(RequestFactory().post("/accounts/login/"), username=username, password="demo-password-123")


def test_demo_cycle(monkeypatch, capsys, db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setenv("GOLDENTHREAD_DEMO_PASSWORD", "demo-password-123")
    assert main(["demo"]) == 0
    first = capsys.readouterr().out
    assert "Demo accounts: admin, planner, director, medical-lead, nursing-lead, board" in first
    periods = list(ReportingPeriod.objects.filter(plan__code="nhsei-2019").values_list("label", flat=True))
    assert periods == ["2019/20 Q1", "2019/20 Q2", "2019/20 Q3", "2019/20 Q4"]
    states = {
        (s.period.label, s.org_unit.code): s.status for s in Submission.objects.select_related("period", "org_unit")
    }
    assert set(states.values()) == {"draft", "submitted", "returned", "approved"}
    lead = authenticate(
        RequestFactory().post("/accounts/login/"), username="medical-lead", password="demo-password-123"
    )
    assert roles.person(lead).roles == {roles.LEAD} and rules.may_submit(lead, Submission.objects.first().org_unit)
    assert roles.person(
        authenticate(RequestFactory().post("/accounts/login/"), username="board", password="demo-password-123")
    ).roles == {roles.BOARD}
    planner = _sign_in("planner")
    assert roles.person(planner).planning_plan_ids  # a member of every plan
    assert AccountabilityReview.objects.count() == 1 and Publication.objects.count() == 2
    review = AccountabilityReview.objects.get()
    owners = {a.owner_account.username: a.status for a in review.actions.select_related("owner_account")}
    assert owners == {"medical-lead": "open", "planner": "closed"}, "the demo's actions are owned by accounts"
    attending = {a.account.username for a in review.attendees.exclude(account=None)}
    assert attending == {"medical-lead", "planner"}, "attendees with accounts are linked to them"
    # the approved updates give some activities a RAG rating, per cent complete and forecast date
    progress = ActivityUpdate.objects.filter(submission__status="approved").exclude(percent_complete=None)
    assert progress.exists() and all(u.rag and u.forecast_on for u in progress)
    assert ActivityUpdate.objects.filter(submission__status="approved", percent_complete=None).exists()
    # the demo accounts hold roles of the plans, so their My work lists meetings
    linked = {(o.plan.code, o.code, o.user.username) for o in Owner.objects.exclude(user=None).select_related("plan")}
    assert linked == {("nhsei-2019", "NDTCD", "director"), ("nhse-2013", "chair", "board")}
    assert [r.role for r in my_meetings(_sign_in("director"), date(2019, 6, 1)).upcoming] == ["Presenting item 12"]
    assert {r.role for r in my_meetings(_sign_in("board"), date(2019, 6, 1)).recent} == {"Chair"}
    counts = [m.history.count() for m in (Submission, ReportingPeriod, AccountabilityReview, Publication)]
    assert main(["demo"]) == 0
    again = capsys.readouterr().out
    assert "demo updates" not in again and "published" not in again
    assert [m.history.count() for m in (Submission, ReportingPeriod, AccountabilityReview, Publication)] == counts
