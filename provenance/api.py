"""The public Python API: what ``import provenance`` offers (see ``docs/PYTHON.md``).

``provenance.open_store(path)`` returns a :class:`Corpus`, a :class:`Store`
with the everyday operations as methods: read a table as a polars frame,
ingest, search, explain a link, and the stored MinHash signatures in a form
datasketch accepts. Methods rather than package-level functions because
``provenance.ingest``, ``provenance.detect.search`` and ``provenance.trace.explain`` are
submodules: a function of the same name on the package would be replaced by
the module the first time anything imports it.

Everything here is re-exported lazily by ``provenance/__init__.py``, so
``import provenance`` stays cheap (numba and DuckDB load on first use).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from provenance.config import Config
from provenance.errors import StoreError
from provenance.store import EXPORTABLE, Store

if TYPE_CHECKING:
    from datasketch import LeanMinHash, MinHash

    from provenance.engine.pipeline import IngestReport
    from provenance.trace.explain import Explanation

#: The permutation scheme of the stored signatures, as datasketch (>= 2.0) names it.
DATASKETCH_SCHEME = "affine32"


class Corpus(Store):
    """A store with the everyday operations; every result is a polars frame or a plain object."""

    def tables(self) -> list[str]:
        """Names of the public tables, each readable with :meth:`table`."""
        return sorted(EXPORTABLE)

    def table(self, name: str, *, columns: Sequence[str] | None = None) -> pl.DataFrame:
        """A table as a polars DataFrame: the public ones with the columns ``provenance export`` writes,
        the internal ones (``meta``, ``ingests``, ``signatures``, ...) whole."""
        return super().table(name, columns=columns)

    def config(self) -> Config:
        """The detection parameters the store was built with (the defaults before the first ingest)."""
        return self.state().config or Config()

    def ingest(self, paths: str | Path | Sequence[str | Path], *, config: Config | None = None,
               field_map: dict[str, str] | None = None, format: str | None = None, **kwargs: Any) -> IngestReport:
        """Add files or folders (see :func:`provenance.engine.pipeline.ingest`); creates the store if needed."""
        from provenance.engine.pipeline import ingest as run

        ps = [paths] if isinstance(paths, (str, Path)) else list(paths)
        return run(ps, store=self, config=config, field_map=field_map, format=format, **kwargs)

    def search(self, text: str, *, limit: int = 20) -> pl.DataFrame:
        """Stored articles sharing text with ``text``, best first, with exact overlaps."""
        from provenance.detect.search import search as run

        return run(text, store=self, limit=limit)

    def explain(self, a: str, b: str) -> Explanation:
        """Why two stored articles (ids or URLs) are linked; ``.to_dict()`` is JSON-safe."""
        from provenance.trace.explain import explain as run

        return run(self, a, b)

    def export(self, table: str, *, cluster: int | None = None, outlet: str | None = None,
               since: datetime | None = None, until: datetime | None = None) -> pl.DataFrame:
        """A table as ``provenance export`` writes it: pairs with both sides, cluster ids, filtered."""
        from provenance.exports import Filters, export_frame

        return export_frame(self, table, Filters(cluster=cluster, outlet=outlet, since=since, until=until))

    def history(self, cluster_id: int) -> pl.DataFrame:
        """What each ingest did to a cluster (created, grew, merged_into), merged clusters included."""
        from provenance.detect.history import history

        return history(self, cluster_id)

    def overrides(self, *, include_removed: bool = False) -> pl.DataFrame:
        """The editorial overrides, oldest first."""
        from provenance.trace.overrides import listing

        return listing(self, include_removed=include_removed)

    def add_override(self, kind: str, subject: str, obj: str, *, author: str | None = None,
                     note: str | None = None) -> int:
        """Record an override (``reject``/``confirm`` A B, ``licence`` OUTLET AGENCY, ``alias`` HOST OUTLET)
        and apply it at once; returns its id."""
        from provenance.trace.overrides import add

        return add(self, kind, subject, obj, author=author, note=note)

    def remove_override(self, override_id: int, *, author: str | None = None) -> None:
        """Withdraw an override (kept, stamped removed) and undo its effect."""
        from provenance.trace.overrides import remove

        remove(self, override_id, author=author)

    def signatures(self, article_ids: Sequence[str] | None = None) -> pl.DataFrame:
        """(article_id, n_tokens, n_shingles, minhash) per article; ``minhash`` is a list of uint32.

        Each ``minhash`` equals ``datasketch.MinHash(num_perm=128, seed=1,
        hashfunc=xxhash.xxh32_intdigest)`` updated with :func:`shingles` of
        the article's text (:func:`datasketch_minhash` makes that call).
        Articles too short to fingerprint have ``n_shingles`` 0.
        """
        from provenance.queries import signatures

        return signatures(self, article_ids).with_columns(pl.col("minhash").cast(pl.List(pl.UInt32)))


def open_store(path: str | Path, *, create: bool = False) -> Corpus:
    """The store at ``path``; a missing file is an error unless ``create`` (the first ingest creates it)."""
    s = Corpus(path)
    if not create and not s.exists():
        raise StoreError(f"no store at {s.path} (ingest into it first, or pass create=True)")
    return s


def lean_minhash(hashvalues: Sequence[int], *, seed: int = 1) -> LeanMinHash:
    """A stored signature as a ``datasketch.LeanMinHash``, usable in ``MinHashLSH`` and ``jaccard``.

    datasketch >= 2.0 refuses hash values given without their permutation
    scheme, and a ``MinHashLSH`` refuses to mix schemes: the stored
    signatures are ``affine32`` (datasketch 2.0's default).
    """
    from datasketch import LeanMinHash

    return LeanMinHash(seed=seed, hashvalues=list(hashvalues), scheme=DATASKETCH_SCHEME)


def datasketch_minhash(text: str, *, config: Config | None = None) -> MinHash:
    """The datasketch call that reproduces a stored signature from an article's stored text."""
    import xxhash
    from datasketch import MinHash

    config = config or Config()
    m = MinHash(num_perm=config.num_perm, seed=config.seed, hashfunc=xxhash.xxh32_intdigest)
    m.update_batch(shingles(text, config=config))
    return m


def shingles(text: str, *, config: Config | None = None) -> list[bytes]:
    """The UTF-8 shingles MinHash is fed: word 5-grams, or character 5-grams for spaceless scripts."""
    from provenance.detect.normalize import shingles as run

    return run(text, config=config or Config())
