"""The catalogue for machines: paged DCAT-AP, dump and VoID, change feed, FAIR Data Point
face, OAI-PMH. Nothing here writes to the store."""
