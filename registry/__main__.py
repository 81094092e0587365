"""``python -m registry`` runs the ``registry`` command."""

from .cli import main

main()
