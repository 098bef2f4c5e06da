"""The extension's auth functions, one module per capability, each named as its action.

`tk.blanket.auth_functions` registers every name in ``__all__``.
"""

from importlib import import_module

# By module path, not `from . import x`: a module may export a member named like itself
# (the `metrics` Blueprint of views/metrics.py), which would shadow the module here.
_MODULES = [import_module(f"ckanext.ogpcatalog.logic.auth.{name}") for name in ['metrics', 'commitments', 'ocds', 'harvest']]
globals().update({name: getattr(module, name) for module in _MODULES for name in module.__all__})
__all__ = [name for module in _MODULES for name in module.__all__]
