"""``python -m ocrprep``: the same as the ``ocrprep`` command."""

from .cli import main

main()
