"""What the write operations share: reading a request's body within the size the server takes,
its media type, and the OpenAPI description of a body the operation reads itself.

The write operations read their bodies themselves rather than through django-ninja's body
parameters, for two reasons: the access rule is checked before anything in the body is looked at
(a person who may not write learns nothing about what they sent), and every problem with a body
is answered in this API's own shape (:class:`~goldenthread.api.schemas.Problems`), at its place.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from ninja import Schema, Status
from ninja.errors import HttpError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"
CSV = "text/csv"
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


class Refusal(Exception):
    """What was sent is refused and nothing was changed: ``status`` with ``body`` (a schema the
    operation declares for that status) as the answer; see :func:`answers_refusals`."""

    def __init__(self, status: int, body: Schema):
        super().__init__(getattr(body, "detail", ""))
        self.status = status
        self.body = body


def answers_refusals(view: Callable[..., Any]) -> Callable[..., Any]:
    """An operation that answers a :class:`Refusal` raised anywhere inside it with its status and body."""

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except Refusal as refusal:
            return Status(refusal.status, refusal.body)

    return run


def media_type(request: HttpRequest) -> str:
    """The body's media type, without its parameters, in lower case ("" when none was sent)."""
    return (request.content_type or "").split(";")[0].strip().lower()


def body(request: HttpRequest) -> bytes:
    """The request's body; a 413 when it is larger than the server reads for a request."""
    try:
        return request.body
    except RequestDataTooBig:
        raise HttpError(
            413, "The request is larger than the API reads at once; send the rows in smaller batches."
        ) from None


def refuse_media_type(request: HttpRequest, accepted: tuple[str, ...]) -> None:
    """A 415 naming the media types the operation reads, unless the body is one of them."""
    if media_type(request) not in accepted:
        sent = media_type(request) or "no Content-Type"
        raise HttpError(
            415, f"The body was sent as {sent}; send it as {' or '.join(accepted)} (the Content-Type header)."
        )


def inline_schema(model: type[Schema]) -> dict[str, Any]:
    """The JSON Schema of ``model`` with its nested models written in place, for an operation's
    OpenAPI request body (which has no place of its own for pydantic's ``$defs``)."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                return resolve(copy.deepcopy(definitions[ref.removeprefix("#/$defs/")]))
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(value) for value in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


def request_body(content: dict[str, dict[str, Any]], description: str) -> dict[str, Any]:
    """An operation's ``openapi_extra`` describing the body it reads: media type -> schema."""
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {kind: {"schema": schema} for kind, schema in content.items()},
        }
    }


BINARY = {"type": "string", "format": "binary"}
TEXT = {"type": "string"}
