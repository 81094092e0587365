"""The catalogue for machines: the change feed, the dump and VoID (and, beside them, the
paged catalogue, the FAIR Data Point face and OAI-PMH)."""
