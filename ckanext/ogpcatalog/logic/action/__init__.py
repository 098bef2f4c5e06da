"""The extension's actions, one module per capability (core.py: chained core actions).

`tk.blanket.actions` registers every name in ``__all__``: each module lists its own actions.
"""

from importlib import import_module

# By module path, not `from . import x`: a module may export a member named like itself
# (the `metrics` Blueprint of views/metrics.py), which would shadow the module here.
_MODULES = [import_module(f"ckanext.ogpcatalog.logic.action.{name}") for name in ['core', 'metrics', 'commitments', 'ocds', 'harvest', 'emails']]
globals().update({name: getattr(module, name) for module in _MODULES for name in module.__all__})
__all__ = [name for module in _MODULES for name in module.__all__]
