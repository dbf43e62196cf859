"""Making Data Count variation and assurance icons, drawn as inline SVG with text alternatives.

The shapes follow the NHS England convention — a circle coloured grey for common cause, blue for
improvement, orange for concern, purple for neither; a letter H or L for which side of the mean
the special cause is; P (pass), F (fail) or a wave (hit and miss) for assurance — drawn here
from scratch so they need no external files. Every icon carries a title and an aria label.
"""

from __future__ import annotations

from markupsafe import Markup, escape

GREY, BLUE, ORANGE, PURPLE = "#7f7f7f", "#1d70b8", "#e07000", "#6f2c91"

VARIATION = {
    "common_cause": ("Common cause variation", GREY, ""),
    "improvement_high": ("Special cause variation: improvement (higher)", BLUE, "H"),
    "improvement_low": ("Special cause variation: improvement (lower)", BLUE, "L"),
    "concern_high": ("Special cause variation: concern (higher)", ORANGE, "H"),
    "concern_low": ("Special cause variation: concern (lower)", ORANGE, "L"),
    "neutral_high": ("Special cause variation: neither improvement nor concern (higher)", PURPLE, "H"),
    "neutral_low": ("Special cause variation: neither improvement nor concern (lower)", PURPLE, "L"),
}
ASSURANCE = {
    "consistent_pass": ("Assurance: the target will consistently be met", BLUE, "P"),
    "consistent_fail": ("Assurance: the target will consistently be missed", ORANGE, "F"),
    "inconsistent": ("Assurance: the target will be hit and missed", GREY, "~"),
}


def _icon(label: str, colour: str, letter: str, size: int) -> Markup:
    if letter == "~":  # hit and miss: a wave through the target line
        glyph = (
            f'<path d="M10 27 Q16 17 22 27 T34 27" fill="none" stroke="{colour}" stroke-width="3"/>'
            f'<line x1="8" y1="27" x2="36" y2="27" stroke="{colour}" stroke-width="1.5" stroke-dasharray="3 2"/>'
        )
    elif letter:
        glyph = (
            f'<text x="22" y="29" text-anchor="middle" font-family="Arial, sans-serif" font-size="18" '
            f'font-weight="bold" fill="{colour}">{letter}</text>'
        )
    else:  # common cause: a level line
        glyph = f'<path d="M9 24 L16 20 L22 27 L28 21 L35 24" fill="none" stroke="{colour}" stroke-width="3"/>'
    svg = (
        f'<svg class="gt-icon" role="img" aria-label="{escape(label)}" width="{size}" height="{size}" '
        f'viewBox="0 0 44 44" xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>'
        f'<circle cx="22" cy="22" r="19" fill="#ffffff" stroke="{colour}" stroke-width="3.5"/>{glyph}</svg>'
    )
    return Markup(svg)


def variation_icon(variation: str | None, size: int = 40) -> Markup:
    if not variation or variation not in VARIATION:
        return Markup("")
    return _icon(*VARIATION[variation], size)


def assurance_icon(assurance: str | None, size: int = 40) -> Markup:
    if not assurance or assurance not in ASSURANCE:
        return Markup("")
    return _icon(*ASSURANCE[assurance], size)


def variation_text(variation: str | None) -> str:
    return VARIATION.get(variation or "", ("No variation judgement (too few points)", "", ""))[0]


def assurance_text(assurance: str | None) -> str:
    return ASSURANCE.get(assurance or "", ("No assurance judgement (no target, or a neutral measure)", "", ""))[0]
