"""``ogpcatalog_search``: CKAN search on PostgreSQL, for portals without Solr.

List it first in ``ckan.plugins``. With Solr (production), leave it out: nothing else changes.
"""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.common import CKANConfig

from . import backend


@tk.blanket.config_declarations
@tk.blanket.cli
class PostgresSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer
    def update_config(self, config: CKANConfig):
        backend.install()

    # IConfigurable
    def configure(self, config: CKANConfig):
        backend.check_schema()

    # IMiddleware
    def make_middleware(self, app, config: CKANConfig):
        return backend.answer_unavailable_index_with_503(app)
