"""``python -m provenance.tools.synth ...``: the command line in :mod:`provenance.tools.synth.cli`."""

from provenance.tools.synth.cli import main

raise SystemExit(main())
