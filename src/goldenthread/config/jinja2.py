"""The Jinja2 environment: NHS.UK frontend components, autoescaping, and a few helpers."""

from __future__ import annotations

from django.conf import settings
from django.contrib.messages import get_messages
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import json_script
from jinja2 import ChainableUndefined, Environment
from markupsafe import Markup

from goldenthread.config import content_policy
from goldenthread.formatting import anchor, money


def url(name: str, *args: object, **kwargs: object) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def import_map() -> Markup:
    """The chart pages' import map, exactly the text whose hash the Content-Security-Policy allows."""
    return Markup('<script type="importmap">{}</script>').format(Markup(content_policy.import_map(settings.STATIC_URL)))


def may_load_data(user: object) -> bool:
    """Whether the navigation offers "Upload data": the user may load data into some plan."""
    from goldenthread.access.rules import may_load_some_data

    return bool(getattr(user, "is_authenticated", False)) and may_load_some_data(user)


def environment(**options: object) -> Environment:
    options["undefined"] = ChainableUndefined  # the NHS.UK macros read optional nested parameters
    options["autoescape"] = True
    env = Environment(**options)  # type: ignore[arg-type]
    env.filters["money"] = money
    env.filters["anchor"] = anchor
    env.filters["json_script"] = json_script  # data for scripts: {{ spec | json_script("id") }}
    helpers = {
        "static": static,
        "url": url,
        "csrf_token": get_token,
        "get_messages": get_messages,
        "may_load_data": may_load_data,
        "import_map": import_map,
        "asset_path": static("nhsuk/assets"),
    }
    env.globals.update(helpers)
    return env
