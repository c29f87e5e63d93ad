"""Log records that can be searched: one JSON object per line, carrying the request id or the sync run they belong to.

`log_context(...)` binds fields (a request id, a sync's source and run id, a Celery task id) for the code it
wraps; `ContextFilter` copies them onto every record a handler emits, so a line logged deep inside the upsert
still says which request or which run it came from. Context lives in a contextvar, so threads and asyncio tasks
each keep their own.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

from django.http import HttpRequest, HttpResponse
from pythonjsonlogger.json import JsonFormatter as _LibraryJsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
# An incoming id is written into every log line and echoed back: it is the client's text, so only a short run of
# characters that no log viewer or header parser treats specially is taken; anything else gets a fresh id.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

_context: ContextVar[dict[str, Any] | None] = ContextVar("log_context", default=None)

access_logger = logging.getLogger("config.access")


def _bound() -> dict[str, Any]:
    return _context.get() or {}


def bind_log_context(**fields: Any) -> Token:
    """Add `fields` to every later log record of this thread or task, until `unbind_log_context(token)`."""
    return _context.set({**_bound(), **fields})


def unbind_log_context(token: Token) -> None:
    _context.reset(token)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add `fields` to every log record emitted inside the block (nested blocks add to the outer ones)."""
    token = bind_log_context(**fields)
    try:
        yield
    finally:
        unbind_log_context(token)


class ContextFilter(logging.Filter):
    """Copies the bound context onto each record; a field passed explicitly with `extra=` wins."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _bound().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        # Django logs a 4xx/5xx answer ("Not Found: /x") after the middleware has returned, with the request attached.
        request_id = getattr(getattr(record, "request", None), "request_id", None)
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


class JsonFormatter(_LibraryJsonFormatter):
    """time, level, logger and message first; then the traceback if any, the `extra=` fields and the context."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", "time")
        super().__init__(["levelname", "name", "message"], *args, **kwargs)

    def process_log_record(self, log_data: dict[str, Any]) -> dict[str, Any]:
        if isinstance(log_data.get("request"), HttpRequest):
            del log_data["request"]  # its repr says no more than the access line; the request id links the two
        # The library puts the timestamp last; a reader's eye (and `sort`) looks for it first.
        ordered = {key: log_data[key] for key in ("time", "level", "logger", "message") if key in log_data}
        ordered.update((key, value) for key, value in log_data.items() if key not in ordered)
        return ordered


class TextFormatter(logging.Formatter):
    """For a developer's terminal: the usual line, with the context fields appended as key=value."""

    context_fields = ("request_id", "source", "sync_run_id", "task", "task_id")

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        keys = dict.fromkeys([*self.context_fields, *_bound()])
        context = " ".join(f"{key}={getattr(record, key)}" for key in keys if hasattr(record, key))
        return f"{line} [{context}]" if context else line


def incoming_request_id(value: str | None) -> str:
    if value and _SANE_REQUEST_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def request_id_middleware(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """Gives each request an id (the proxy's `X-Request-ID` when sane), logs with it, answers with it, and writes
    one access line per request. First in MIDDLEWARE, so every other middleware's lines carry the id too."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request_id = incoming_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]  # our own attribute, read by views and logs
        started = time.perf_counter()
        with log_context(request_id=request_id):
            response = get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response[REQUEST_ID_HEADER] = request_id
            access_logger.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
        return response

    return middleware
