"""``python -m provenance.cli.main``: the same command line as ``provenance``."""

from provenance.cli.main import main

if __name__ == "__main__":
    main()
