"""Charts drawn once for every process and server: kept in the database under a digest of their
specification (goldenthread.pagecache.drawings), read back exactly, removed when old."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from goldenthread.pagecache import drawings
from goldenthread.pagecache.models import Drawing
from goldenthread.reports import render
from goldenthread.reports.board import board_pack
from goldenthread.reports.documents import render_pack
from tests.reports.conftest import PERIOD, plan_with_data


@pytest.mark.django_db
def test_a_drawing_is_made_once_and_read_back_by_its_specification_and_width():
    made: list[str] = []

    def draw(text: str):
        return lambda: made.append(text) or text

    assert drawings.drawn('{"a": 1}', 600, draw("<svg>one</svg>")) == "<svg>one</svg>"
    assert drawings.drawn('{"a": 1}', 600, draw("<svg>other</svg>")) == "<svg>one</svg>"  # kept: not drawn again
    assert drawings.drawn('{"a": 1}', 300, draw("<svg>narrow</svg>")) == "<svg>narrow</svg>"  # another width
    assert drawings.drawn('{"a": 2}', 600, draw("<svg>two</svg>")) == "<svg>two</svg>"  # another chart
    assert made == ["<svg>one</svg>", "<svg>narrow</svg>", "<svg>two</svg>"]
    assert Drawing.objects.count() == 3


@pytest.mark.django_db
def test_old_drawings_are_removed_and_drawn_again_when_asked_for():
    drawings.drawn("{}", 600, lambda: "<svg>old</svg>")
    Drawing.objects.update(made_at=timezone.now() - timedelta(days=drawings.KEEP_DAYS + 1))
    drawings.drawn("[]", 600, lambda: "<svg>new</svg>")
    assert drawings.tidy() == 1
    assert list(Drawing.objects.values_list("svg", flat=True)) == ["<svg>new</svg>"]
    assert drawings.drawn("{}", 600, lambda: "<svg>again</svg>") == "<svg>again</svg>"


@pytest.fixture
def fresh_process():
    """Charts held in this process's memory forgotten before and after (as in a new process)."""
    render._svg.cache_clear()
    yield
    render._svg.cache_clear()


@pytest.mark.django_db
def test_a_pack_drawn_by_another_process_reads_the_kept_charts_and_is_the_same_pack(fresh_process):
    plan = plan_with_data()
    first = render_pack(board_pack(plan, PERIOD), "html").decode()
    kept = Drawing.objects.count()
    assert kept >= 1 and "<svg" in first
    render._svg.cache_clear()  # as a new process: nothing drawn in memory
    svgs = {d.key: d.svg for d in Drawing.objects.all()}
    Drawing.objects.update(svg="<svg>kept</svg>")  # what another process drew is what is shown
    second = render_pack(board_pack(plan, PERIOD), "html").decode()
    assert Drawing.objects.count() == kept and "kept</svg>" in second
    Drawing.objects.all().delete()
    for key, svg in svgs.items():
        Drawing.objects.create(key=key, svg=svg, made_at=timezone.now())
    render._svg.cache_clear()
    assert render_pack(board_pack(plan, PERIOD), "html").decode() == first
