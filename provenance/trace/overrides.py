"""Editorial overrides: what a newsroom knows better than the detector, kept in the store.

An override is one row of the ``overrides`` table (:data:`OVERRIDES`): a
``kind``, what it is about (``subject``, ``object``), an optional ``value``,
who made it (``author``), why (``note``) and when. Removing one stamps
``removed_at``/``removed_by``; no row is ever deleted, so the list is an
audit trail. Kinds:

* ``reject`` A B: the link between articles A and B is wrong. The pair stays
  in ``pairs`` with its evidence, and both stay in their cluster (a cluster is
  "shares text", which remains true, and cluster ids stay stable); lineage is
  recomputed without the pair, so neither can be the other's parent, and
  both lineage rows say ``"override": "rejected link with ..."`` in their
  evidence. Exports of ``pairs`` mark the pair in an ``override`` column.
* ``confirm`` A B: the link is right. Where lineage has one as the other's
  parent, that row gets confidence 1 and the override in its evidence; the
  pair is marked ``confirm`` in exports. (A confirm does not force a parent
  the detector did not choose.)
* ``licence`` OUTLET AGENCY: the outlet carries the agency's copy under
  licence. Its copies that come through that agency and credit nobody are
  ``credited = "licensed"`` instead of ``"uncredited"``.
* ``alias`` HOST OUTLET: articles whose outlet is HOST are OUTLET's (one
  outlet, two hosts). Applied to stored articles when added and to new
  articles at every ingest; removing it gives HOST back to OUTLET's articles
  whose URL host or page folder is HOST (an outlet named only by a record's
  ``outlet`` field cannot be told apart then, and stays OUTLET). Chrome
  statistics stay per host, as extraction learned them.

Overrides apply at once (the affected clusters' lineage is recomputed in one
transaction) and at every later ingest (the pipeline reads them).
"""

from __future__ import annotations

import csv
import getpass
import json
import os
import tomllib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from provenance import queries
from provenance.errors import InputError
from provenance.store import Store

KINDS = ("reject", "confirm", "licence", "alias")
#: Kinds about a pair of articles (subject and object are article ids).
PAIR_KINDS = ("reject", "confirm")

OVERRIDES = pl.Schema({
    "override_id": pl.Int64, "kind": pl.String, "subject": pl.String, "object": pl.String, "value": pl.String,
    "author": pl.String, "note": pl.String, "created_at": pl.Datetime("us", "UTC"),
    "removed_at": pl.Datetime("us", "UTC"), "removed_by": pl.String,
})



def default_author() -> str:
    """Who is making the override when no ``--author`` is given: ``$PROVENANCE_AUTHOR``, else the login name."""
    try:
        return os.environ.get("PROVENANCE_AUTHOR") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


# -- reading ------------------------------------------------------------------------------------------


def _has_table(store: Store) -> bool:
    return store.has_table("overrides")


def listing(store: Store, *, include_removed: bool = False) -> pl.DataFrame:
    """The overrides, oldest first (active ones only unless ``include_removed``)."""
    if not _has_table(store):
        return pl.DataFrame(schema=OVERRIDES)
    return queries.overrides(store, include_removed=include_removed).cast(dict(OVERRIDES))  # type: ignore[arg-type]


def active(store: Store) -> pl.DataFrame:
    """Overrides in force (what ingest applies)."""
    return listing(store)


def concerning(store: Store, a_id: str, b_id: str, outlets: Sequence[str | None]) -> list[dict[str, Any]]:
    """Active overrides on the pair (either order) or naming either outlet."""
    ov = active(store)
    names = [o for o in outlets if o]
    hit = ov.filter(
        (pl.col("kind").is_in(PAIR_KINDS) & (((pl.col("subject") == a_id) & (pl.col("object") == b_id))
                                             | ((pl.col("subject") == b_id) & (pl.col("object") == a_id))))
        | (pl.col("kind").is_in(["licence", "alias"]) & (pl.col("subject").is_in(names) | pl.col("object").is_in(names)))
    )
    return hit.drop("removed_at", "removed_by").to_dicts()


