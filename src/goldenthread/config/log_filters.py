"""Logging filters named in ``settings.LOGGING``.

A bad request (:class:`~django.core.exceptions.BadRequest`: a page parameter or a form's value
that cannot be used) is the visitor's mistake, answered with the 400 page; Django logs it with the
exception's traceback, which reads like a fault of the product and fills the log. The line
"Bad Request: /path" is kept; the traceback is dropped.
"""

from __future__ import annotations

import logging

from django.core.exceptions import BadRequest


class BadRequestWithoutTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], BadRequest):
            record.exc_info = None
            record.exc_text = None
        return True
