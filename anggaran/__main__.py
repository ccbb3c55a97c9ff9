"""``python -m anggaran`` is the ``anggaran`` command."""

from anggaran.cli.main import main

main()