# -- applying -----------------------------------------------------------------------------------------


def _pair_keys(ov: pl.DataFrame, kind: str) -> set[tuple[str, str]]:
    rows = ov.filter(pl.col("kind") == kind).select("subject", "object").iter_rows()
    return {tuple(sorted((a, b))) for a, b in rows}  # type: ignore[misc]


def without_rejected(pairs: pl.DataFrame, ov: pl.DataFrame) -> pl.DataFrame:
    """``pairs`` minus the rejected ones (what lineage may build on)."""
    rejected = _pair_keys(ov, "reject")
    if not rejected or pairs.height == 0:
        return pairs
    keys = pl.DataFrame({"_lo": [a for a, _ in rejected], "_hi": [b for _, b in rejected]})
    return (pairs.with_columns(pl.min_horizontal("a", "b").alias("_lo"), pl.max_horizontal("a", "b").alias("_hi"))
            .join(keys, on=["_lo", "_hi"], how="anti").drop("_lo", "_hi"))


def apply_aliases(articles: pl.DataFrame, ov: pl.DataFrame) -> pl.DataFrame:
    """``articles`` with aliased outlets renamed to the outlet they belong to."""
    al = ov.filter(pl.col("kind") == "alias")
    if al.height == 0 or articles.height == 0:
        return articles
    mapping = dict(al.select("subject", "object").iter_rows())
    return articles.with_columns(pl.col("outlet").replace(mapping))


def apply_to_lineage(lineage: pl.DataFrame, outlets: pl.DataFrame, ov: pl.DataFrame) -> pl.DataFrame:
    """Lineage rows with confirmations, licences and rejections applied and written into their evidence.

    ``outlets`` maps article_id to outlet for the rows' articles.
    """
    if ov.height == 0 or lineage.height == 0:
        return lineage
    confirmed = {tuple(sorted((r["subject"], r["object"]))): r for r in ov.filter(pl.col("kind") == "confirm").iter_rows(named=True)}
    rejected: dict[str, list[dict[str, Any]]] = {}
    for r in ov.filter(pl.col("kind") == "reject").iter_rows(named=True):
        rejected.setdefault(r["subject"], []).append({**r, "other": r["object"]})
        rejected.setdefault(r["object"], []).append({**r, "other": r["subject"]})
    licences = {(r["subject"], r["object"].casefold()): r for r in ov.filter(pl.col("kind") == "licence").iter_rows(named=True)}
    # Only rows an override can touch go through Python: a batch's lineage can hold 150k rows.
    pair_ids = {x for k in confirmed for x in k} | set(rejected)
    licensed_outlets = {o for o, _ in licences}
    lic_ids = outlets.filter(pl.col("outlet").is_in(list(licensed_outlets)))["article_id"]
    touch = pl.col("article_id").is_in(list(pair_ids)) | (
        pl.col("article_id").is_in(lic_ids.implode()) & (pl.col("credited") == "uncredited"))
    lineage = lineage.with_row_index("_pos")
    hit, rest = lineage.filter(touch), lineage.filter(~touch)
    if hit.height == 0:
        return lineage.drop("_pos")
    outlet_of = dict(outlets.filter(pl.col("article_id").is_in(hit["article_id"].implode()))
                     .select("article_id", "outlet").iter_rows())
    rows = []
    for row in hit.iter_rows(named=True):
        notes: list[str] = []
        aid = row["article_id"]
        if row["parent_id"] is not None and (c := confirmed.get(tuple(sorted((aid, row["parent_id"]))))):
            row["confidence"] = 1.0
            notes.append(f"link confirmed by {c['author']} (override {c['override_id']})")
        for r in rejected.get(aid, []):
            notes.append(f"link with {r['other']} rejected by {r['author']} (override {r['override_id']})")
        if row["credited"] == "uncredited":
            agencies = {str(x).casefold() for x in (row["via_agency"], row["origin_external"], row["parent_external"]) if x}
            lic = next((licences[(outlet_of.get(aid), g)] for g in agencies if (outlet_of.get(aid), g) in licences), None)
            if lic is not None:
                row["credited"] = "licensed"
                notes.append(f"{lic['subject']} carries {lic['object']} under licence, per {lic['author']} "
                             f"(override {lic['override_id']})")
        if notes:
            ev = _evidence(row["evidence"])
            ev["override"] = "; ".join(notes)
            row["evidence"] = json.dumps(ev, ensure_ascii=False, separators=(",", ":"))
        rows.append(row)
    return pl.concat([rest, pl.DataFrame(rows, schema=lineage.schema)]).sort("_pos").drop("_pos")


