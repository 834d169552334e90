"""The command line (``provenance``; ``python -m provenance`` and ``python -m provenance.cli.main``)."""
