"""A failed save shows every error, says where, and keeps everything the person typed."""

from __future__ import annotations

from goldenthread.cycles.models import Submission

URL = "/plans/nhsei-2019/periods/2019-20-q1/units/medical/update/"


def metric_and_activity(world):
    scope = world.scope()
    return scope.metrics[0], scope.activities[0], scope.risks[0]


def test_every_error_is_shown_and_everything_typed_is_kept(world, login):
    client = login(world.users["lead"])
    metric, activity, risk = metric_and_activity(world)
    typed = {
        "version": "0",
        "action": "save",
        "rag": "purple",
        "rag_reason": "Because <script>alert(1)</script>",
        "commentary": "x" * 10_001,
        f"m{metric.pk}-numerator": "lots",
        f"m{metric.pk}-denominator": "40",
        f"a{activity.pk}-status": "finished",
        f"a{activity.pk}-commentary": "Kept as typed",
        f"r{risk.pk}-likelihood": "9",
    }
    response = client.post(URL, typed)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    for message in (
        "Choose red, amber or green for the overall rating",
        "The commentary must be 10,000 characters or fewer; it has 10,001",
        f"Enter the numerator for {metric.code} as a number, like 95 or 1,250.5",
        f"Choose a status for {activity.code} from the list",
        f"Choose the likelihood of {risk.code} from 1 to 5",
    ):
        assert message in page, message
        assert page.count(message) >= 2, f"{message} should be in the summary and at the field"
    assert f'href="#f-m{metric.pk}-numerator"' in page  # the summary links to the field
    assert 'value="lots"' in page and "Kept as typed" in page and "x" * 10_001 in page
    assert "Because &lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert not Submission.objects.exists()


def test_submitting_an_incomplete_update_lists_what_is_missing_and_keeps_the_text(world, login):
    client = login(world.users["lead"])
    response = client.post(URL, {"version": "0", "action": "submit", "commentary": "Half written"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing has been saved. You can save the update as a draft while you finish it." in page
    assert "Choose an overall RAG rating: red, amber or green" in page
    assert "Confirm you have reviewed risk R-ME" in page
    assert "Half written" in page
    assert not Submission.objects.exists()


def test_percentages_are_typed_as_percent_and_kept_as_fractions(world, login):
    from goldenthread.cycles import services

    services.set_return_metrics(world.plan, {world.plan.metrics.get(code="MED-1-M1").pk})
    metric = world.plan.metrics.get(code="MED-1-M1")
    metric.unit = "percentage"
    metric.aggregation = "mean"
    metric.save()
    client = login(world.users["lead"])
    assert client.post(URL, {"version": "0", f"m{metric.pk}-value": "101"}).status_code == 400
    assert client.post(URL, {"version": "0", f"m{metric.pk}-value": "95.5%"}).status_code == 302
    assert str(Submission.objects.get().metric_returns.get().value.normalize()) == "0.955"
    assert 'value="95.5"' in client.get(URL).content.decode()


def test_a_contributor_is_not_offered_submit(world, login):
    page = login(world.users["contributor"]).get(URL).content.decode()
    assert "Save draft" in page and "Save and submit" not in page
    page = login(world.users["lead"]).get(URL).content.decode()
    assert "Save and submit" in page
