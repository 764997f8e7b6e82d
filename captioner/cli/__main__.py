"""`python -m captioner.cli`: the command line, as `python -m captioner` runs it."""

import sys

from captioner.cli import main

if __name__ == "__main__":
    sys.exit(main())
