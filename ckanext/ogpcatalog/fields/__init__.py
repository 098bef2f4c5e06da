"""Field behaviour shared by every schema: bilingual values, the search-index form of the
fields, and facet labels."""
