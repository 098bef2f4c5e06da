"""DCAT: our RDF profile (parse and serialise), the hardened harvester, per-source configuration."""
