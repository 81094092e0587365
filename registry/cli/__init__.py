"""The ``registry`` command (click); each command imports its stack when it runs."""
