"""Packs as Word documents (python-docx), with the same sections and figures as the HTML and PDF.

Charts are the same Vega-Lite specifications rendered to PNG (:func:`charts.to_png`); the
variation and assurance icons are the web's SVG icons rendered to PNG. Every picture carries a
text alternative, headings use Word's heading styles (so the navigation pane and a table of
contents work) and table header rows repeat on each page.

:mod:`.document` holds the building blocks, :mod:`.tables` the tables several sections print,
:mod:`.pack` and :mod:`.sections` the board and directorate packs, :mod:`.summary` the plan on
two pages.
"""
