"""The permission matrix: every URL pattern of the project, every role, GET and POST.

The URL patterns are found by walking the resolver, so a page anyone adds is covered the day it
is added: it must have an access rule (deny-by-default would otherwise close it to everybody),
the public must be refused unless it is in ``goldenthread.access.rules.PUBLIC_PAGES``, and every role
must get what the rule says. Pages whose expectations are written out in :data:`EXPECTED` are
checked against that table instead — an independent statement of the policy.

"Refused" means a redirect to a sign-in page, or a 403 from the access rules; "allowed" means
anything else (the page, a 404 for something that does not exist, a form's error, a redirect
after a successful POST).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern

from goldenthread.access import policy
from goldenthread.cycles import services
from goldenthread.cycles.models import Submission

from .conftest import ROLES

pytestmark = pytest.mark.django_db

ALL = frozenset(["anonymous", *ROLES])
SIGNED_IN = ALL - {"anonymous"}
NOBODY: frozenset[str] = frozenset()
RUNS_THE_CYCLE = frozenset({"planner", "admin"})
READS_EVERYTHING = frozenset({"planner", "other_planner", "board", "admin"})
MEDICAL = frozenset({"lead", "contributor"})

#: URL name -> (who may GET, who may POST). The URL parameters point at the Medical directorate of
#: nhsei-2019 (whose planning team is "planner"; "other_planner" runs another plan).
EXPECTED: dict[str, tuple[frozenset, frozenset]] = {
    "login": (ALL, ALL),
    "logout": (ALL, ALL),
    "home": (SIGNED_IN, NOBODY),
    "search": (SIGNED_IN, NOBODY),
    "plan": (SIGNED_IN, NOBODY),
    "plan-by-priority": (SIGNED_IN, NOBODY),
    "plan-by-directorate": (SIGNED_IN, NOBODY),
    "plan-matrix": (SIGNED_IN, NOBODY),
    "plan-deliverables": (SIGNED_IN, NOBODY),
    "plan-budgets": (SIGNED_IN, NOBODY),
    "scorecard": (SIGNED_IN, NOBODY),
    "exceptions": (SIGNED_IN, NOBODY),
    "metric": (SIGNED_IN, NOBODY),
    # the board pack built in the background: whoever may download the board pack, no one else
    "report-build-start": (NOBODY, READS_EVERYTHING),
    "report-build": (READS_EVERYTHING, NOBODY),
    "report-build-file": (READS_EVERYTHING, NOBODY),
    "cycles:my_work": (SIGNED_IN, NOBODY),
    "cycles:cycles": (SIGNED_IN, NOBODY),
    "cycles:my_updates": (SIGNED_IN, NOBODY),
    "cycles:actions": (SIGNED_IN, NOBODY),
    # the matrix's action is owned by someone outside the system ("NMD"): its unit's people and
    # those who read everything see it; its unit's lead and the planning team update or close it
    "cycles:action": (READS_EVERYTHING | MEDICAL, RUNS_THE_CYCLE | {"lead"}),
    "cycles:action_close": (RUNS_THE_CYCLE | {"lead"}, RUNS_THE_CYCLE | {"lead"}),
    "cycles:overdue": (frozenset({"planner", "other_planner", "admin"}), NOBODY),
    "cycles:plan_cycle": (SIGNED_IN, RUNS_THE_CYCLE),
    "cycles:publish": (NOBODY, RUNS_THE_CYCLE),
    "cycles:period": (READS_EVERYTHING, NOBODY),
    "cycles:period_edit": (RUNS_THE_CYCLE, RUNS_THE_CYCLE),
    "cycles:remind": (NOBODY, RUNS_THE_CYCLE),
    "cycles:submission": (READS_EVERYTHING | MEDICAL, RUNS_THE_CYCLE),
    "cycles:submission_edit": (MEDICAL | {"admin"}, MEDICAL | {"admin"}),
    "cycles:review": (READS_EVERYTHING | MEDICAL, NOBODY),
    "cycles:review_edit": (RUNS_THE_CYCLE, RUNS_THE_CYCLE),
    "cycles:history": (READS_EVERYTHING | MEDICAL, NOBODY),
    "performance:upload_template": (RUNS_THE_CYCLE, NOBODY),  # the plan's planning team loads its data
    # change control: the plan's planning team (and its owner, none here) see and act on its open
    # change; the planning team of any plan creates plans
    "plan-change": (RUNS_THE_CYCLE, RUNS_THE_CYCLE),
    "plan-new": (frozenset({"planner", "other_planner", "admin"}), frozenset({"planner", "other_planner", "admin"})),
    "plan-from-document": (
        frozenset({"planner", "other_planner", "admin"}),
        frozenset({"planner", "other_planner", "admin"}),
    ),
    # the plan workbench: its planning team edits the plan in the browser and uploads a changed
    # workbook; everyone who reads the plan downloads it and reads its versions
    **{
        name: (RUNS_THE_CYCLE, RUNS_THE_CYCLE)
        for name in (
            "plan-edit",
            "plan-fields-edit",
            "plan-element-new",
            "plan-element-edit",
            "plan-element-move",
            "plan-element-retire",
            "plan-upload",
        )
    },
    "plan-download": (SIGNED_IN, NOBODY),
    "plan-template": (SIGNED_IN, NOBODY),
    "plan-versions": (SIGNED_IN, NOBODY),
    "plan-version": (SIGNED_IN, NOBODY),
    "plan-compare": (SIGNED_IN, NOBODY),
    # governance (issue 16): every reader of the plan reads its bodies and meetings; the planning
    # team (and the body's chair and members through owners linked to their accounts: none in this
    # world) record a meeting's decisions, actions and minutes, and publish its minutes
    "plan-governance": (SIGNED_IN, NOBODY),
    "plan-body": (SIGNED_IN, NOBODY),
    "plan-meeting": (SIGNED_IN, NOBODY),
    "plan-meeting-decision": (RUNS_THE_CYCLE, RUNS_THE_CYCLE),
    "plan-meeting-action": (RUNS_THE_CYCLE, RUNS_THE_CYCLE),
    "plan-meeting-minutes": (RUNS_THE_CYCLE, RUNS_THE_CYCLE),
    "plan-meeting-publish": (NOBODY, RUNS_THE_CYCLE),
    "plan-meeting-take-back": (NOBODY, RUNS_THE_CYCLE),
    "cycles:public_home": (ALL, NOBODY),
    "cycles:public_plan": (ALL, NOBODY),
    "cycles:public_period": (ALL, NOBODY),
    "cycles:public_scorecard": (ALL, NOBODY),
    "public-open-data": (ALL, NOBODY),
    "admin:login": (ALL, ALL),
    "admin:logout": (ALL, ALL),
    "sso-start": (ALL, NOBODY),
    "sso-callback": (ALL, NOBODY),
    "password_change": (SIGNED_IN, SIGNED_IN),
    "password_change_done": (SIGNED_IN, NOBODY),
    "otp-enrol": (SIGNED_IN, SIGNED_IN),
    "otp-verify": (SIGNED_IN, SIGNED_IN),
}
#: the Django admin site: staff only (our demo's administrator); the admin site's own model
#: permissions then apply, so for staff we check only that the access rules let them through
ADMIN_SITE = "admin:*"
#: URL patterns without a name cannot be reversed or given a rule by name; only the admin site
#: has them (its catch-all and each model's old-style redirect), and "admin:*" covers them
UNNAMED_ALLOWED = ("admin:django.",)


def walk(patterns, prefix_ns: str = ""):
    """(view name, parameter names) for every URL pattern, through included URL confs — but the
    API's, whose every operation checks its own rule (tests/api/test_api_guard.py walks those)."""
    for p in patterns:
        if isinstance(p, URLResolver) and p.namespace in policy.SELF_GUARDED:
            continue
        if isinstance(p, URLResolver):
            ns = f"{prefix_ns}{p.namespace}:" if p.namespace else prefix_ns
            params = set(_params(p))
            for name, inner in walk(p.url_patterns, ns):
                yield name, params | inner
        elif isinstance(p, URLPattern):
            name = f"{prefix_ns}{p.name}" if p.name else f"{prefix_ns}{p.lookup_str}"
            yield name, set(_params(p))


