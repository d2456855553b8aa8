"""`python -m <package> <command>`: the same as the console script."""

from .tasks import main

main()
