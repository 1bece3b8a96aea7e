"""`python -m learntools.gans ...`: see learntools/gans/cli.py."""

import sys

from learntools.gans.cli import main

if __name__ == "__main__":
    sys.exit(main())
