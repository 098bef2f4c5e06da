"""The extension's actions, one module per capability (core.py: chained core actions).

`tk.blanket.actions` registers every name in ``__all__``: each module lists its own actions.
"""
from ckanext.ogpcatalog.logic.action import commitments, core, harvest, metrics, ocds
from ckanext.ogpcatalog.logic.action.commitments import *  # noqa: F401,F403
from ckanext.ogpcatalog.logic.action.core import *  # noqa: F401,F403
from ckanext.ogpcatalog.logic.action.harvest import *  # noqa: F401,F403
from ckanext.ogpcatalog.logic.action.metrics import *  # noqa: F401,F403
from ckanext.ogpcatalog.logic.action.ocds import *  # noqa: F401,F403

__all__ = [*core.__all__, *metrics.__all__, *commitments.__all__, *ocds.__all__, *harvest.__all__]