def _positional(p) -> int:
    """Unnamed groups in a regular-expression pattern (simple_history's admin history page has two)."""
    if not isinstance(p.pattern, RegexPattern):
        return 0
    return p.pattern.regex.groups - len(p.pattern.regex.groupindex)


def _params(p) -> list[str]:
    if isinstance(p.pattern, RegexPattern):
        return list(p.pattern.regex.groupindex)
    return list(p.pattern.converters)


@pytest.fixture
def matrix_world(world):
    """Updates, a review with an action, in nhsei-2019 Q2 for Medical."""
    lead, planner = world.users["lead"], world.users["planner"]
    period = world.period(2)
    sub = services.save_update(period, world.medical, world.complete(), based_on=0, user=lead, submit=True)
    review = services.save_review(
        period,
        world.medical,
        services.ReviewData(
            status="held",
            held_on=date(2019, 10, 20),
            chair="CFO",
            pack="Q2 pack",
            summary="",
            attendees=[],
            decisions=[],
            actions={},
            new_actions=[{"description": "Do it", "owner": "NMD", "due_on": date(2019, 12, 31)}],
        ),
        based_on=0,
        user=planner,
    )
    world.submission, world.action = sub, review.actions.get()
    return world


def _item_12(world) -> int:
    from goldenthread.plans.models import AgendaItem

    found = AgendaItem.objects.filter(meeting__plan=world.plan, meeting__code="BIC-2019-06-27", number="12").first()
    return found.pk if found is not None else 1


