"""Messages that other packages show on the portal's pages and API answers but whose Spanish
catalogues lack: ckanext-scheming ships no translations at all. Listing them here makes
`make i18n` extract them into the extension's catalogue, which CKAN merges with every other
one, so the validation errors of the schemas' fields come in Spanish too.

Nothing calls this module; the messages are only marked (``N_``), never translated here.
"""
from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for extraction; the package that shows it translates it."""
    return message


SCHEMING_MESSAGES = (
    N_('unexpected choice "%s"'),
    N_("expecting list of strings"),
    N_("Select at least one"),
    N_("Date format incorrect"),
    N_("Time format incorrect"),
    N_("Date is required when a time is provided"),
    N_("Invalid JSON string: {}"),
    N_("Invalid JSON object: {}"),
    N_("invalid type for repeating text: %r"),
    N_('invalid encoding for "%s" value'),
    N_("Remove"),
    N_("Add"),
    N_("These fields have been removed, click update below to save your changes."),
    N_("These fields have been removed."),
)
