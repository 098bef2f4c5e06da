"""The extension's actions, one module per capability (core.py: chained core actions).

The plugin registers ``registered_actions()``: every name in ``__all__`` (each module lists its
own actions), except chained actions of a plugin that is not loaded (a module's
``REQUIRED_PLUGINS`` maps such an action to its plugin: CKAN refuses to chain an action that
does not exist).
"""

from importlib import import_module
from typing import Any

from ckan.plugins import plugin_loaded

# By module path, not `from . import x`: a module may export a member named like itself
# (the `metrics` Blueprint of views/metrics.py), which would shadow the module here.
_MODULES = [import_module(f"ckanext.ogpcatalog.logic.action.{name}") for name in ['core', 'metrics', 'commitments', 'ocds', 'harvest', 'emails']]
globals().update({name: getattr(module, name) for module in _MODULES for name in module.__all__})
__all__ = [name for module in _MODULES for name in module.__all__]
_REQUIRED_PLUGINS = {name: plugin for module in _MODULES
                     for name, plugin in getattr(module, "REQUIRED_PLUGINS", {}).items()}


def registered_actions() -> dict[str, Any]:
    return {name: globals()[name] for name in __all__
            if name not in _REQUIRED_PLUGINS or plugin_loaded(_REQUIRED_PLUGINS[name])}
