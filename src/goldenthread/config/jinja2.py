"""The Jinja2 environment: NHS.UK frontend components, autoescaping, and a few helpers."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.messages import get_messages
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, Environment


def url(name: str, *args: object, **kwargs: object) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def money(value: object, unit: str = "m") -> str:
    """Pounds as NHS papers print them: £1,325.8m; negative amounts in brackets."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value))
    scaled = amount / Decimal(1_000_000) if unit == "m" else amount
    text = f"£{abs(scaled):,.1f}{unit if unit == 'm' else ''}"
    return f"({text})" if amount < 0 else text


def environment(**options: object) -> Environment:
    options["undefined"] = ChainableUndefined  # the NHS.UK macros read optional nested parameters
    options["autoescape"] = True
    env = Environment(**options)  # type: ignore[arg-type]
    from goldenthread.web.presenters import anchor

    env.filters["money"] = money
    env.filters["anchor"] = anchor
    env.globals.update(
        static=static,
        url=url,
        csrf_token=get_token,
        get_messages=get_messages,
        asset_path=static("nhsuk/assets"),
    )
    return env
