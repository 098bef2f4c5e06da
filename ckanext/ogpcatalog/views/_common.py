"""What every page of the extension shares: the action context of the visitor, and an action's
refusals as error pages.

A view calls its actions inside :func:`errors_to_status`: ``NotAuthorized`` becomes a 403 page,
``ObjectNotFound`` a 404 and ``ValidationError`` a 400 whose text is :func:`error_text` (the
actions' messages are already in the visitor's language). A view that answers a refusal some
other way (a flash message, a redirect) catches that error itself, inside the block.
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

import ckan.plugins.toolkit as tk
from ckan.types import Context

__all__ = ["action_context", "error_messages", "error_text", "errors_to_status"]


def action_context() -> Context:
    """A fresh action context for the visitor (``user`` is empty for an anonymous visitor)."""
    return {"user": tk.current_user.name if tk.current_user.is_authenticated else ""}


def error_messages(value: Any) -> list[str]:
    """The messages of one field of a ``ValidationError``: a message, a list of them, or (for
    sub-objects such as resources) lists and dicts of them, flattened in order."""
    if isinstance(value, dict):
        return [message for item in value.values() for message in error_messages(item)]
    if isinstance(value, (list, tuple)):
        return [message for item in value for message in error_messages(item)]
    return [] if value is None or value == "" else [str(value)]


def error_text(error: tk.ValidationError, *, fields: bool = True) -> str:
    """A ``ValidationError`` as one line of text.

    With ``fields`` (pages answering a request's parameters) each field's messages follow the
    parameter's name, ``"sector: Unknown code: 99 page: ..."``, so a visitor sees which
    parameter to fix; without it (a flash message after a form) only the messages.
    """
    parts = []
    for field, value in (error.error_dict or {}).items():
        messages = "; ".join(error_messages(value))
        if messages:
            parts.append(f"{field}: {messages}" if fields else messages)
    return " ".join(parts) or str(error)


@contextlib.contextmanager
def errors_to_status(forbidden: str | None = None, not_found: str | None = None) -> Iterator[None]:
    """Actions' refusals inside the block as error pages: 403 (with ``forbidden``), 404 (with
    ``not_found``) and 400 (with :func:`error_text`)."""
    try:
        yield
    except tk.NotAuthorized:
        tk.abort(403, forbidden or tk._("Not authorized to see this page"))
    except tk.ObjectNotFound:
        tk.abort(404, not_found or tk._("Not found"))
    except tk.ValidationError as error:
        tk.abort(400, error_text(error))
