"""CKAN 2.12.0's ``isodate`` validator lets an OverflowError out of its date parsing.

A date whose parts overflow (a year of hundreds of digits) made ``isodate`` raise
OverflowError, which the API answered with a 500 (found by fuzzing the dataset actions). The
replacement, registered under CKAN's own name by ``logic/validators.py`` (so the scheming
``date`` preset and CKAN's resource dates use it), refuses such a date as a bad date.

Drop it when the CKAN the portal runs catches OverflowError in ``isodate`` (check with
``tests/security/test_overflowing_dates.py`` after removing the registration).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.logic.validators import isodate as _core_isodate


def isodate(value: Any, context: Any = None) -> Any:
    """CKAN's ``isodate``, with an overflowing date refused as "Date format incorrect"."""
    try:
        return _core_isodate(value, context)
    except OverflowError:
        raise tk.Invalid(tk._("Date format incorrect")) from None
