"""The alembic environment of the extension's plugins: each plugin's ``env.py`` calls :func:`run`."""
from __future__ import annotations

import os
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from sqlalchemy import engine_from_config, pool


def run(env_file: str, lock: int | None = None) -> None:
    """Run the migrations on CKAN's database, recording them in the plugin's own version table
    (``<plugin>_alembic_version``: CKAN's convention, the plugin being the name of the
    directory of ``env_file``).

    ``lock``: an advisory lock id taken before the current revision is read, for migrations
    that several processes may run at the same time. ``config.attributes["configure_logger"]
    = False`` leaves the logging of the process alone (migrations run inside a live one).
    """
    config = context.config
    if config.config_file_name and config.attributes.get("configure_logger", True):
        fileConfig(config.config_file_name)
    version_table = "{}_alembic_version".format(os.path.basename(os.path.dirname(env_file)))

    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=None,
                          literal_binds=True, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
        return

    engine = engine_from_config(config.get_section(config.config_ini_section) or {},
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=None, version_table=version_table)
        with context.begin_transaction():
            if lock is not None:
                # Held until the commit; the revision to start from is read once it is granted.
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock})
            context.run_migrations()
