"""Pages of a long list: a large plan's overview (and the other pages listing every element) is
shown a page at a time, never everything at once.

A list is cut into pages by weight — an objective with its activities and metrics weighs a row
each — so that a page holds at most :data:`ROWS_PER_PAGE` rows whatever the plan; an item is never
split across two pages. A list that fits on one page (every demo plan) shows no pager at all and
reads exactly as it did before paging. The page is ``?page=N`` in the address; the links to other
pages keep every other parameter (``as_at``, filters), and a page number that is not one is a 400.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from goldenthread.presenters.params import BadParameter, Params

#: the most rows (objectives, activities, metrics, ...) one page shows
ROWS_PER_PAGE = 500


def page_number(asked: Params) -> int:
    """The page ``?page=`` asks for, 1 when absent; the 400 page (:class:`BadParameter`, the
    shared check of page parameters) for anything but a whole number from 1."""
    return asked.number("page", what="page number") or 1


def split(weights: Sequence[int], rows: int = ROWS_PER_PAGE) -> list[range]:
    """Consecutive items grouped into pages of at most ``rows`` rows (an item weighing more than
    that on a page of its own); one page, perhaps empty, for a list that fits."""
    pages: list[range] = []
    start, weight = 0, 0
    for i, w in enumerate(weights):
        if weight and weight + w > rows:
            pages.append(range(start, i))
            start, weight = i, 0
        weight += w
    pages.append(range(start, len(weights)))
    return pages


def page_holding(weights: Sequence[int], index: int, rows: int = ROWS_PER_PAGE) -> int:
    """The number of the page :func:`split` puts item ``index`` on."""
    return bisect_right([p.start for p in split(weights, rows)], index)


@dataclass
class PageLink:
    label: str
    href: str
    current: bool = False


@dataclass
class Pager:
    """Which page of a list is shown, and links to the others (each keeping the other parameters)."""

    number: int
    count: int
    shown: range  # the items of the list on this page
    total: int
    what: str  # "objectives"
    query: dict[str, str] = field(default_factory=dict)  # the address's other parameters
    starts: list[int] = field(default_factory=list)  # the first item of each page

    def page_of(self, index: int) -> int:
        """The number of the page that shows item ``index`` of the list."""
        return bisect_right(self.starts, index)

    @property
    def paged(self) -> bool:
        return self.count > 1

    def href(self, number: int) -> str:
        """The address of page ``number`` (the first page without ``page=``), as a query."""
        query = {**self.query, "page": str(number)} if number > 1 else self.query
        return "?" + urlencode(query) if query else "?"

    @property
    def summary(self) -> str:
        """ "Page 2 of 14: objectives 101 to 212 of 6,666"."""
        first, last = self.shown.start + 1, self.shown.stop
        if first == last:
            return f"Page {self.number} of {self.count}: number {first:,} of the {self.total:,} {self.what}"
        return f"Page {self.number} of {self.count}: {self.what} {first:,} to {last:,} of {self.total:,}"

    @property
    def previous(self) -> str:
        return self.href(self.number - 1) if self.number > 1 else ""

    @property
    def next(self) -> str:
        return self.href(self.number + 1) if self.number < self.count else ""

    @property
    def items(self) -> list[dict[str, object]]:
        """:attr:`links` as NHS.UK numbered pagination takes them."""
        return [
            {"number": link.label, "href": link.href, "current": link.current} if link else {"ellipsis": True}
            for link in self.links
        ]

    @property
    def links(self) -> list[PageLink | None]:
        """Links to the first and last pages and those around this one; None where pages are left out."""
        near = {1, self.count, *range(self.number - 2, self.number + 3)}
        out: list[PageLink | None] = []
        for n in range(1, self.count + 1):
            if n in near:
                out.append(PageLink(str(n), self.href(n), n == self.number))
            elif out and out[-1] is not None:
                out.append(None)
        return out


def pager(weights: Sequence[int], number: int, query: Mapping[str, str], what: str, rows: int = ROWS_PER_PAGE) -> Pager:
    """Page ``number`` of a list whose items weigh ``weights``; :class:`BadParameter` past the last page.
    ``query`` is the address's parameters, kept by the links to other pages."""
    pages = split(weights, rows)
    if number > len(pages):
        raise BadParameter(
            "page",
            f"The page number in the address (page={number}) is past the end of the list: "
            f"it has {len(pages)} page{'s' if len(pages) != 1 else ''}.",
        )
    kept = {k: v for k, v in query.items() if k != "page" and v}
    return Pager(number, len(pages), pages[number - 1], len(weights), what, kept, [p.start for p in pages])


def page_groups(
    groups: Sequence[Any], number: int, query: Mapping[str, str], what: str, anchor: Callable[[Any], str]
) -> Pager | None:
    """Groups of items (each with ``items``, and ``page_items`` and ``list_href`` to fill) a page
    at a time, an item a row: each group's ``page_items`` are those on page ``number`` and its
    ``list_href`` leads to the page its list starts on, at ``anchor(group)``. None, with nothing
    changed, when every item fits on one page."""
    paging = pager([1 for g in groups for _ in g.items], number, query, what)
    if not paging.paged:
        return None
    start = 0
    for group in groups:
        low, high = max(paging.shown.start - start, 0), min(paging.shown.stop - start, len(group.items))
        group.page_items = group.items[low:high] if low < high else []
        group.list_href = f"{paging.href(paging.page_of(start))}#{anchor(group)}"
        start += len(group.items)
    return paging
