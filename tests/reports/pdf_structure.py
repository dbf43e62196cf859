"""A PDF's tagging read with pikepdf, for the accessibility tests of the packs (issue 19).

:func:`read` walks the structure tree from the catalogue's ``/StructTreeRoot`` and every page's
content stream, and :func:`problems` lists what a tagged PDF/UA-1 document must have and this one
lacks: the tree itself, ``/MarkInfo /Marked``, ``/Lang``, the title (in the document information and
shown by the viewer: ``/DisplayDocTitle``), the PDF/UA identification in the XMP metadata, every
piece of page content either marked as an artefact or tagged (its marked-content identifier mapped
by the ``/ParentTree`` to a structure element), figures with alternative text, tables with header
cells that their data cells point to, lists of list items, headings that skip no level.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pikepdf

#: content operators that put marks on the page (text, paths, images and forms, shadings)
PAINTING = {"Tj", "TJ", "'", '"', "Do", "sh", "f", "F", "f*", "B", "B*", "b", "b*", "S", "s"}
HEADING = re.compile(r"/H([1-6])$")


@dataclass
class Element:
    role: str
    alt: str | None
    page: int | None
    kids: list[Element] = field(default_factory=list)
    mcids: list[int] = field(default_factory=list)
    attributes: dict[str, object] = field(default_factory=dict)
    id: str | None = None

    def walk(self):
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def text_roles(self) -> list[str]:
        return [e.role for e in self.walk()]


@dataclass
class Tagged:
    """What :func:`read` found."""

    tagged: bool
    marked: bool = False
    lang: str | None = None
    title: str | None = None
    display_doc_title: bool = False
    ua_part: str | None = None
    root: Element | None = None
    #: (page number from 1, operator) of marks made outside any marked content
    unmarked: list[tuple[int, str]] = field(default_factory=list)
    #: (page, MCID) of tagged content the parent tree maps to no structure element
    unmapped: list[tuple[int, int]] = field(default_factory=list)
    #: (page, MCID) of tagged content whose structure element the tree does not reach from its root
    outside_tree: list[tuple[int, int]] = field(default_factory=list)
    artefacts: int = 0

    def elements(self, role: str) -> list[Element]:
        return [e for e in self.root.walk() if e.role == role] if self.root else []


def _kids(obj) -> list:
    k = obj.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def _element(obj, pages: dict, reached: set) -> Element:
    reached.add(obj.objgen)
    alt = obj.get("/Alt")
    page = pages.get(obj.get("/Pg").objgen) if obj.get("/Pg") is not None else None
    attributes = obj.get("/A")
    element = Element(
        role=str(obj.get("/S")),
        alt=None if alt is None else str(alt),
        page=page,
        attributes=dict(attributes.items()) if isinstance(attributes, pikepdf.Dictionary) else {},
        id=str(obj.get("/ID")) if obj.get("/ID") is not None else None,
    )
    for kid in _kids(obj):
        if isinstance(kid, int):
            element.mcids.append(int(kid))
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            element.kids.append(_element(kid, pages, reached))
        elif isinstance(kid, pikepdf.Dictionary) and "/MCID" in kid:
            element.mcids.append(int(kid["/MCID"]))
    return element


def _parent_tree(root) -> dict[int, list]:
    """The ``/ParentTree`` number tree, flattened: key → value."""
    found: dict[int, list] = {}

    def visit(node):
        nums = node.get("/Nums")
        if nums is not None:
            for i in range(0, len(nums), 2):
                found[int(nums[i])] = nums[i + 1]
        for kid in node.get("/Kids", []):
            visit(kid)

    visit(root["/ParentTree"])
    return found


def _content(page_number: int, page, result: Tagged) -> set[int]:
    """Walk a page's content: every mark inside marked content that is an artefact or tagged."""
    stack: list[tuple[str, int | None]] = []
    mcids: set[int] = set()
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            props = operands[1] if op == "BDC" and len(operands) > 1 else None
            mcid = int(props["/MCID"]) if isinstance(props, pikepdf.Dictionary) and "/MCID" in props else None
            stack.append((tag, mcid))
            if mcid is not None:
                mcids.add(mcid)
            if tag == "/Artifact":
                result.artefacts += 1
        elif op == "EMC":
            stack.pop()
        elif op in PAINTING and not any(tag == "/Artifact" or mcid is not None for tag, mcid in stack):
            result.unmarked.append((page_number, op))
    return mcids


