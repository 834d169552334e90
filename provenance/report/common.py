"""Shared pieces of the report model: the store connection, value helpers, the evidence header.

See :mod:`provenance.report.model` for what a report is.
"""

from __future__ import annotations

import hashlib
import json
import math
import statistics
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import xxhash

from provenance import __version__, queries
from provenance.detect.align import align
from provenance.errors import StoreError
from provenance.store import Store

REPORT_VERSION = "1"
#: How many clusters, outlets and agencies the corpus report lists.
TOP_N = 20

# ----------------------------------------------------------------------------------------------
# Store access
# ----------------------------------------------------------------------------------------------


#: One read-only session over the store (its SQL lives in :mod:`provenance.queries`).
DB = queries.ReadSession


@contextmanager
def open_db(store: Store) -> Iterator[DB]:
    with store.reader() as con:
        db = DB(con, str(store.path))
        if not db.has("articles"):
            raise StoreError(f"{store.path} is not a provenance store (no articles table)")
        yield db


# ----------------------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------------------


def _iso(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=UTC)
        return v.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def _local_iso(v: Any, offset: int | None) -> str | None:
    """The UTC datetime ``v`` on the clock the page wrote it in ("2024-10-16T16:45:00+05:30"); None
    without an offset."""
    if not isinstance(v, datetime) or offset is None:
        return None
    if v.tzinfo is None:
        v = v.replace(tzinfo=UTC)
    return v.astimezone(timezone(timedelta(minutes=int(offset)))).isoformat()


def _f(v: Any, nd: int = 4) -> float | None:
    if v is None:
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) or math.isinf(x) else round(x, nd)


def _b(v: Any) -> bool | None:
    return None if v is None else bool(v)


def _jsonable(v: Any) -> Any:
    """Any value read from the store as JSON-safe data."""
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return _f(v, 6)
    if isinstance(v, (datetime, date)):
        return _iso(v)
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return str(v)


def _evidence(v: Any) -> Any:
    """Lineage evidence as stored: JSON text is parsed, anything else kept as is."""
    if isinstance(v, str):
        s = v.strip()
        if s[:1] in ("{", "["):
            try:
                return _jsonable(json.loads(s))
            except ValueError:
                return v
        return v
    return _jsonable(v)


