"""The extension's pages: one Blueprint per capability, each in its own module.

`tk.blanket.blueprints` registers every Blueprint named in ``__all__``; the views call actions
and map NotAuthorized/ObjectNotFound to 403/404 (they never query the database).
"""
from ckanext.ogpcatalog.views import commitments, harvest, metrics, ocds
from ckanext.ogpcatalog.views.commitments import *  # noqa: F401,F403
from ckanext.ogpcatalog.views.harvest import *  # noqa: F401,F403
from ckanext.ogpcatalog.views.metrics import *  # noqa: F401,F403
from ckanext.ogpcatalog.views.ocds import *  # noqa: F401,F403

__all__ = [*metrics.__all__, *commitments.__all__, *ocds.__all__, *harvest.__all__]
