"""The extension's pages: one Blueprint per capability, each in its own module.

`tk.blanket.blueprints` registers every Blueprint named in ``__all__``. The views parse the
request, call actions and render (they never query the database); _common.py holds what they
share: the visitor's action context and the actions' refusals as 403/404/400 pages.

Each module calls its Blueprint ``blueprint``; here they are imported under names that say
whose they are, so that no name of this package hides a submodule (``views.metrics`` stays
the module).
"""
from ckanext.ogpcatalog.views.commitments import blueprint as commitments_blueprint
from ckanext.ogpcatalog.views.feeds import blueprint as feeds_blueprint
from ckanext.ogpcatalog.views.harvest import blueprint as harvest_blueprint
from ckanext.ogpcatalog.views.metrics import blueprint as metrics_blueprint
from ckanext.ogpcatalog.views.ocds import blueprint as ocds_blueprint
from ckanext.ogpcatalog.views.portal import blueprint as portal_blueprint

__all__ = ["metrics_blueprint", "commitments_blueprint", "ocds_blueprint", "harvest_blueprint",
           "portal_blueprint", "feeds_blueprint"]