def read(data: bytes) -> Tagged:
    pdf = pikepdf.open(io.BytesIO(data))
    catalogue = pdf.Root
    tree = catalogue.get("/StructTreeRoot")
    result = Tagged(tagged=tree is not None)
    info_title = pdf.docinfo.get("/Title")
    result.title = None if info_title is None else str(info_title)
    mark_info = catalogue.get("/MarkInfo")
    result.marked = bool(mark_info is not None and mark_info.get("/Marked"))
    result.lang = str(catalogue["/Lang"]) if "/Lang" in catalogue else None
    preferences = catalogue.get("/ViewerPreferences")
    result.display_doc_title = bool(preferences is not None and preferences.get("/DisplayDocTitle"))
    with pdf.open_metadata() as xmp:
        result.ua_part = xmp.get("pdfuaid:part")
    if tree is None:
        return result
    pages = {page.obj.objgen: n for n, page in enumerate(pdf.pages, start=1)}
    reached: set = set()
    result.root = Element(role="/StructTreeRoot", alt=None, page=None)
    for kid in _kids(tree):
        result.root.kids.append(_element(kid, pages, reached))
    parents = _parent_tree(tree)
    for number, page in enumerate(pdf.pages, start=1):
        used = _content(number, page, result)
        key = page.obj.get("/StructParents")
        mapping = parents.get(int(key)) if key is not None else None
        for mcid in sorted(used):
            target = mapping[mcid] if mapping is not None and mcid < len(mapping) else None
            if not isinstance(target, pikepdf.Dictionary):
                result.unmapped.append((number, mcid))
            elif target.objgen not in reached:
                result.outside_tree.append((number, mcid))
    return result


def _table_problems(table: Element) -> list[str]:
    cells = [e for e in table.walk() if e.role in ("/TH", "/TD")]
    ids = {e.id for e in cells if e.role == "/TH" and e.id}
    headers = [e for e in cells if e.role == "/TH"]
    where = f"table on page {table.page}"
    if not headers:
        return [f"{where} has no header cell (TH)"]
    found = []
    for cell in cells:
        if cell.role != "/TD":
            continue
        pointed = {str(x) for x in cell.attributes.get("/Headers", [])}
        if not pointed:
            found.append(f"{where}: a data cell names no header cell")
        elif not pointed <= ids:
            found.append(f"{where}: a data cell names header cells the table does not have: {pointed - ids}")
    return found


def _list_problems(lst: Element) -> list[str]:
    found = []
    for item in lst.kids:
        if item.role == "/L":
            continue  # a nested list
        if item.role != "/LI":
            found.append(f"list on page {lst.page} holds {item.role}, not LI")
        elif not any(k.role == "/LBody" for k in item.kids):
            found.append(f"list item on page {lst.page} has no LBody")
    return found


def _heading_problems(tagged: Tagged) -> list[str]:
    levels = [(int(m.group(1)), e.page) for e in tagged.root.walk() if (m := HEADING.match(e.role))]
    found = []
    if not levels or levels[0][0] != 1:
        found.append(f"the first heading is not H1: {levels[:1]}")
    for (before, _), (level, page) in zip(levels, levels[1:], strict=False):
        if level > before + 1:
            found.append(f"H{level} on page {page} follows H{before}")
    return found


def problems(tagged: Tagged, title: str) -> list[str]:
    """Everything that keeps the document from being tagged PDF/UA-1 with ``title``."""
    if not tagged.tagged or tagged.root is None:
        return ["no structure tree (/StructTreeRoot)"]
    found = []
    if not tagged.marked:
        found.append("/MarkInfo /Marked is not true")
    if tagged.lang != "en-GB":
        found.append(f"/Lang is {tagged.lang!r}, not 'en-GB'")
    if tagged.title != title:
        found.append(f"the title is {tagged.title!r}, not {title!r}")
    if not tagged.display_doc_title:
        found.append("the viewer is not asked to show the title (/DisplayDocTitle)")
    if tagged.ua_part != "1":
        found.append(f"the XMP metadata says PDF/UA part {tagged.ua_part!r}, not 1")
    if [e.role for e in tagged.root.kids] != ["/Document"]:
        found.append(f"the tree's root holds {[e.role for e in tagged.root.kids]}, not one Document")
    found += [f"page {page}: {op} paints outside marked content" for page, op in tagged.unmarked[:10]]
    found += [f"page {page}: MCID {mcid} belongs to no structure element" for page, mcid in tagged.unmapped[:10]]
    for figure in tagged.elements("/Figure"):
        if not (figure.alt or "").strip():
            found.append(f"a Figure on page {figure.page} has no alternative text")
    for table in tagged.elements("/Table"):
        found += _table_problems(table)
    for lst in tagged.elements("/L"):
        found += _list_problems(lst)
    return found + _heading_problems(tagged)
