"""The portal's clock: ``ckan ogpcatalog schedule`` runs every periodic job in one process.

- ``jobs.py``: what runs (harvests, the day's metrics snapshot, OCDS retries), each job with
  its interval from the config;
- ``clock.py``: when it runs: the loop that runs each job when it is due, logs it, goes on
  after a failure and stops on a signal;
- ``cli.py``: the command, the one both ``make run`` (scripts/stack.sh) and the production
  compose file (docker/bin/scheduler.sh) run.

A package of its own: its jobs belong to three capabilities (``harvest``, ``metrics``,
``ocds``), none of which should import the others.
"""
