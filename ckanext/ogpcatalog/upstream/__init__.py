"""Workarounds of bugs in the packages the portal runs on (CKAN, ckanext-harvest, redis-py).

Each module says which version it works around and when it can be dropped."""