def _evidence(raw: str | None) -> dict[str, Any]:
    try:
        v = json.loads(raw) if raw else {}
    except ValueError:
        return {"evidence": raw}
    return v if isinstance(v, dict) else {"evidence": v}


# -- changing -----------------------------------------------------------------------------------------


def _check(store: Store, kind: str, subject: str, obj: str | None) -> tuple[str, str]:
    """Validate one override against the store; return (subject, object) canonicalised."""
    if kind not in KINDS:
        raise InputError(f"unknown override kind {kind!r}; kinds: {', '.join(KINDS)}")
    if not subject or not obj:
        raise InputError(f"an override of kind {kind} needs a subject and an object")
    if kind in PAIR_KINDS:
        a, b = queries.resolve_article(store, subject), queries.resolve_article(store, obj)
        if a == b:
            raise InputError(f"{subject!r} and {obj!r} are the same article")
        return a, b
    if kind == "licence":
        from provenance.trace.attribution import load_registry

        return subject, load_registry().canonical(obj) or obj
    return subject, obj


def add(store: Store, kind: str, subject: str, obj: str | None, *, author: str | None = None,
        note: str | None = None, value: str | None = None) -> int:
    """Record one override and apply it to the stored lineage; return its id."""
    return add_many(store, [{"kind": kind, "subject": subject, "object": obj, "author": author, "note": note,
                             "value": value}])[0]


def add_many(store: Store, items: Iterable[dict[str, Any]]) -> list[int]:
    """Record several overrides in one transaction (a file import is all or nothing)."""
    if not store.exists():
        raise InputError(f"no store at {store.path} (ingest first: overrides are about stored articles)")
    now = datetime.now(UTC)
    existing = listing(store, include_removed=True)
    next_id = int(existing["override_id"].max() or 0) + 1 if existing.height else 1
    rows = []
    for item in items:
        kind = str(item.get("kind") or "").strip()
        s, o = _check(store, kind, str(item.get("subject") or "").strip(), str(item.get("object") or "").strip())
        rows.append({"override_id": next_id + len(rows), "kind": kind, "subject": s, "object": o,
                     "value": item.get("value") or ("licensed" if kind == "licence" else None),
                     "author": item.get("author") or default_author(), "note": item.get("note"),
                     "created_at": now, "removed_at": None, "removed_by": None})
    if not rows:
        return []
    new = pl.DataFrame(rows, schema=OVERRIDES)
    _commit(store, new_rows=new, removed=None, changed=new)
    return new["override_id"].to_list()


def remove(store: Store, override_id: int, *, author: str | None = None) -> dict[str, Any]:
    """Withdraw an override (kept, stamped removed) and undo its effect on the stored lineage."""
    ov = listing(store).filter(pl.col("override_id") == override_id)
    if ov.height == 0:
        raise InputError(f"no active override {override_id}")
    _commit(store, new_rows=None, removed=(override_id, author or default_author()), changed=ov)
    return ov.row(0, named=True)


