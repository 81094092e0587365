"""The public query service: refusals, limits, result formats, worker processes."""
