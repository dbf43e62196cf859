"""Which passages are the plan's commitments (drafting/commitments.py): each rule on a small text."""

from __future__ import annotations

from goldenthread.planfile.drafting import draft_text
from goldenthread.planfile.drafting.commitments import (
    action_lead,
    commits,
    first_sentence,
    has_verb,
    lists_no_actions,
    looks_back,
)


def _activities(text: str) -> list[str]:
    return [a.title for a in draft_text(text).plan.activities]


def _section(body: str) -> str:
    return (
        f"Business plan 2024/25\n\n1. Better care\n\nActions for 2024/25\n\n{body}\n\n"
        "2. Finance\n\nActions for 2024/25\n\nBalance the books.\n"
    )


def test_a_lead_in_that_is_an_action_makes_its_items_parts_of_it_and_is_no_activity_besides():
    titles = _activities(
        _section("Implement the digital strategy, specifically:\n\n- deliver the capability plan\n- run masterclasses")
    )
    assert titles[:2] == [
        "Implement the digital strategy, specifically: deliver the capability plan",
        "Implement the digital strategy, specifically: run masterclasses",
    ]
    assert "Implement the digital strategy, specifically" not in titles


def test_a_lead_in_the_items_complete_leaves_them_their_own_titles():
    assert action_lead("This year with our partners we will:") == ""
    assert action_lead("Our actions are:") == ""
    assert action_lead("To be transparent, the Trust will publish:") == "To be transparent, the Trust will publish"
    assert (
        action_lead("Ensure providers have the right incentives by:") == "Ensure providers have the right incentives by"
    )
    # a closing clause that names what the sentence spoke of does not make the items actions
    assert action_lead("The Trust will host four networks, these are as follows:") == ""
    # a commitment inside a clause that describes ('how we will') is no action of the lead-in's own
    assert action_lead("It describes how we will work together, including:") == ""


def test_an_item_titled_by_its_lead_in_points_at_the_lines_of_both():
    text = _section("Ensure providers have the right incentives by:\n\n- reviewing the failure regime")
    draft = draft_text(text)
    activity = next(c for c in draft.candidates if c.kind == "activity" and "reviewing" in c.title)
    block = activity.place.block
    lines = [line.text for line in draft.document.lines[block.line - 1 : block.line - 1 + block.span]]
    assert lines[0].startswith("Ensure providers") and lines[-1].endswith("reviewing the failure regime")


def test_lists_that_look_back_give_examples_or_name_categories_or_states_are_not_actions():
    assert looks_back("Examples of recent action include:")
    assert looks_back("Since then notable achievements include:")
    assert looks_back("The 2012 plan highlighted three areas for improvement:")
    assert not looks_back("This year we will:")
    assert lists_no_actions("The actions we will take fall under the themes of reform:")
    assert lists_no_actions("We will set up teams such that:")
    assert lists_no_actions("We will ensure that we:")
    assert not lists_no_actions("We will:")
    titles = _activities(
        _section(
            "Examples of recent action include:\n\n- opening a new clinic\n\n"
            "We will organise our teams such that:\n\n- teams are multi-disciplinary\n\n"
            "This year we will:\n\n- publish the carers' charter"
        )
    )
    assert titles[0] == "publish the carers' charter"
    assert not any("clinic" in t or "multi-disciplinary" in t for t in titles)


def test_an_item_without_a_verb_is_a_topic_and_a_printed_rule_is_nothing():
    assert not has_verb("Cancer")
    assert not has_verb("options for organisational form")
    assert not has_verb("Mental health, dementia and neurological conditions")
    assert has_verb("publish the review") and has_verb("Train every ward manager") and has_verb("reviewing the regime")
    assert has_verb("Improvement Faculty established") and has_verb("The framework is in place")
    assert not has_verb("How we will work with patients")  # a commitment only in a clause that describes
    titles = _activities(_section("This will include:\n\n- Cancer\n- Cardiovascular\n- publish the cancer plan\n\n---"))
    assert titles[0] == "publish the cancer plan" and "(untitled)" not in titles and "Cancer" not in titles


def test_an_item_asking_the_papers_reader_to_act_is_not_a_commitment():
    titles = _activities(_section("- The board is asked to agree the objectives.\n- Publish the objectives."))
    assert titles[0] == "Publish the objectives."


def test_a_deliverables_cell_and_an_item_are_titled_by_their_first_sentence_the_rest_describing_them():
    assert first_sentence("We will improve online access. 50% of practices will offer it.") == (
        "We will improve online access.",
        "50% of practices will offer it.",
    )
    text = (
        "Business plan 2024/25\n\n1. Better care\n\n"
        "Deliverable\tTimeline\n"
        "We will publish the charter by June 2024. We will then review it with carers.\tJune 2024\n"
    )
    plan = draft_text(text).plan
    assert [a.title for a in plan.activities] == ["We will publish the charter by June 2024."]
    assert "review it with carers" in (plan.activities[0].description or "")
    # the sentence after the first is the activity's description, and its number still measures it
    text = _section("- We will open new clinics. 40% of patients will be seen in them.")
    plan = draft_text(text).plan
    assert plan.activities[0].title == "We will open new clinics."
    assert any(m.target is not None and str(m.target.value) == "0.4" for m in plan.metrics)


def test_prose_commitments_where_the_objective_lists_its_actions_are_its_explanation():
    assert commits("We will publish the charter.")
    assert not commits("It describes how we will work together.")
    assert not commits("The actions we will take are set out below.")
    listed = (
        "Business plan 2024/25\n\n1. Better care\n\nWe will publish a new carers' strategy. "
        "We will establish a carers' forum.\n\nActions for 2024/25\n\n- open two hubs\n\n"
        "2. Finance\n\nWe will establish a savings programme.\n\nHow are we doing?\n\nWell.\n"
    )
    titles = _activities(listed)
    assert "open two hubs" in titles and "Establish a savings programme" in titles
    assert not any("carers" in t for t in titles)


def test_a_prose_commitment_already_listed_is_drafted_once():
    text = (
        "Business plan 2024/25\n\n1. Better care\n\nWe will establish a new carers forum for the county.\n\n"
        "2. Research\n\nActions for 2024/25\n\n- We will establish a new carers forum for the county\n"
    )
    titles = _activities(text)
    assert len([t for t in titles if "carers forum" in t]) == 1
