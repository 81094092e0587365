"""``python -m registry`` runs the ``registry`` command."""

from registry.cli.main import main

main()
