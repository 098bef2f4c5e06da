"""OGP commitments: import from and export to OGP's commitments sheet (issue 7)."""
