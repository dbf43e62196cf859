"""Where a plan's details come from: the source document, or an ``added`` note saying otherwise.

A plan file holds what its source document prints. A detail that does not come from the document
(a metric's definition taken from the statistics' own guidance, a frequency the document never
states) is named in the element's ``added`` list with a note of where it does come from. This
module lists those notes, and — given the document's text — finds the texts meant to be quoted
as printed (:data:`VERBATIM`) that the document does not contain and no note names.

Texts are compared as a reader would: case, runs of white space (a line broken differently),
curly and straight quotes, dashes and bullets do not count.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from goldenthread.planfile.elements import Added
from goldenthread.planfile.schema import SECTIONS, Plan

#: for each section, the fields that hold text as the document prints it (dotted; ``assessed_by``
#: is each line's text)
VERBATIM: dict[str, tuple[str, ...]] = {
    "objectives": ("assessed_by",),
    "metrics": ("definition", "data_source", "trigger", "target.text", "review.when", "review.by"),
    "bodies": ("terms_of_reference",),
}

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "′": "'", "`": "'", "“": '"', "”": '"', "„": '"', "″": '"'})
_DASHES = re.compile(r"[‐‑‒–—―−]")
_BULLETS = re.compile(r"[•◦▪▫●○■□►▶‣⁃∙·]")
_SPACE = re.compile(r"\s+")


def normalised(text: str) -> str:
    """Text as compared: case folded; quotes straight; dashes one hyphen; bullets gone; each run
    of white space (line breaks too) one space."""
    text = _DASHES.sub("-", text.translate(_QUOTES))
    return _SPACE.sub(" ", _BULLETS.sub(" ", text)).strip().casefold()


#: an ``added`` note: the element's kind, the element and the entry
Note = tuple[str, BaseModel, Added]
#: a text not in the document: the element's kind, the element, the field (dotted) and the text
Unsourced = tuple[str, BaseModel, str, str]


def added_notes(plan: Plan) -> Iterator[Note]:
    """Every ``added`` note of the plan, element by element in file order."""
    for section, kind in SECTIONS.items():
        for element in getattr(plan, section):
            for entry in element.added:
                yield kind, element, entry


def unsourced(plan: Plan, document: str) -> Iterator[Unsourced]:
    """Each verbatim text (:data:`VERBATIM`) the document's text does not contain and that is not
    named in its element's ``added`` notes."""
    held = normalised(document)
    for section, names in VERBATIM.items():
        kind = SECTIONS[section]
        for element in getattr(plan, section):
            added = [name for entry in element.added for name in entry.fields]
            for field, text in _texts(element, names):
                if text.strip() and not _named(field, added) and normalised(text) not in held:
                    yield kind, element, field, text


def _texts(element: BaseModel, names: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """(dotted field, text) for each of ``names`` the element gives; a list's items numbered."""
    for name in names:
        value: Any = element
        for part in name.split("."):
            value = getattr(value, part, None)
        if isinstance(value, str):
            yield name, value
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield f"{name}.{i}.text", str(getattr(item, "text", item))


def _named(field: str, added: list[str]) -> bool:
    """Whether an added note names ``field``, or a field holding it (``target`` holds ``target.text``)."""
    return any(field == name or field.startswith(name + ".") for name in added)


def title_of(element: BaseModel) -> str:
    """An element's title, or its name (org units, bodies)."""
    return str(getattr(element, "title", None) or getattr(element, "name", ""))


def document_path(plan: Plan, plan_file: str | Path | None = None) -> Path | None:
    """Where the plan's source document's text is: ``sources/<source_document.file>`` beside the
    plan file (plans/sources/ for plans/X.yaml), else under ``plans/sources`` of the working
    directory; None when the plan names no file or it is not there."""
    document = plan.source_document
    if document is None or not document.file:
        return None
    name = Path(document.file).name  # a name, never a path out of the sources folder
    folders = [Path(plan_file).parent / "sources"] if plan_file is not None else []
    for folder in [*folders, Path("plans") / "sources"]:
        if (folder / name).is_file():
            return folder / name
    return None
