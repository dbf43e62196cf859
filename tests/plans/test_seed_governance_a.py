"""Seeds 000 (dh-2014) and 002 (nhsi-2016): their governance, their added details, their printed facts.

Every figure asserted here is read off the source documents (plans/sources/000_*.txt and
002_*.txt). Seed 000: the Departmental Board and the DH Executive Board, the Quarterly Core
Accountability Reviews (QCARs: "each DG is held to account by the Permanent Secretary"), the
Health and Care System Leaders' Forum ("chaired by the Permanent Secretary ... meets monthly", the
chief executives of the 8 ALBs), the ALB accountability meetings, and the groups and panels its
metrics tables name as reviewers. Seed 002 prints no board or committee of NHS Improvement; it
describes the Improvement Faculty (section 7.4). Neither prints a meeting date, so neither plan
holds a meeting.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from goldenthread.planfile import provenance, validate_file
from goldenthread.planfile.schema import Plan

from ..conftest import PROJECT

SOURCES = PROJECT / "plans" / "sources"
#: the texts held as printed: each occurs in the document, or the element says where it comes from
VERBATIM = ("definition", "data_source", "trigger", "target.text", "review.when", "review.by")


def plan_file(code: str) -> Plan:
    result = validate_file(PROJECT / "plans" / f"{code}.yaml")
    assert result.ok, [str(p) for p in result.problems]
    assert result.plan is not None
    return result.plan


def normalised(text: str) -> str:
    text = re.sub(r"[‘’`´'\"“”]", "", text.lower())
    text = re.sub(r"[–—−]", "-", text)
    return re.sub(r"\s+", " ", re.sub(r"[•·*#|>_\\]", " ", text)).strip()


def document(plan: Plan) -> str:
    assert plan.source_document is not None and plan.source_document.file
    return normalised((SOURCES / plan.source_document.file).read_text())


def printed(text: str, doc: str) -> bool:
    return normalised(text).rstrip(".") in doc


def noted(element) -> set[str]:
    return {name for entry in element.added for name in entry.fields}


def value(element, dotted: str):
    for part in dotted.split("."):
        element = getattr(element, part, None) if element is not None else None
    return element


def unsourced(plan: Plan) -> list[str]:
    """Texts held as printed that the document does not print, with no note saying where they come from."""
    doc = document(plan)
    found = []
    for metric in plan.metrics:
        for name in VERBATIM:
            text = value(metric, name)
            if text and not printed(text, doc) and name not in noted(metric):
                found.append(f"{metric.code}.{name}")
    for body in plan.bodies:
        text = body.terms_of_reference
        if text and not printed(text, doc) and "terms_of_reference" not in noted(body):
            found.append(f"{body.code}.terms_of_reference")
    return found


@pytest.fixture(scope="module")
def dh():
    return plan_file("dh-2014")


@pytest.fixture(scope="module")
def nhsi():
    return plan_file("nhsi-2016")


@pytest.mark.parametrize("code", ["dh-2014", "nhsi-2016"])
def test_every_text_held_as_printed_is_printed_or_says_where_it_comes_from(code):
    plan = plan_file(code)
    assert unsourced(plan) == []
    # and as plan check finds them ("Details added without saying where they come from": none)
    assert plan.source_document is not None and plan.source_document.file
    text = (SOURCES / plan.source_document.file).read_text()
    assert [(kind, field) for kind, _, field, _ in provenance.unsourced(plan, text)] == []
    # Terms of reference joined from several passages: each passage is printed word for word.
    doc = document(plan)
    for body in plan.bodies:
        for passage in (body.terms_of_reference or "").split("\n\n"):
            assert printed(passage, doc), (body.code, passage[:60])


def test_dh_2014_bodies_as_printed(dh):
    bodies = {b.code: b for b in dh.bodies}
    assert list(bodies) == ["DB", "EB", "QCAR", "HCSLF", "ALB-ACCT", "BCF-SG", "DIGITAL-PANEL", "PPB", "DHLT"]
    owners = {o.code: o for o in dh.owners}
    board = bodies["DB"]
    assert (board.name, board.type, board.chair) == ("Departmental Board", "board", None)  # no chair printed
    assert board.members == ["ned-lead", "neds"] and owners["ned-lead"].name == "Dr Catherine Bell"
    assert board.oversees is not None and board.oversees.plan and board.oversees.metrics == ["S1-M1"]
    pack = board.business[0]
    assert (pack.title, pack.every, pack.considers) == ("Quarterly performance data pack", "quarter", ["board_pack"])
    assert "November 2013" in (board.terms_of_reference or "")  # the Board effectiveness review
    assert {"members", "oversees.plan", "business.0.considers", "terms_of_reference"} <= noted(board)
    executive = bodies["EB"]
    assert executive.name == "DH Executive Board" and executive.oversees is not None
    assert executive.oversees.metrics == ["S5-M4"]  # "presented to DH Executive Board" (table 5, row 4)
    assert executive.business[1].every == "year" and "business.1.every" in noted(executive)


def test_dh_2014_qcars_are_the_quarterly_cycle_chaired_by_the_permanent_secretary(dh):
    qcar = next(b for b in dh.bodies if b.code == "QCAR")
    owners = {o.code: o for o in dh.owners}
    assert qcar.name == "Quarterly Core Accountability Reviews (QCARs)"
    assert (qcar.type, qcar.meets) == ("review_panel", "quarterly")
    assert owners[qcar.chair or ""].title == "Permanent Secretary" and owners["perm-sec"].name == "Una O’Brien"
    assert qcar.members == ["dgs"] and owners["dgs"].title == "Director General (DG)"
    assert [b.every for b in qcar.business] == ["quarter", "quarter"]
    assert qcar.business[0].title.startswith("Each DG is held to account by the Permanent Secretary")
    assert qcar.business[1].considers == ["scorecard", "exceptions"]
    assert qcar.oversees is not None and qcar.oversees.plan
    assert "All SCS contribute to the QCAR process." in (qcar.terms_of_reference or "")
    metric = next(x for x in dh.metrics if x.code == "C4-M5")
    assert (metric.title, metric.trigger) == ("QCARs held every quarter", "One review missed for a directorate")
    assert {"definition", "unit", "owner"} <= noted(metric)


def test_dh_2014_system_leaders_forum_and_alb_accountability(dh):
    bodies = {b.code: b for b in dh.bodies}
    forum = bodies["HCSLF"]
    assert forum.name == "Health and Care System Leaders’ Forum"
    assert (forum.type, forum.chair, forum.meets) == ("partnership_board", "perm-sec", "monthly")
    # "the chief executives of the 8 Arm's Length Bodies (ALBs)", one for each ALB listed
    assert len(forum.members) == 8
    owners = {o.code: o for o in dh.owners}
    assert {owners[c].org_unit for c in forum.members} == {
        "nhs-england",
        "monitor",
        "nhs-tda",
        "cqc",
        "hee",
        "nice",
        "phe",
        "hscic",
    }
    meetings = bodies["ALB-ACCT"]
    terms = meetings.terms_of_reference or ""
    assert "15 dedicated sponsor teams" in terms and "Over 60 ALB accountability meetings" in terms
    assert "between April 2013 and January 2014 (14 of which involved Ministers)" in terms
    assert meetings.oversees is not None and meetings.oversees.org_units == ["albs"]
    reviewers = {code: bodies[code].oversees.metrics for code in ("BCF-SG", "DIGITAL-PANEL", "PPB", "DHLT")}
    assert reviewers == {"BCF-SG": ["S4-M4"], "DIGITAL-PANEL": ["S6-M4"], "PPB": ["C3-M1"], "DHLT": ["C4-M2"]}
    assert dh.meetings == []  # no meeting date is printed


def test_dh_2014_printed_counts_held(dh):
    metrics = {x.code: x for x in dh.metrics}

    def stated(code: str) -> dict[str, Decimal]:
        return {v.period: v.value for v in metrics[code].stated_values}

    assert stated("DG-COUNT") == {"2012/13": 12, "2013/14": 6}  # "dropped from 12 to 6"
    assert stated("FED-G6G7") == {"2014-04": 230}
    assert stated("PM-SESSIONS") == {"2014-04": 705}
    assert stated("PM-WORKSHOPS") == {"2014-04": 671}
    assert stated("HIPO-PLACES") == {"2014-04": 7}
    for code in ("DG-COUNT", "FED-G6G7", "PM-SESSIONS", "PM-WORKSHOPS", "HIPO-PLACES"):
        assert "stated_values.0.period" in noted(metrics[code]), code
    champions = metrics["DIG-CHAMPS"].target
    assert champions is not None and (champions.value, champions.by) == (70, "2014/15")
    for figure in ("290", "14 areas", "£3.8 billion", "100,000 whole genomes", "7 in 10 adults", "4 weeks a year"):
        assert figure in (dh.description or ""), figure
    # Periods read rather than printed say so.
    for code in ("CORR-20D", "FOI-20D", "PQ-TIME"):
        assert {"polarity", "stated_values.0.period"} <= noted(metrics[code]), code


def test_nhsi_2016_inferred_details_say_where_they_come_from(nhsi):
    metrics = {x.code: x for x in nhsi.metrics}
    ae = metrics["AE4HR"]
    assert {"definition", "data_source", "frequency"} <= noted(ae)
    assert "A&E attendances and emergency admissions" in next(a.note for a in ae.added if "data_source" in a.fields)
    # No frequency is printed for any metric of the plan: each one held says where it comes from.
    for metric in nhsi.metrics:
        if metric.frequency != "ad_hoc":
            assert "frequency" in noted(metric), metric.code
    for code in ("CHPPD", "FIN-BAL", "RTT", "CANCER-WT", "DIAG-WT", "AMB-RT"):
        assert metrics[code].to_be_confirmed and "to_be_confirmed" in noted(metrics[code]), code
    assert {"target.value"} <= noted(metrics["Q-GOOD2020"])  # "two-thirds", held as 0.667
    # Targets' wording is the printed wording, with no commentary.
    doc = document(nhsi)
    for metric in nhsi.metrics:
        if metric.target is not None and metric.target.text:
            assert printed(metric.target.text, doc), metric.code


def test_nhsi_2016_governance_as_printed(nhsi):
    [faculty] = nhsi.bodies
    assert (faculty.code, faculty.name, faculty.terms_source) == (
        "IMPROVEMENT-FACULTY",
        "Improvement Faculty",
        "section 7.4",
    )
    assert "This senior advisory group will support and challenge our work on improvement" in (
        faculty.terms_of_reference or ""
    )
    assert faculty.oversees is not None and faculty.oversees.objectives == ["7", "7.1-3"]
    assert "oversees.objectives" in noted(faculty)
    assert nhsi.meetings == []
    # The new governance framework and the internal accountabilities are printed as commitments only.
    objectives = {o.code: o for o in nhsi.objectives}
    assert objectives["8.1-3"].title == "Implement a new governance framework for NHS Improvement"
    assert "internal accountabilities for the delivery of our objectives" in (objectives["8.1-3"].description or "")


def test_nhsi_2016_printed_facts_held(nhsi):
    metrics = {x.code: x for x in nhsi.metrics}
    assert {v.period: v.value for v in metrics["VANGUARDS"].stated_values} == {"2016-07": 50}
    for figure in ("£8.4", "autumn 2015", "P 03/16", "in 2014, the government announced"):
        assert figure in (nhsi.description or ""), figure
    assert [o.code for o in nhsi.org_units if o.type == "region"] == ["north", "south", "midlands-east", "london"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["dh-2014", "nhsi-2016"])
def test_seed_governance_loads_and_exports_as_written(code):
    from goldenthread.planfile import to_yaml
    from goldenthread.plans import models as m
    from goldenthread.plans.store import export_plan, load_plan

    plan = plan_file(code)
    load_plan(plan)
    exported = export_plan(code)
    # Bodies, meetings and every element's added notes come back as written (activities' partners
    # come back in the org units' order, as they always have, so the whole plan is compared after
    # one round trip).
    assert (exported.bodies, exported.meetings) == (plan.bodies, plan.meetings)
    for section in ("org_units", "owners", "objectives", "activities", "metrics"):
        assert [x.added for x in getattr(exported, section)] == [x.added for x in getattr(plan, section)], section
    first = to_yaml(export_plan(code))
    assert not load_plan(validate_text_ok(first)).changed
    assert to_yaml(export_plan(code)) == first
    stored = m.Plan.objects.get(code=code)
    assert [b.code for b in stored.bodies.all()] == [b.code for b in plan.bodies]
    if code == "dh-2014":
        qcar = stored.bodies.get(code="QCAR")
        assert (qcar.kind, qcar.chair.code, qcar.meets, qcar.oversees_plan) == (
            "review_panel",
            "perm-sec",
            "quarterly",
            True,
        )
        assert [o.code for o in qcar.members.all()] == ["dgs"]
        assert stored.bodies.get(code="HCSLF").members.count() == 8
    else:
        faculty = stored.bodies.get()
        assert sorted(o.code for o in faculty.oversees_objectives.all()) == ["7", "7.1-3"]
        ae = stored.metrics.get(code="AE4HR")
        assert {name for entry in ae.added for name in entry["fields"]} >= {"definition", "data_source", "frequency"}


def validate_text_ok(text: str) -> Plan:
    from goldenthread.planfile import validate_text

    result = validate_text(text, "exported.yaml")
    assert result.ok, [str(p) for p in result.problems]
    assert result.plan is not None
    return result.plan


@pytest.mark.parametrize("code", ["dh-2014", "nhsi-2016"])
def test_seed_governance_survives_the_workbook(code):
    from goldenthread.planfile import to_yaml
    from goldenthread.planfile.workbook_read import validate_workbook
    from goldenthread.planfile.workbook_write import plan_workbook

    plan = plan_file(code)
    result = validate_workbook(plan_workbook(plan), f"{code}.xlsx")
    assert result.ok, [str(p) for p in result.problems]
    assert result.plan is not None and to_yaml(result.plan) == to_yaml(plan)