def parameters(world, name: str) -> dict:
    values = {
        "code": "nhsei-2019",
        "period": "2019-20-q2",
        "unit": "medical",
        "metric_code": "MED-2-M1",
        "pk": world.action.pk,
        "kind": "submission",
        "app_label": "cycles",
        "object_id": "1",
        "history_id": "1",
        "content_type_id": 1,
        "id": 1,
        "url": "x",
        "fmt": "html",
        "name": "scorecard.csv",
        "format": "yaml",
        "section": "metrics",
        "element": "MED-2-M1",
        "number": 1,
        # governance: seed 001's DQPCiC, and item 12 of its Joint Boards in Common of 27 June 2019
        "body": "DQPCiC",
        "meeting": "BIC-2019-06-27",
        "item": _item_12(world),
        "decision": 1,
        "prefix": "abcdefgh",  # an API token's (none by this prefix: each person's own page 404s)
    }
    if name == "cycles:history":
        values["pk"] = world.submission.pk
    return values


def outcome(response) -> str:
    if response.status_code in (301, 302):
        where = response["Location"]
        if where.startswith(f"{settings.LOGIN_URL}?next=") or where.startswith("/admin/login/?next="):
            return "refused"  # (signing out also ends on the sign-in page, but without "next")
    if response.status_code == 403 and response.get(policy.REFUSAL_HEADER):
        return "refused"
    return "allowed"


def test_every_url_name_has_an_access_rule_and_parameters():
    problems = []
    known = {
        "code",
        "period",
        "unit",
        "metric_code",
        "pk",
        "kind",
        "app_label",
        "object_id",
        "history_id",
        "content_type_id",
        "id",
        "url",
        "fmt",
        "name",
        "format",
        "section",
        "element",
        "number",
        "body",
        "meeting",
        "item",
        "decision",
        "prefix",
    }
    for name, params in walk(get_resolver().url_patterns):
        if name.startswith(UNNAMED_ALLOWED):
            assert policy.rule_for(name) is not None, name
            continue
        if policy.rule_for(name) is None and not _view_declares_rule(name):
            problems.append(
                f"{name}: no access rule — add it to goldenthread.access.rules.PAGES "
                "(or declare @policy.rule on the view)"
            )
        if unknown := params - known:
            problems.append(
                f"{name}: this test has no value for parameter(s) {sorted(unknown)} — add them to parameters()"
            )
    assert not problems, "\n".join(problems)


def _view_declares_rule(name: str) -> bool:
    for view_name, pattern in _patterns():
        if view_name == name:
            return getattr(pattern.callback, "access_rule", None) is not None
    return False


def _patterns(patterns=None, prefix_ns: str = ""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver) and p.namespace in policy.SELF_GUARDED:
            continue
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, f"{prefix_ns}{p.namespace}:" if p.namespace else prefix_ns)
        else:
            yield (f"{prefix_ns}{p.name}" if p.name else f"{prefix_ns}{p.lookup_str}"), p


