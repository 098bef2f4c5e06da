"""Run a ckanext-harvest queue consumer that survives an idle queue.

Usage: python scripts/harvest_consumer.py -c ckan.ini {gather,fetch}

ckanext-harvest 1.6 creates its Redis client with redis-py's default 5-second socket timeout,
and redis-py 8 (pinned by CKAN 2.12) applies it to the blocking BLPOP that waits for work, so
`ckan harvester gather-consumer` dies with a TimeoutError after 5 s without messages. This
wrapper gives the consumer's connections no read timeout (TCP keepalive detects dead peers,
connecting still times out) and then runs the stock `ckan harvester <queue>-consumer` command.
"""
from __future__ import annotations

import argparse
import sys

CONNECT_TIMEOUT = 10.0


def patch_harvest_redis_connection() -> None:
    """Make `ckanext.harvest.queue.get_connection_redis` return clients without read timeout."""
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="CKAN config file")
    parser.add_argument("queue", choices=["gather", "fetch"])
    args = parser.parse_args(argv)

    patch_harvest_redis_connection()

    from ckan.cli.cli import ckan

    return ckan.main(
        args=["-c", args.config, "harvester", f"{args.queue}-consumer"],
        prog_name="ckan",
        standalone_mode=True,
    )


if __name__ == "__main__":
    sys.exit(main())
