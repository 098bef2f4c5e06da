"""The extension's pages: one Blueprint per capability, each in its own module.

`tk.blanket.blueprints` registers every Blueprint named in ``__all__``; the views call actions
and map NotAuthorized/ObjectNotFound to 403/404 (they never query the database).
"""

from importlib import import_module

# By module path, not `from . import x`: a module may export a member named like itself
# (the `metrics` Blueprint of views/metrics.py), which would shadow the module here.
_MODULES = [import_module(f"ckanext.ogpcatalog.views.{name}") for name in ['metrics', 'commitments', 'ocds', 'harvest']]
globals().update({name: getattr(module, name) for module in _MODULES for name in module.__all__})
__all__ = [name for module in _MODULES for name in module.__all__]