def test_only_the_public_pages_are_open_without_signing_in():
    for name in policy.PUBLIC_PAGES:
        assert EXPECTED[name][0] == ALL, name
    for name, (get, _) in EXPECTED.items():
        if name not in policy.PUBLIC_PAGES:
            assert "anonymous" not in get, f"{name} is open to the public but not listed in policy.PUBLIC_PAGES"


def test_permission_matrix(matrix_world):
    world = matrix_world
    clients = {"anonymous": Client()}
    for role, user in world.users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    cookies = {role: c.cookies.get(settings.SESSION_COOKIE_NAME) for role, c in clients.items()}
    checked, mismatches = 0, []
    for name, view in _patterns():
        if name.startswith(UNNAMED_ALLOWED):
            continue
        wanted = url_params()[name]
        kwargs = {k: v for k, v in parameters(world, name).items() if k in wanted}
        positional = _positional(view)
        url = reverse(name, args=["1"] * positional) if positional else reverse(name, kwargs=kwargs)
        for method in ("GET", "POST"):
            for role, client in clients.items():
                if cookies[role] is not None:  # signing out in an earlier request must not leak into this one
                    client.cookies[settings.SESSION_COOKIE_NAME] = cookies[role].value
                with transaction.atomic():
                    try:
                        response = client.get(url) if method == "GET" else client.post(url, {})
                        got = outcome(response)
                    except Exception as exc:  # a crash is never an acceptable answer
                        got = f"error {type(exc).__name__}: {exc}"
                    transaction.set_rollback(True)
                want = expected(name, method, role, world, kwargs, view.callback)
                checked += 1
                if got != want:
                    mismatches.append(f"{method} {url} ({name}) as {role}: expected {want}, got {got}")
    assert not mismatches, f"{len(mismatches)} of {checked} checks failed:\n" + "\n".join(mismatches)
    assert checked > 300


def url_params() -> dict[str, set]:
    return dict(walk(get_resolver().url_patterns))


def expected(name: str, method: str, role: str, world, kwargs: dict, view_func) -> str:
    if name in EXPECTED:
        get, post = EXPECTED[name]
        return "allowed" if role in (get if method == "GET" else post) else "refused"
    if name.startswith("admin:"):
        return "allowed" if role == "admin" else "refused"
    # a page added since this table was written: its rule decides, but the public never gets in
    user = None if role == "anonymous" else world.users[role]
    from django.contrib.auth.models import AnonymousUser

    allowed = policy.allowed(user or AnonymousUser(), name, kwargs, method, view_func=view_func)
    if role == "anonymous" and allowed and name not in policy.PUBLIC_PAGES:
        return "refused (the public may only see policy.PUBLIC_PAGES)"
    return "allowed" if allowed else "refused"


