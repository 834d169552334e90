"""The report model: one plain dict per report, built from the store with SQL per entity.

A report is JSON-ready data (str, int, float, bool, None, lists, dicts) and
every format renders the same dict, so the HTML, PDF, Markdown, CSV and JSON of
one report say the same thing. Its shape is published as
``report.schema.json`` (see :mod:`provenance.report.json_format`).

Kinds:

* ``cluster`` — summary (origin, first/last appearance, outlets, credits),
  every member with its lineage link (relation, derivation grade, credit
  status, lag, confidence, evidence) and, per link, the shared passages
  aligned with :func:`provenance.detect.align.align`.
* ``outlet`` — share of agency copy, verbatim and uncredited shares, lags,
  agencies copied, and every uncredited copy with its evidence.
* ``agency`` — reach, who republishes, credited vs uncredited, speed.
* ``corpus`` — overview and the top clusters, outlets and agencies.

Evidence grade: every report carries the tool version, the store version and
config, the generation time, and the ``content_hash`` (xxh64 of the text) of
every article whose text it compares; ``digest`` is a SHA-256 of the report
without its generation time, so two runs on one store version give the same
digest.

Each report is read inside one short read-only connection, so one report
sees one store state, and records that state's version. Each entity is
loaded with its own parameterised queries; nothing loads the whole corpus.
:func:`iter_reports` (``--all``) lists the entity keys, then opens one
connection per report and closes it before yielding, so rendering never
holds the store and ingests can run in between.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from provenance import queries
from provenance.errors import InputError
from provenance.report.cluster import cluster_report
from provenance.report.common import REPORT_VERSION, open_db, report_digest, text_hash
from provenance.report.profiles import _Context, agency_report, corpus_report, outlet_report
from provenance.store import Store
from provenance.trace.attribution import Registry, load_registry

__all__ = ["build_report", "iter_reports", "entity_keys", "count_entities", "REPORT_VERSION", "report_digest",
           "text_hash"]

# ----------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------


def entity_keys(ctx: _Context, kind: str) -> Iterator[Any]:
    """Cluster ids, outlet names or agency names, in a stable order, fetched lazily in pages."""
    db = ctx.db
    if kind == "cluster":
        if not db.has("clusters"):
            return
        last = -(2**63)
        while True:
            ids = queries.cluster_ids_after(db, last)
            if not ids:
                return
            yield from ids
            last = ids[-1]
    elif kind == "outlet":
        yield from queries.report_outlets(db)
    elif kind == "agency":
        ctx.register()
        names = set(ctx.outlet_agency.values())
        if ctx.credits:
            names.update(queries.credited_agencies(db))
        if ctx.lineage:
            names.update(queries.copy_agencies(db, ctx.copies_cte))
        yield from sorted(n for n in names if n in ctx.registry.names)
    else:
        raise ValueError(f"unknown report kind {kind!r}")


def _one(ctx: _Context, kind: str, key: Any, now: datetime | None) -> dict[str, Any]:
    if kind == "cluster":
        return cluster_report(ctx.db, int(key), registry=ctx.registry, now=now)
    if kind == "outlet":
        return outlet_report(ctx, str(key), now=now)
    if kind == "agency":
        return agency_report(ctx, str(key), now=now)
    if kind == "corpus":
        return corpus_report(ctx, now=now)
    raise ValueError(f"unknown report kind {kind!r}")


def build_report(
    store: Store | str,
    *,
    cluster: int | str | None = None,
    outlet: str | None = None,
    agency: str | None = None,
    all: bool = False,  # noqa: A002 - the CLI flag's name
    registry: Registry | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The report model for one cluster, outlet or agency, or (``all=True``) the corpus overview.

    Exactly one of ``cluster``, ``outlet``, ``agency`` and ``all`` must be
    given. Raises :class:`~provenance.errors.InputError` for an unknown entity.
    """
    chosen = [x for x in (cluster is not None, outlet is not None, agency is not None, bool(all)) if x]
    if len(chosen) != 1:
        raise InputError("give exactly one of cluster, outlet, agency or all")
    if cluster is not None:
        try:
            cluster = int(cluster)
        except (TypeError, ValueError) as e:
            raise InputError(f"cluster id must be an integer, got {cluster!r}") from e
    store = store if isinstance(store, Store) else Store(store)
    with open_db(store) as db:
        ctx = _Context(db, registry or load_registry(entries=store.agencies()))
        if cluster is not None:
            return _one(ctx, "cluster", cluster, now)
        if outlet is not None:
            return _one(ctx, "outlet", outlet, now)
        if agency is not None:
            return _one(ctx, "agency", agency, now)
        return _one(ctx, "corpus", None, now)


def iter_reports(
    store: Store | str,
    *,
    kinds: Sequence[str] = ("cluster", "outlet", "agency"),
    registry: Registry | None = None,
    now: datetime | None = None,
    counts: dict[str, int] | None = None,
    skipped: list[tuple[str, Any, str]] | None = None,
) -> Iterator[tuple[str, Any, dict[str, Any]]]:
    """Yield ``(kind, key, report)`` for every entity, one at a time, then the corpus report.

    Streaming: the entity keys are listed first (ids and names only); then
    each report is built with its own queries on its own short read-only
    connection, which is closed before the report is yielded, so a long run
    (PDFs) never holds the store while rendering and ingests can write in
    between. Each report records the store version it read. An entity that
    vanished meanwhile (a cluster merged by an ingest) is skipped and, when
    ``skipped`` is given, listed there as ``(kind, key, reason)``.
    ``counts``, when given, is filled with the number of entities per kind
    before the first report is yielded (for a progress bar).
    """
    store = store if isinstance(store, Store) else Store(store)
    now = now or datetime.now(UTC)
    registry = registry or load_registry(entries=store.agencies())
    with open_db(store) as db:
        ctx = _Context(db, registry)
        keys = {kind: list(entity_keys(ctx, kind)) for kind in kinds}
    if counts is not None:
        counts.update({kind: len(v) for kind, v in keys.items()})
    for kind in kinds:
        for key in keys[kind]:
            try:
                with open_db(store) as db:
                    rep = _one(_Context(db, registry), kind, key, now)
            except InputError as e:
                if skipped is not None:
                    skipped.append((kind, key, str(e)))
                continue
            yield kind, key, rep
    with open_db(store) as db:
        rep = corpus_report(_Context(db, registry), now=now)
    yield "corpus", None, rep


def count_entities(ctx: _Context, kinds: Sequence[str]) -> dict[str, int]:
    out = {}
    for kind in kinds:
        if kind == "cluster":
            out[kind] = queries.count_clusters(ctx.db)
        elif kind == "outlet":
            out[kind] = queries.count_outlets(ctx.db)
        else:
            out[kind] = sum(1 for _ in entity_keys(ctx, kind))
    return out

