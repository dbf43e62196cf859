"""SPC charts as pictures for the packs: the Vega-Lite specification the web page draws
(:func:`goldenthread.presenters.charts.spc_chart_spec`), rendered on the server by vl-convert,
which needs no browser."""

from __future__ import annotations

VEGA_LITE_VERSION = "6.4"


def _fixed_width(spec: dict, width: int) -> dict:
    """A container width becomes ``width`` pixels."""
    return {**spec, "width": width if spec.get("width") == "container" else spec.get("width", width)}


def to_svg(spec: dict, width: int = 720) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(_fixed_width(spec, width), vl_version=VEGA_LITE_VERSION)


def to_png(spec: dict, width: int = 720, scale: float = 2.0) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(_fixed_width(spec, width), vl_version=VEGA_LITE_VERSION, scale=scale)
