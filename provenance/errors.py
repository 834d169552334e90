"""The errors a user can see. The CLI turns any of them into ``Error: ...`` and exit 1."""


class ProvenanceError(Exception):
    """Base of every error this package raises on purpose."""


class InputError(ProvenanceError):
    """The user's input (a path, a flag, a whole file) cannot be used at all."""


class StoreError(ProvenanceError):
    """The store is missing, locked, from another config, or otherwise unusable."""


class ConfigMismatchError(StoreError):
    """The store was built with other detection parameters than this run's."""
