"""``python -m provenance``: the same command line as the ``provenance`` script."""

from provenance.cli.main import main

if __name__ == "__main__":
    main()
