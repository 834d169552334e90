"""One writer per store: an advisory lock file beside it (``STORE.duckdb.lock``).

DuckDB itself only locks the file during the final transaction, so two
ingests into one store used to compute side by side and the second died at
COMMIT with a raw ``ConstraintException`` after doing all its work. The
writer now takes this lock before any work and keeps it to the end; a second
writer stops at once with a clear error naming the holder.

Why ``flock``: the kernel drops it when the holder's process dies (``kill
-9``, OOM), so a stale lock file left behind never blocks anyone: only a
*held* lock does. The file keeps the holder's pid and start time for the
message. The lock is re-entrant inside one process (a pipeline that calls
``write_batch`` and ``compact`` under its own lock), since ``flock`` locks
belong to an open file description and a second ``open`` in the same
process would otherwise lock itself out.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

from provenance.errors import StoreError

_held: dict[str, tuple[int, int]] = {}  # lock path -> (fd, depth), this process's locks
_guard = threading.Lock()


def lock_path(store: Path) -> Path:
    return store.with_name(store.name + ".lock")


def check_store_path(store: Path) -> None:
    """Refuse a store path that cannot be written, before any work is done.

    A parent that is a file, a store path that is a folder, or a folder we
    cannot create: each used to surface as a raw ``FileExistsError`` at write
    time, after the whole ingest had run.
    """
    if store.is_dir():
        raise StoreError(f"--store {store} is a folder; give a file path such as {store / 'news.duckdb'}")
    for parent in [store.parent, *store.parent.parents]:
        if parent.exists():
            if not parent.is_dir():
                raise StoreError(f"cannot create store {store}: {parent} is a file, not a folder")
            break
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"cannot create the folder of store {store}: {e.strerror or e}") from e
    if store.exists() and not os.access(store, os.W_OK):
        raise StoreError(f"store {store} is read-only; it cannot be written")


@contextmanager
def write_lock(store: Path) -> Iterator[None]:
    """Hold the store's writer lock for the block, or raise ``StoreError`` at once if another process holds it."""
    check_store_path(store)
    path = lock_path(store)
    key = str(path.resolve())
    with _guard:
        if key in _held:
            fd, depth = _held[key]
            _held[key] = (fd, depth + 1)
            reentered = True
        else:
            reentered = False
    if not reentered:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise StoreError(f"cannot lock store {store} for writing ({path}: {e.strerror or e})") from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise StoreError(
                f"store {store} is being written by another process{holder}; "
                "wait for it to finish, or write to another store"
            ) from None
        except OSError as e:
            os.close(fd)
            raise StoreError(f"cannot lock store {store} for writing: {e.strerror or e}") from e
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()} since {datetime.now(UTC).isoformat(timespec='seconds')}\n".encode())
        except OSError:
            pass  # the lock holds without the note (a full disk must not stop the check)
        with _guard:
            _held[key] = (fd, 1)
    try:
        yield
    finally:
        with _guard:
            fd, depth = _held[key]
            if depth > 1:
                _held[key] = (fd, depth - 1)
            else:
                del _held[key]
                with suppress(OSError):
                    os.ftruncate(fd, 0)
                os.close(fd)  # releases the flock; the empty file may stay, it holds nothing


def _read_holder(fd: int) -> str:
    try:
        note = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    return f" ({note})" if note else ""
