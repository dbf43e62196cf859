"""The Jinja2 environment: NHS.UK frontend components, autoescaping, and a few helpers."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, Environment

from goldenthread.formatting import anchor, money


def url(name: str, *args: object, **kwargs: object) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options: object) -> Environment:
    options["undefined"] = ChainableUndefined  # the NHS.UK macros read optional nested parameters
    options["autoescape"] = True
    env = Environment(**options)  # type: ignore[arg-type]
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
