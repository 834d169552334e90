"""CSV reports: flat tables, one CSV file per entity of the report (members, links, passages, ...).

A report becomes a folder of CSV files. Every row carries the key of its
report (``cluster_id``, ``outlet`` or ``agency``), so the tables of many
reports (``--all``) can be concatenated. Cells that a spreadsheet would run
as a formula (text starting with ``=``, ``+``, ``-``, ``@``, tab or CR) are
prefixed with ``'``: article text is untrusted.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from provenance.report.json_format import schema

__all__ = ["render_csv", "neutralize", "neutralize_frame"]

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """A cell value safe to open in a spreadsheet (strings only; numbers stay numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def neutralize_frame(df: Any) -> Any:
    """:func:`neutralize`'s rule on every string column of a polars frame, vectorized (``export --format csv``)."""
    import polars as pl

    starts = "^[" + "".join("\\t" if c == "\t" else "\\r" if c == "\r" else "\\" + c for c in _FORMULA) + "]"
    return df.with_columns(
        pl.when(pl.col(c).str.contains(starts)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
        for c, t in df.schema.items() if t == pl.String
    )


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([neutralize(r.get(c)) for c in columns])
    return buf.getvalue()


def _flat(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict) and k != "evidence":
            out.update(_flat(v, f"{prefix}{k}_"))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _kv(d: dict[str, Any], key: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**key, "field": k, "value": v} for k, v in _flat(d).items()]


def _columns(spec: dict[str, Any], drop: tuple[str, ...] = ()) -> list[str]:
    """Flat column names of an object schema (nested objects become ``parent_child``)."""
    defs = schema()["$defs"]
    cols: list[str] = []
    for k, v in spec["properties"].items():
        if k in drop:
            continue
        ref = v.get("$ref") or next((a["$ref"] for a in v.get("anyOf", []) if "$ref" in a), None)
        sub = defs[ref.rsplit("/", 1)[-1]] if ref else None
        if sub is not None and sub.get("type") == "object" and k != "evidence":
            cols += [f"{k}_{x}" for x in sub["properties"]]
        else:
            cols.append(k)
    return cols


def _items_spec(*path: str) -> dict[str, Any]:
    """The schema of the items of the array at ``$defs/<path>``."""
    node: dict[str, Any] = schema()["$defs"]
    for part in path:
        node = node[part] if part in node else node["properties"][part]
    node = node.get("items", node)
    if "$ref" in node:
        node = schema()["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _add(files: dict[str, str], name: str, items: list[dict[str, Any]], key: dict[str, Any],
         columns: list[str], drop: tuple[str, ...] = ()) -> None:
    """One CSV with fixed columns (from the published schema): same header for every report."""
    rows = [{**key, **_flat({k: v for k, v in it.items() if k not in drop})} for it in items]
    files[name] = _table(rows, [*key, *[c for c in columns if c not in key]])


_EXTERNAL_COLS = ["cluster_id", "name", "kind", "parent_external", "cited_via", "n_articles"]


def render_csv(report: dict[str, Any]) -> dict[str, str]:
    """``{file name: CSV text}`` for the report; file names are fixed (no data in them)."""
    kind = report["kind"]
    files: dict[str, str] = {}
    body = report[kind]
    if kind == "cluster":
        key = {"cluster_id": body["cluster_id"]}
        files["summary.csv"] = _table(_kv({k: v for k, v in body["summary"].items()
                                           if k not in ("outlet_counts", "credit_sources", "relations", "derivations")},
                                          key), ["cluster_id", "field", "value"])
        _add(files, "members.csv", body["members"], key, _columns(_items_spec("member"), ("credits",)),
             drop=("credits",))
        _add(files, "links.csv", body["links"], key, _columns(_items_spec("link"), ("passages",)), drop=("passages",))
        passages = [{"child": ln["child"], "parent": ln["parent"], **p} for ln in body["links"] for p in ln["passages"]]
        files["passages.csv"] = _table([{**key, **p} for p in passages],
                                       ["cluster_id", "child", "parent", *_columns(_items_spec("passage"))])
        credits = [{"article_id": m["article_id"], **c} for m in body["members"] for c in m["credits"]]
        files["credits.csv"] = _table([{**key, **c} for c in credits], ["cluster_id", "article_id", *_columns(_items_spec("credit"))])
        _add(files, "outlets.csv", body["summary"]["outlet_counts"], key,
             _columns(_items_spec("cluster", "summary", "outlet_counts")))
        _add(files, "external_nodes.csv", body["external_nodes"], key, _EXTERNAL_COLS)
    elif kind in ("outlet", "agency"):
        key = {kind: body[kind]}
        lists = ("agencies", "sources", "republishers", "uncredited_copies", "lag_bins", "derivations", "relations",
                 "own_outlets")
        files["summary.csv"] = _table(_kv({k: v for k, v in body.items() if k not in lists and k != kind}, key),
                                      [kind, "field", "value"])
        for name in ("agencies", "sources", "republishers", "lag_bins", "derivations", "relations"):
            if name in body:
                _add(files, f"{name}.csv", body[name], key, _columns(_items_spec(kind, name)))
        _add(files, "uncredited_copies.csv", body["uncredited_copies"], key,
             _columns(_items_spec("copy"), ("passages",)), drop=("passages",))
        passages = [{"child": r["article_id"], "parent": r["parent_id"], **p}
                    for r in body["uncredited_copies"] for p in r.get("passages", [])]
        files["passages.csv"] = _table([{**key, **p} for p in passages], [kind, "child", "parent", *_columns(_items_spec("passage"))])
    elif kind == "corpus":
        files["overview.csv"] = _table(_kv(body["overview"], {}), ["field", "value"])
        for name in ("top_clusters", "top_outlets", "top_agencies", "files"):
            _add(files, f"{name}.csv", body[name], {}, _columns(_items_spec("corpus", name)))
    else:
        raise ValueError(f"unknown report kind {kind!r}")
    g = {**report["generated"], "digest": report["digest"], "report_version": report["report_version"],
         "kind": kind, "title": report["title"]}
    files["provenance.csv"] = _table(_kv(g, {}), ["field", "value"])
    return files
