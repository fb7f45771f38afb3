"""``python -m track17_facade.cli``: the same as the ``track17`` console script."""

from track17_facade.cli import main

main()
