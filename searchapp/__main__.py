"""``python -m searchapp`` runs the ``gazette`` command."""

from searchapp.cli import main

main()
