"""A harvest source's configuration error in one language.

ckanext-harvest 1.6.3 reports a configuration that the harvester's ``validate_config`` refuses
as ``Invalid('Error parsing the configuration options: %s' % error)``: the prefix is never
translated, so a Spanish request read "Error parsing the configuration options: format: debe
ser uno de: ...". :func:`patch_harvest_config_validator` wraps the validator that
ckanext-harvest's source schema uses so that the prefix goes through ``tk._()`` (its Spanish is
in the extension's catalogue, listed in ``language/upstream_messages.py``); the harvester's
own part is already translated.

Works around: ckanext-harvest 1.6.3 (``ckanext.harvest.logic.validators.
harvest_source_config_validator``, used by ``ckanext.harvest.logic.schema``).
Drop when: ckanext-harvest > 1.6.3 translates the prefix (``_('Error parsing the configuration
options: %s')``); tests/dcat/test_source_config.py's language test must still pass.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

PREFIX = "Error parsing the configuration options: "


def translate_prefix(message: Any) -> Any:
    """ckanext-harvest's message with its English prefix in the request's language."""
    if isinstance(message, str) and message.startswith(PREFIX):
        return tk._("Error parsing the configuration options: %s") % message[len(PREFIX):]
    return message


def patch_harvest_config_validator() -> None:
    """Make ckanext-harvest's source schema report configuration errors in one language."""
    from ckanext.harvest.logic import schema

    original = schema.harvest_source_config_validator
    if getattr(original, "_ogpcatalog_patched", False):
        return

    def harvest_source_config_validator(key: Any, data: Any, errors: Any, context: Any) -> Any:
        try:
            return original(key, data, errors, context)
        except tk.Invalid as invalid:
            raise tk.Invalid(translate_prefix(invalid.error))

    harvest_source_config_validator._ogpcatalog_patched = True  # type: ignore[attr-defined]
    harvest_source_config_validator.__doc__ = original.__doc__
    schema.harvest_source_config_validator = harvest_source_config_validator
