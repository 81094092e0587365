"""Flask only: the app factory, blueprints, negotiation, the error handler."""
