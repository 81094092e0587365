"""The read side for people: read models for pages, labels, search use cases."""