def _minutes(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return round((b - a).total_seconds() / 60.0, 1)


def _share(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


def _lag_stats(lags: Sequence[float | None]) -> dict[str, Any]:
    xs = sorted(x for x in lags if x is not None and x >= 0)  # a negative lag is a contradiction, not a lag
    if not xs:
        return {"n": 0, "median_minutes": None, "p90_minutes": None, "mean_minutes": None,
                "min_minutes": None, "max_minutes": None}
    p90 = xs[min(len(xs) - 1, math.ceil(0.9 * len(xs)) - 1)]
    return {
        "n": len(xs),
        "median_minutes": round(statistics.median(xs), 1),
        "p90_minutes": round(p90, 1),
        "mean_minutes": round(statistics.fmean(xs), 1),
        "min_minutes": round(xs[0], 1),
        "max_minutes": round(xs[-1], 1),
    }


def text_hash(text: str | None) -> str:
    """xxh64 hex of a text, as ``articles.content_hash`` is computed."""
    return xxhash.xxh64_hexdigest((text or "").encode("utf-8"))


#: lineage ``credited`` values that mean the copy names its source (the origin or an intermediary).
CREDITED = ("credits_origin", "credits_intermediary")
#: Relations whose body text is the parent's, unchanged (a new headline is allowed).
VERBATIM = ("verbatim", "headline_changed")


def _status(is_origin: bool, credited: Any) -> str:
    """origin | credited | uncredited | miscredited | licensed | unknown, from lineage's ``credited``.

    Older stores may hold a boolean; it maps to credited/uncredited.
    """
    if is_origin:
        return "origin"
    if credited is None or credited == "n/a":
        return "unknown"
    if isinstance(credited, bool):
        return "credited" if credited else "uncredited"
    if credited in CREDITED:
        return "credited"
    if credited in ("uncredited", "miscredited", "licensed"):  # licensed: an editor's licence override
        return credited
    return "unknown"


def _credit_value(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "credits_origin" if v else "uncredited"
    return str(v)


# ----------------------------------------------------------------------------------------------
# Header: tool, store, config, time
# ----------------------------------------------------------------------------------------------


def _config_as_used(config: dict[str, Any], ingest_options: str | None) -> dict[str, Any]:
    """The config as the last ingest ran it.

    ``Config.fingerprint_batch_docs`` is how many documents one compiled hashing call takes (50,000),
    not the ingest's ``--batch-size`` (records per transaction, 150,000 by default), which is shown
    as recorded by the last ingest (``meta.ingest_options``). Stores written before the field was
    renamed hold it as ``batch_size``.
    """
    out = dict(config)
    if "batch_size" in out:
        out["fingerprint_batch_docs"] = out.pop("batch_size")
    try:
        opts = json.loads(ingest_options) if ingest_options else {}
    except ValueError:
        opts = {}
    for k, v in (opts or {}).items():
        out[f"ingest_{k}"] = v
    return out


def _generated(db: DB, now: datetime | None = None) -> dict[str, Any]:
    meta = queries.meta(db)
    try:
        config = json.loads(meta["config"]) if "config" in meta else None
    except ValueError:
        config = None
    if isinstance(config, dict):
        config = _config_as_used(config, meta.get("ingest_options"))
    last = queries.last_ingest_finished(db)
    return {
        "generated_at": _iso(now or datetime.now(UTC)),
        "tool_version": __version__,
        "store_tool_version": meta.get("tool_version"),
        "store_version": int(meta["store_version"]) if str(meta.get("store_version", "")).isdigit() else None,
        "store_schema_version": meta.get("schema_version"),
        "store_updated_at": meta.get("updated_at") or _iso(last),
        "store_file": db.path.rsplit("/", 1)[-1],
        "config": _jsonable(config),
        "tables": sorted(t for t in db.columns if t in ("credits", "lineage", "external_nodes", "pairs", "clusters")),
    }


def report_digest(report: dict[str, Any]) -> str:
    """SHA-256 of the report's canonical JSON, without ``generated.generated_at`` and ``digest``."""
    body = {k: v for k, v in report.items() if k != "digest"}
    gen = dict(body.get("generated") or {})
    gen.pop("generated_at", None)
    body["generated"] = gen
    blob = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _finish(db: DB, kind: str, title: str, body: dict[str, Any], now: datetime | None) -> dict[str, Any]:
    report = {
        "report_version": REPORT_VERSION,
        "kind": kind,
        "title": title,
        "generated": _generated(db, now),
        kind: body,
    }
    report["digest"] = report_digest(report)
    return report



def _alignment(parent_text: str, child_text: str, *, k: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    al = align(parent_text, child_text, k=k)
    ops = Counter()
    for r in al.edits.iter_rows(named=True):
        ops[r["op"]] += max(int(r["a_tokens"] or 0), int(r["b_tokens"] or 0))
    shared = al.shared_tokens()
    summary = {
        "parent_tokens": al.a_tokens,
        "child_tokens": al.b_tokens,
        "shared_tokens": shared,
        "child_coverage": _share(shared, al.b_tokens),
        "parent_coverage": _share(shared, al.a_tokens),
        "inserted_tokens": ops.get("inserted", 0),
        "deleted_tokens": ops.get("deleted", 0),
        "changed_tokens": ops.get("changed", 0),
        "moved_tokens": ops.get("moved", 0),
    }
    passages = []
    for r in al.passages.sort("b_start").iter_rows(named=True):
        text = child_text[r["b_start"] : r["b_end"]]
        ptext = parent_text[r["a_start"] : r["a_end"]]
        passages.append({
            "parent_start": r["a_start"],
            "parent_end": r["a_end"],
            "child_start": r["b_start"],
            "child_end": r["b_end"],
            "n_tokens": r["n_tokens"],
            "in_order": bool(r["in_order"]),
            "text": text,
            "text_hash": text_hash(text),
            "parent_text": None if ptext == text else ptext,
        })
    return summary, passages



def _counts(values: Any) -> list[dict[str, Any]]:
    c = Counter(v for v in values if v is not None)
    return [{"value": str(k), "n": n} for k, n in sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))]


def _dt(s: str | None) -> datetime | None:
    return None if s is None else datetime.fromisoformat(s.replace("Z", "+00:00"))


