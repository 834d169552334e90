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

__all__ = ["render_csv", "neutralize"]

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


def _rows(items: list[dict[str, Any]], key: dict[str, Any], drop: tuple[str, ...] = ()) -> tuple[list[dict[str, Any]], list[str]]:
    rows = [{**key, **_flat({k: v for k, v in it.items() if k not in drop})} for it in items]
    cols: dict[str, None] = dict.fromkeys(key)
    for r in rows:
        cols.update(dict.fromkeys(r))
    return rows, list(cols)


def _add(files: dict[str, str], name: str, items: list[dict[str, Any]], key: dict[str, Any],
         drop: tuple[str, ...] = (), columns: list[str] | None = None) -> None:
    rows, cols = _rows(items, key, drop)
    files[name] = _table(rows, columns or cols)


_PASSAGE_COLS = ["parent_start", "parent_end", "child_start", "child_end", "n_tokens", "in_order", "text_hash",
                 "text", "parent_text"]
_CREDIT_COLS = ["source", "kind", "role", "field", "span_start", "span_end", "span_text", "cited_via"]


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
        _add(files, "members.csv", body["members"], key, drop=("credits",))
        _add(files, "links.csv", body["links"], key, drop=("passages",))
        passages = [{"child": ln["child"], "parent": ln["parent"], **p} for ln in body["links"] for p in ln["passages"]]
        files["passages.csv"] = _table([{**key, **p} for p in passages],
                                       ["cluster_id", "child", "parent", *_PASSAGE_COLS])
        credits = [{"article_id": m["article_id"], **c} for m in body["members"] for c in m["credits"]]
        files["credits.csv"] = _table([{**key, **c} for c in credits], ["cluster_id", "article_id", *_CREDIT_COLS])
        _add(files, "outlets.csv", body["summary"]["outlet_counts"], key)
        _add(files, "external_nodes.csv", body["external_nodes"], key)
    elif kind in ("outlet", "agency"):
        key = {kind: body[kind]}
        lists = ("agencies", "sources", "republishers", "uncredited_copies", "lag_bins", "derivations", "relations",
                 "own_outlets")
        files["summary.csv"] = _table(_kv({k: v for k, v in body.items() if k not in lists and k != kind}, key),
                                      [kind, "field", "value"])
        for name in ("agencies", "sources", "republishers", "lag_bins", "derivations", "relations"):
            if name in body:
                _add(files, f"{name}.csv", body[name], key)
        _add(files, "uncredited_copies.csv", body["uncredited_copies"], key, drop=("passages",))
        passages = [{"child": r["article_id"], "parent": r["parent_id"], **p}
                    for r in body["uncredited_copies"] for p in r.get("passages", [])]
        files["passages.csv"] = _table([{**key, **p} for p in passages], [kind, "child", "parent", *_PASSAGE_COLS])
    elif kind == "corpus":
        files["overview.csv"] = _table(_kv(body["overview"], {}), ["field", "value"])
        for name in ("top_clusters", "top_outlets", "top_agencies", "files"):
            _add(files, f"{name}.csv", body[name], {})
    else:
        raise ValueError(f"unknown report kind {kind!r}")
    g = {**report["generated"], "digest": report["digest"], "report_version": report["report_version"],
         "kind": kind, "title": report["title"]}
    files["provenance.csv"] = _table(_kv(g, {}), ["field", "value"])
    return files