def test_refusals_say_what_and_what_to_do(matrix_world, login):
    response = login(matrix_world.users["other_lead"]).get("/plans/nhsei-2019/periods/2019-20-q2/units/medical/update/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "You do not have permission to edit this unit&#39;s update." in page
    assert "Your account (other_lead) has the role: directorate or region lead" in page
    assert "ask your planning team or an administrator" in page


def test_unknown_pages_are_closed_to_everybody(rf, matrix_world):
    from goldenthread.access.middleware import AccessMiddleware

    request = rf.get("/somewhere/")
    request.user = matrix_world.users["admin"]

    class Match:
        view_name = "someone:new_page"

    request.resolver_match = Match()
    response = AccessMiddleware(lambda r: None).process_view(request, lambda r: None, (), {})
    assert response.status_code == 403 and "has no access rule yet" in response.content.decode()


def test_templates_do_not_offer_what_is_refused(matrix_world, login):
    url = "/plans/nhsei-2019/periods/2019-20-q2/units/medical/"
    assert "Record the decision" in login(matrix_world.users["planner"]).get(url).content.decode()
    for role in ("board", "other_planner", "lead"):
        assert "Record the decision" not in login(matrix_world.users[role]).get(url).content.decode(), role
    assert Submission.objects.get(pk=matrix_world.submission.pk).status == "submitted"


#: the URL parameters that name something (a plan, a period, a unit, a metric, a kind of record)
NAMING = ("code", "period", "unit", "metric_code", "kind")


def _percent_encoded(value: str) -> str:
    return "".join(f"%{b:02X}" for b in value.encode("utf-8"))


def spellings(kwargs: dict) -> dict[str, dict]:
    """The same address with what it names spelt otherwise: in other cases (which name nothing:
    codes are exact), percent-encoded (which names the same things), and of another plan."""
    naming = {k: v for k, v in kwargs.items() if k in NAMING}
    return {
        "UPPER": {**kwargs, **{k: str(v).upper() for k, v in naming.items()}},
        "Title": {**kwargs, **{k: str(v).title() for k, v in naming.items()}},
        "encoded": {**kwargs, **{k: _percent_encoded(str(v)) for k, v in naming.items()}},
        "other plan": {**kwargs, "code": "example-2019"} if "code" in kwargs else {},
    }


def _other_plan(canonical: frozenset) -> frozenset:
    """Who may do on example-2019 what ``canonical`` may do on nhsei-2019's Medical: everybody still
    when everybody signed in may; otherwise not Medical's people, and that plan's planning team
    instead of this one's where only this one's may."""
    if SIGNED_IN <= canonical:
        return canonical
    who = canonical - MEDICAL
    return who - {"planner"} | {"other_planner"} if "planner" in who and "other_planner" not in who else who


def _fetch(client, url: str, method: str):
    with transaction.atomic():
        try:
            response = client.get(url) if method == "GET" else client.post(url, {})
        except Exception as exc:  # a crash is never an acceptable answer
            return None, f"error {type(exc).__name__}: {exc}"
        finally:
            transaction.set_rollback(True)
    if response.status_code == 404:
        return response, "not found"
    return response, outcome(response)


def _address(name: str, kwargs: dict) -> str:
    """The URL with the naming parameters written exactly as given (percent-encoding and all)."""
    url = reverse(name, kwargs={k: f"placeholder{i}" if k in NAMING else v for i, (k, v) in enumerate(kwargs.items())})
    for i, (k, v) in enumerate(kwargs.items()):
        if k in NAMING:
            url = url.replace(f"placeholder{i}", str(v), 1)
    return url


def _acceptable(spelling: str, got: str, want: str, canonical: frozenset, role: str) -> bool:
    """Percent-encoded: exactly the answer as written (``want`` is then the answer fetched). Other
    cases: a refusal or "not found" unless the role may see it as written. Another plan: the same,
    for who may on that plan."""
    if spelling == "encoded":
        return got == want
    if spelling == "other plan":
        return got in ("refused", "not found") or role in _other_plan(canonical)
    return got in ("refused", "not found") or want == "allowed"


def test_no_address_discloses_anything_under_another_spelling(matrix_world):
    """Issue 12, finding 1: every URL that names something, tried with its codes in other cases,
    percent-encoded and of another plan, by every role and the public: the answer is a refusal or
    "not found", unless the role may see (or do) the same on the address as written."""
    world = matrix_world
    clients = {"anonymous": Client()}
    for role, user in world.users.items():
        clients[role] = Client()
        clients[role].force_login(user)
    checked, problems = 0, []
    params = url_params()
    for name, view in _patterns():
        if name.startswith("admin:") or not params[name] & set(NAMING):
            continue
        kwargs = {k: v for k, v in parameters(world, name).items() if k in params[name]}
        for spelling, changed in spellings(kwargs).items():
            if not changed or (changed == kwargs and spelling != "encoded"):
                continue
            url = _address(name, changed)
            for method, role in ((m, r) for m in ("GET", "POST") for r in clients):
                got = _fetch(clients[role], url, method)[1]
                want = expected(name, method, role, world, kwargs, view.callback)
                if spelling == "encoded":
                    want = _fetch(clients[role], _address(name, kwargs), method)[1]
                canonical = EXPECTED.get(name, (ALL, ALL))[0 if method == "GET" else 1]
                checked += 1
                if not _acceptable(spelling, got, want, canonical, role):
                    problems.append(f"{method} {url} ({name}, {spelling}) as {role}: {got}; as written: {want}")
    assert not problems, f"{len(problems)} of {checked} checks failed:\n" + "\n".join(problems)
    assert checked > 1000
