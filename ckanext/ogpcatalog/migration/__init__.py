"""Alembic migrations of the extension's plugins, one directory per plugin (the layout
``ckan db upgrade -p <plugin>`` reads): ``ogpcatalog/`` and ``ogpcatalog_search/``."""
