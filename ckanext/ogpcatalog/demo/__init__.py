"""Demo content of a national open-data portal: institutions, themes and their datasets.

The content is data (the YAML files in this package); `loader.py` creates it through CKAN's
actions and is run by `ckan ogpcatalog demo load`.
"""
