"""The triple store behind one small interface, and its read-only checkpoints."""
