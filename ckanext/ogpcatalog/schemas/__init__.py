"""ckanext-scheming schemas of the portal's types and the presets they share (YAML files
beside this module, loaded by ckanext-scheming through ``ckanext.ogpcatalog.schemas:<file>``)."""
