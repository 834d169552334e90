"""Safe output paths for reports.

Names of report files come from data (cluster ids, outlet and agency names),
and outlet names are untrusted: ``../../etc/cron.d/x``, ``/root/.ssh``,
``C:\\x``, ``CON`` or a name with NUL bytes must never produce a path outside
the folder the user chose. Two rules:

* :func:`safe_name` turns any string into one harmless path component (ASCII
  letters, digits, ``.``, ``_`` and ``-``; no leading dot; bounded length). A
  name that had to be changed gets a short hash of the original appended, so
  ``a/b`` and ``a_b`` do not overwrite each other.
* :func:`safe_join` joins components under a root and refuses any result that
  does not resolve (symlinks followed) inside the root.

:func:`atomic_write` then writes through a temporary file in the target
folder and ``os.replace`` s it into place: a symlink planted at the target is
replaced, never followed, and a crash never leaves half a report.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

import xxhash

from provenance.errors import InputError

__all__ = ["safe_name", "safe_join", "atomic_write", "UnsafePathError"]

_ALLOWED = re.compile(r"[^A-Za-z0-9._-]+")
_WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)
MAX_NAME = 80


class UnsafePathError(InputError):
    """A path built from user input or data would leave the output folder."""


def _ascii_fold(s: str) -> str:
    # "Münchner Merkur" -> "Munchner Merkur"; letters without an ASCII form drop out.
    return unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii")


def safe_name(value: object, *, prefix: str = "", max_len: int = MAX_NAME) -> str:
    """One safe file-name component for ``value`` (never empty, never ``.``/``..``).

    The result matches ``[A-Za-z0-9_-][A-Za-z0-9._-]*``. When the cleaned name
    differs from the original (or was cut), ``-`` and 8 hex digits of the
    original's xxh64 are appended, so distinct values stay distinct.
    """
    raw = "" if value is None else str(value)
    cleaned = _ALLOWED.sub("_", _ascii_fold(raw)).strip("._-")
    cleaned = re.sub(r"_+", "_", cleaned)
    base = f"{prefix}{cleaned}" if cleaned else prefix.rstrip("_-") or "unnamed"
    changed = cleaned != raw or not cleaned
    if base.split(".")[0].lower() in _WINDOWS_RESERVED:
        base, changed = f"_{base}", True
    limit = max_len - (9 if changed or len(base) > max_len else 0)
    if len(base) > max_len:
        changed = True
    base = base[:limit].rstrip("._-") or "unnamed"
    if changed:
        base = f"{base}-{xxhash.xxh64_hexdigest(raw.encode('utf-8', 'surrogatepass'))[:8]}"
    assert base not in (".", "..") and "/" not in base and "\\" not in base
    return base


def safe_join(root: str | Path, *parts: str) -> Path:
    """``root/part/...``, refusing parts that are absolute, empty, ``.``/``..``,
    contain a separator or NUL, or whose result resolves outside ``root``."""
    root_path = Path(root)
    for part in parts:
        if not isinstance(part, str) or not part or part in (".", ".."):
            raise UnsafePathError(f"unsafe path component {part!r}")
        if "/" in part or "\\" in part or "\x00" in part or os.path.isabs(part):
            raise UnsafePathError(f"unsafe path component {part!r}")
        if re.match(r"^[A-Za-z]:", part):
            raise UnsafePathError(f"unsafe path component {part!r}")
    target = root_path.joinpath(*parts)
    real_root = root_path.resolve()
    real_target = target.resolve()
    if real_target != real_root and real_root not in real_target.parents:
        raise UnsafePathError(f"{target} resolves outside {root_path}")
    return target


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` through a temp file in the same folder + ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path
