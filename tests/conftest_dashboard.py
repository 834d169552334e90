"""The store the dashboard tests read: data/sample plus a few known records, through the real pipeline.

Not a conftest (pytest does not load it by itself): each dashboard test
module wraps :func:`get_store` in its own session fixture. The store is built once per
test session from data/sample's article files (not its ``truth.csv``) and
the extra records below, in one ingest through the real pipeline.

The extra records are one wire story with three copies whose shape the
tests know: a credited verbatim copy, an uncredited trimmed copy, and a
hostile copy whose outlet, title and body carry ``<script>`` and
``<img onerror>``; plus one unrelated article.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from provenance.store import Store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"

HOSTILE_SCRIPT = "<script>window.__pwned=1</script>"
HOSTILE_IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE_OUTLET = "Evil <b>Herald</b> <img src=x onerror=window.__pwned=1>"
HOSTILE_TITLE = f"Hostile {HOSTILE_SCRIPT} {HOSTILE_IMG} headline"

WIRE_ID = "dash-wire-1"
CREDITED_ID = "dash-copy-credited"
TRIMMED_ID = "dash-copy-trimmed"
HOSTILE_ID = "dash-copy-hostile"
LONE_ID = "dash-lone-1"
WIRE_OUTLET = "ptinews.com"  # the agency's own site: its copies hang off this story
CREDITED_OUTLET = "Dashtest Gazette"
TRIMMED_OUTLET = "Dashtest Chronicle"
WIRE_TITLE = "Dashtest: ministers agree on harbour dredging plan"

_SYLLABLES = ["ka", "lo", "mi", "ren", "tas", "vu", "dor", "pel", "shi", "gan", "tri", "bo", "zel", "mun", "ea",
              "quo", "ras", "fen", "lir", "dax", "ob", "nu", "sar", "kel"]


def _words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))) for _ in range(n)]


def _paragraph(rng: random.Random) -> str:
    sentences = []
    for _ in range(4):
        w = _words(rng, rng.randint(12, 18))
        sentences.append(" ".join(w).capitalize() + ".")
    return " ".join(sentences)


def extra_records() -> list[dict[str, Any]]:
    rng = random.Random(20241016)
    paras = [_paragraph(rng) for _ in range(5)]
    body = "\n\n".join(paras)
    return [
        {"id": WIRE_ID, "outlet": WIRE_OUTLET, "published": "2031-03-02T06:00:00Z", "title": WIRE_TITLE,
         "byline": "PTI", "text": "NEW DELHI, Mar 2 (PTI) - " + body, "url": "https://wire.example/dash-1"},
        {"id": CREDITED_ID, "outlet": CREDITED_OUTLET, "published": "2031-03-02T13:00:00+05:30", "title": WIRE_TITLE,
         "byline": None, "text": body + "\n\n(With inputs from PTI)", "url": "https://gazette.example/dash-1"},
        {"id": TRIMMED_ID, "outlet": TRIMMED_OUTLET, "published": "2031-03-02T09:10:00Z",
         "title": "Harbour plan agreed", "byline": None, "text": "\n\n".join(paras[:3]), "url": None},
        {"id": HOSTILE_ID, "outlet": HOSTILE_OUTLET, "published": "2031-03-02T11:45:00Z", "title": HOSTILE_TITLE,
         "byline": None, "text": f"Body {HOSTILE_SCRIPT} and {HOSTILE_IMG} intro.\n\n" + "\n\n".join(paras[:4]),
         "url": None},
        {"id": LONE_ID, "outlet": TRIMMED_OUTLET, "published": "2031-03-03T08:00:00Z",
         "title": "Unrelated council meeting", "byline": None,
         "text": "\n\n".join(_paragraph(rng) for _ in range(4)), "url": None},
    ]


def wire_body_excerpt() -> str:
    """Two paragraphs of the wire story, as a user would paste them into search."""
    return "\n\n".join(extra_records()[2]["text"].split("\n\n")[:2])


_BUILT: dict[str, Store] = {}


def sample_inputs() -> list[Path]:
    """data/sample's inputs: everything in it but its ground truth (``truth.*`` is not an article file)."""
    if not SAMPLE.exists():
        return []
    return sorted(p for p in SAMPLE.iterdir() if not p.name.startswith("truth"))


def build(tmp_root: Path) -> Store:
    """Ingest data/sample's inputs and the extra records into a new store, through the real pipeline."""
    from provenance.engine.pipeline import ingest

    tmp_root.mkdir(parents=True, exist_ok=True)
    src = tmp_root / "dashboard_extra.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in extra_records()) + "\n", encoding="utf-8")
    store = Store(tmp_root / "dashboard.duckdb")
    ingest([*sample_inputs(), src], store=store)
    return store


def get_store(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Store:
    """The dashboard tests' store (read-only for tests; built once per session, shared by the modules)."""
    if "store" not in _BUILT:
        _BUILT["store"] = build(tmp_path_factory.mktemp("dashboard"))
    return _BUILT["store"]
