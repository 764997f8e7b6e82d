"""The frozen app's entry point: the `captioner` command (GUI with no command, else the CLI)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless if unused; required if anything ever spawns a process
    from captioner.cli import main

    sys.exit(main())
