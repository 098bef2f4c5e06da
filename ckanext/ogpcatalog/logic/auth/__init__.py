"""The extension's auth functions, one module per capability, each named as its action.

`tk.blanket.auth_functions` registers every name in ``__all__``.
"""
from ckanext.ogpcatalog.logic.auth import commitments, harvest, metrics, ocds
from ckanext.ogpcatalog.logic.auth.commitments import *  # noqa: F401,F403
from ckanext.ogpcatalog.logic.auth.harvest import *  # noqa: F401,F403
from ckanext.ogpcatalog.logic.auth.metrics import *  # noqa: F401,F403
from ckanext.ogpcatalog.logic.auth.ocds import *  # noqa: F401,F403

__all__ = [*metrics.__all__, *commitments.__all__, *ocds.__all__, *harvest.__all__]
