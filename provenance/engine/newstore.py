"""Detection settings chosen for a new store, and dry runs of an ingest.

A store keeps the settings it was built with (``meta.config``): stored
fingerprints and links are only comparable under them. So the CLI accepts
settings only when the store is new, and refuses them otherwise with the
store's own values. A dry run ingests into a throw-away copy of the store
(the same code path as a real ingest, so its figures are what the real one
would report) and deletes the copy.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from provenance.config import Config
from provenance.errors import ConfigError, InputError
from provenance.queries import clusters_of_ingest
from provenance.store import Store

#: CLI option -> Config field, with what it means.
SETTINGS = {
    "threshold": ("lsh_threshold", "Jaccard similarity at which whole articles become candidates (LSH)"),
    "shingle_size": ("shingle_size", "words per shingle"),
    "min_containment": ("min_containment", "share of the smaller article that must be shared to call it reuse"),
    "min_shared": ("min_shared_shingles", "shared shingles that make a pair reuse whatever its share"),
    "rewrites": ("rewrites", "find rewrites by sourced share (off: copies only)"),
    "window": ("rewrite_window_days", "days before an article in which its rewrite sources are looked for"),
}


def config_for(store: Store, given: dict[str, Any]) -> Config | None:
    """The Config for an ingest given these CLI settings (None: use the store's or the defaults).

    Refuses settings for a store that already has a configuration.
    """
    given = {k: v for k, v in given.items() if v is not None}
    if not given:
        return None
    stored = store.state().config
    if stored is not None:
        have = ", ".join(f"--{k.replace('_', '-')} {getattr(stored, SETTINGS[k][0])}" for k in SETTINGS)
        raise InputError(
            f"detection settings can only be chosen for a new store; {store.path} was built with {have}. "
            "Use a new --store to try other settings."
        )
    try:
        return replace(Config(), **{SETTINGS[k][0]: v for k, v in given.items()})
    except ConfigError as e:  # Config checks ranges; say it with the option the user typed
        option = {field: k for k, (field, _) in SETTINGS.items()}.get(e.field)
        if option is None:
            raise
        raise InputError(f"--{option.replace('_', '-')} must be {e.requirement}, got {e.value}") from e


def dry_run(store: Store, run: Callable[[Store], Any]) -> tuple[Any, dict[str, Any]]:
    """``run`` on a copy of ``store`` (or a new store); returns its report and what the copy then holds."""
    with tempfile.TemporaryDirectory(prefix="provenance-dry-run-", dir=_tmp_dir(store)) as tmp:
        copy = Store(Path(tmp) / "dry-run.duckdb")
        if store.exists():
            with store.reader():  # wait for a writer to finish: copy a committed state
                pass
            shutil.copy(store.path, copy.path)
            wal = store.path.with_name(store.path.name + ".wal")
            if wal.exists():
                shutil.copy(wal, copy.path.with_name(copy.path.name + ".wal"))
        report = run(copy)
        clusters = clusters_of_ingest(copy, report.ingest_id) if copy.exists() and report.ingest_id else None
    return report, {"clusters": clusters.to_dicts() if clusters is not None else []}


def _tmp_dir(store: Store) -> str | None:
    """Beside the store when its folder exists (same disk as the copy's source), else the system's."""
    parent = store.path.resolve().parent
    return str(parent) if parent.exists() else None
