"""The errors a user can see. The CLI turns any of them into ``Error: ...`` and exit 1."""


class ProvenanceError(Exception):
    """Base of every error this package raises on purpose."""


class InputError(ProvenanceError):
    """The user's input (a path, a flag, a whole file) cannot be used at all."""


class StoreError(ProvenanceError):
    """The store is missing, locked, from another config, or otherwise unusable."""


class ConfigMismatchError(StoreError):
    """The store was built with other detection parameters than this run's."""


class ConfigError(InputError, ValueError):
    """A detection parameter out of its range (raised by ``Config`` itself, so no caller re-checks).

    Also a ``ValueError``: a bad value is a bad argument to the library, not only to the CLI.
    """

    def __init__(self, field: str, requirement: str, value: object) -> None:
        self.field, self.requirement, self.value = field, requirement, value
        super().__init__(f"{field} must be {requirement}, got {value!r}")
