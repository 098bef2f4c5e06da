"""Harvest queue consumers that survive an idle queue.

ckanext-harvest 1.6.3 creates its Redis client with redis-py's default 5-second socket
timeout, and redis-py 8.0.1 (pinned by CKAN 2.12.0) applies it to the blocking BLPOP that waits
for work: the stock ``ckan harvester gather-consumer`` dies with a TimeoutError after 5 s
without messages. :func:`patch_harvest_redis_connection` gives the consumers' connections
no read timeout (TCP keepalive detects dead peers; connecting still times out).
``ckan ogpcatalog harvest consumer gather|fetch`` runs the stock consumers patched.

Works around: ckanext-harvest 1.6.3 (``ckanext.harvest.queue.get_connection_redis``) with
redis-py 8.0.1 (the version CKAN 2.12.0's requirements pin).
Drop when: ckanext-harvest > 1.6.3 creates its consumers' Redis client without a read timeout
(or keeps waiting after a ``TimeoutError``); then ``harvest-consumer`` becomes a documented
alias of ``ckan harvester gather-consumer`` / ``fetch-consumer``.
"""
from __future__ import annotations

CONNECT_TIMEOUT = 10.0


def patch_harvest_redis_connection() -> None:
    """Make ``ckanext.harvest.queue.get_connection_redis`` return clients without read timeout."""
    from ckanext.harvest import queue

    original = queue.get_connection_redis
    if getattr(original, "_ogpcatalog_patched", False):
        return

    def get_connection_redis():
        client = original()
        kwargs = client.connection_pool.connection_kwargs
        kwargs["socket_timeout"] = None
        kwargs["socket_connect_timeout"] = CONNECT_TIMEOUT
        kwargs["socket_keepalive"] = True
        return client

    get_connection_redis._ogpcatalog_patched = True  # type: ignore[attr-defined]
    queue.get_connection_redis = get_connection_redis


def run_consumer(queue_name: str) -> None:
    """Run ckanext-harvest's own gather or fetch consumer loop, patched."""
    from ckanext.harvest import utils

    patch_harvest_redis_connection()
    if queue_name == "gather":
        utils.gather_consumer()
    else:
        utils.fetch_consumer()