def load_file(path: str | Path) -> list[dict[str, Any]]:
    """Overrides from a TOML file (``[[override]]`` tables) or a CSV file (a header row naming the fields)."""
    p = Path(path)
    fields = ("kind", "subject", "object", "value", "author", "note")
    if p.suffix.lower() == ".toml":
        with p.open("rb") as f:
            data = tomllib.load(f)
        items = data.get("override", [])
        if not isinstance(items, list):
            raise InputError(f"{p}: expected [[override]] tables")
    elif p.suffix.lower() == ".csv":
        with p.open(newline="", encoding="utf-8") as f:
            items = list(csv.DictReader(f))
    else:
        raise InputError(f"{p}: overrides are read from .toml or .csv files")
    out = []
    for i, it in enumerate(items, start=1):
        extra = set(it) - set(fields)
        if extra:
            raise InputError(f"{p}: override {i} has unknown fields {sorted(extra)}; fields: {', '.join(fields)}")
        out.append({k: (str(it[k]).strip() or None) if it.get(k) not in (None, "") else None for k in fields})
    return out


def _commit(store: Store, *, new_rows: pl.DataFrame | None, removed: tuple[int, str] | None,
            changed: pl.DataFrame) -> None:
    """Write the override change, the outlet renames and the recomputed lineage in one transaction."""
    after = listing(store)
    if new_rows is not None:
        after = pl.concat([after, new_rows])
    if removed is not None:
        after = after.filter(pl.col("override_id") != removed[0])
    renames = _alias_renames(store, changed, adding=new_rows is not None)
    lin, ext, ids, cids = _recompute(store, changed, after, renames)
    store.write_override_change(
        new_rows=new_rows, removed=(removed[0], removed[1], datetime.now(UTC)) if removed is not None else None,
        renames=renames, lineage=lin, external_nodes=ext, article_ids=ids, cluster_ids=cids,
    )


def _alias_renames(store: Store, changed: pl.DataFrame, *, adding: bool) -> list[tuple[str, str]]:
    """(article_id, new outlet) for stored articles an alias being added or removed renames.

    Adding renames HOST's articles to OUTLET; removing gives back HOST to
    those of OUTLET's articles whose URL host or source folder is HOST.
    """
    out: list[tuple[str, str]] = []
    for r in changed.filter(pl.col("kind") == "alias").iter_rows(named=True):
        host, outlet = r["subject"], r["object"]
        if adding:
            ids = queries.outlet_articles(store, host)["article_id"]
            out += [(i, outlet) for i in ids]
        else:
            ids = queries.articles_of_host(store, outlet, host)
            out += [(i, host) for i in ids]
    return out


def _recompute(store: Store, changed: pl.DataFrame, after: pl.DataFrame, renames: list[tuple[str, str]]
               ) -> tuple[pl.DataFrame, pl.DataFrame, list[str], list[int]]:
    """Lineage of every cluster the changed overrides touch, recomputed under ``after``."""
    from provenance.config import Config
    from provenance.trace.attribution import load_registry
    from provenance.trace.lineage import graded, lineage

    if not _has_lineage(store):
        return pl.DataFrame(), pl.DataFrame(), [], []
    touched: set[str] = set()
    for r in changed.iter_rows(named=True):
        if r["kind"] in PAIR_KINDS:
            touched |= {r["subject"], r["object"]}
        elif r["kind"] == "licence":
            touched |= set(queries.licensed_lineage(store, r["subject"], r["object"]))
    touched |= {a for a, _ in renames}
    if not touched:
        return pl.DataFrame(), pl.DataFrame(), [], []
    cids = queries.lineage_clusters(store, sorted(touched))
    ids = queries.lineage_members(store, cids)
    docs = queries.docs_of(store, ids.to_list())
    arts = store.articles(docs)
    if renames:
        arts = arts.with_columns(pl.col("outlet").replace(dict(renames)))
    pairs = without_rejected(store.pairs_among(docs), after)
    clusters = queries.cluster_rows(store, docs.to_list())
    cred = store.credits_of(arts["article_id"])
    config = store.state().config or Config()
    res = lineage(arts, pairs, clusters, cred, registry=load_registry(), config=config)
    lin = graded(res.lineage, store.grades_of(arts["article_id"]))  # the sourced-share grades, as ingest gives
    lin = apply_to_lineage(lin, arts.select("article_id", "outlet"), after)
    return lin, res.external_nodes, arts["article_id"].to_list(), [int(c) for c in cids]


def _has_lineage(store: Store) -> bool:
    return store.has_table("lineage")
