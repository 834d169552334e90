"""The layers of docs/ARCHITECTURE.md, checked on the import graph (issue 17).

Every module under ``provenance/`` and ``dashboard/`` is parsed with ``ast`` (nothing is
imported), its imports resolved to modules (function-level imports included: a lazy import is
still a dependency), and the graph must hold three rules:

(a) no import cycle among the modules;
(b) a module imports only modules of its own layer or of a layer below it, in the order of
    :data:`ORDER`; tools (bench, synth, lineage_eval) import anything but shells, and only
    shells import tools. So a stage never imports the store, a service, an engine, a shell or
    a tool;
(c) a module never imports an underscored name (``_x``, or a module ``_x``) of a module in
    another group; a group's own package-private helpers (``ingest._common`` for the readers,
    ``report.profiles._Context`` for the report model) are the design.
And SQL (``SELECT``/``INSERT``/... string literals, ``duckdb``) appears only in :data:`SQL_HOMES`.

:data:`LAYERS` is keyed by module name; the folder move of issue 17 only renames its keys.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Layers from the bottom up: a module may import its own layer and those before it.
ORDER = ("core", "stage", "store", "service", "engine", "shell")
TOOL = "tool"

#: module -> (layer, group). The group is the folder a module belongs to (rule (c)); ``top`` is the
#: package root. Layers (docs/ARCHITECTURE.md, "Layers"):
#: core     definitions every layer shares: errors, config, schemas, the package itself
#: stage    pure computations over frames: readers, extraction, detection, tracing, analytics
#: store    the DuckDB file: connections, writes, named reads, the writer lock
#: service  library operations over the store that shells and engines call
#: engine   whole runs: the local pipeline, its process pool, Spark, import of a Spark run
#: shell    what a person runs: CLI, the Python API, reports, the dashboard
#: tool     benchmarks, the synthetic corpus, evaluation harnesses
LAYERS: dict[str, tuple[str, str]] = {
    "provenance": ("core", "top"),
    "provenance.config": ("core", "top"),
    "provenance.extract": ("core", "extract"),  # package marker: a docstring, no imports
    "provenance.detect": ("core", "detect"),  # package marker: a docstring, no imports
    "provenance.trace": ("core", "trace"),  # package marker: a docstring, no imports
    "provenance.engine": ("core", "engine"),  # package marker: a docstring, no imports
    "provenance.cli": ("core", "cli"),  # package marker: a docstring, no imports
    "provenance.tools": ("core", "tools"),  # package marker: a docstring, no imports
    "provenance.cli.__main__": ("shell", "cli"),
    "provenance.errors": ("core", "top"),
    "provenance.schemas": ("core", "top"),
    # stages
    "provenance.ingest": ("stage", "ingest"),
    "provenance.ingest._common": ("stage", "ingest"),
    "provenance.ingest.jsonl": ("stage", "ingest"),
    "provenance.ingest.pages": ("stage", "ingest"),
    "provenance.ingest.tabular": ("stage", "ingest"),
    "provenance.ingest.warc": ("stage", "ingest"),
    "provenance.extract.clean": ("stage", "extract"),
    "provenance.extract.boilerplate": ("stage", "extract"),
    "provenance.extract.dates": ("stage", "extract"),
    "provenance.detect.normalize": ("stage", "detect"),
    "provenance.detect.fingerprint": ("stage", "detect"),
    "provenance.detect.candidates": ("stage", "detect"),
    "provenance.detect.cooccur": ("stage", "detect"),
    "provenance.detect.verify": ("stage", "detect"),
    "provenance.detect.sourced": ("stage", "detect"),
    "provenance.detect.cluster": ("stage", "detect"),
    "provenance.detect.align": ("stage", "detect"),
    "provenance.detect.names": ("stage", "detect"),
    "provenance.detect.quotes": ("stage", "detect"),
    "provenance.trace.lineage": ("stage", "trace"),
    "provenance.trace.attribution": ("stage", "trace"),
    "provenance.trace.republished": ("stage", "trace"),
    "provenance.trace.agency_sites": ("stage", "trace"),
    "provenance.trace.analytics": ("stage", "trace"),
    "provenance.trace.chaingroups": ("stage", "trace"),
    # the store
    "provenance.store": ("store", "top"),
    "provenance.queries": ("store", "top"),
    "provenance.lock": ("store", "top"),
    "provenance.summaries": ("store", "top"),
    # services over the store
    "provenance.ingest.identity": ("service", "ingest"),
    "provenance.detect.search": ("service", "detect"),
    "provenance.detect.history": ("service", "detect"),
    "provenance.trace.explain": ("service", "trace"),
    "provenance.trace.overrides": ("service", "trace"),
    "provenance.exports": ("service", "top"),
    "provenance.engine.newstore": ("service", "engine"),
    # engines
    "provenance.engine.pipeline": ("engine", "engine"),
    "provenance.engine.parallel": ("engine", "engine"),
    "provenance.engine.spark": ("engine", "engine"),
    "provenance.engine.importer": ("engine", "engine"),
    "provenance.engine.reclean": ("engine", "engine"),
    # shells
    "provenance.__main__": ("shell", "cli"),
    "provenance.cli.main": ("shell", "cli"),
    "provenance.cli.report": ("shell", "cli"),
    "provenance.cli.explain": ("shell", "cli"),
    "provenance.cli.override": ("shell", "cli"),
    "provenance.cli.dashboard": ("shell", "cli"),
    "provenance.cli.output": ("shell", "cli"),
    "provenance.api": ("shell", "top"),
    "provenance.report": ("shell", "report"),
    "provenance.report.cluster": ("shell", "report"),
    "provenance.report.common": ("shell", "report"),
    "provenance.report.csv_format": ("shell", "report"),
    "provenance.report.fmt": ("shell", "report"),
    "provenance.report.html": ("shell", "report"),
    "provenance.report.json_format": ("shell", "report"),
    "provenance.report.markdown": ("shell", "report"),
    "provenance.report.model": ("shell", "report"),
    "provenance.report.paths": ("shell", "report"),
    "provenance.report.pdf": ("shell", "report"),
    "provenance.report.profiles": ("shell", "report"),
    "provenance.report.svg": ("shell", "report"),
    "dashboard": ("shell", "dashboard"),
    "dashboard.app_pages": ("shell", "dashboard"),
    "dashboard.app_pages.agency": ("shell", "dashboard"),
    "dashboard.app_pages.cluster": ("shell", "dashboard"),
    "dashboard.app_pages.clusters": ("shell", "dashboard"),
    "dashboard.app_pages.explain": ("shell", "dashboard"),
    "dashboard.app_pages.outlet": ("shell", "dashboard"),
    "dashboard.app_pages.overrides": ("shell", "dashboard"),
    "dashboard.app_pages.overview": ("shell", "dashboard"),
    "dashboard.app_pages.search": ("shell", "dashboard"),
    "dashboard.common": ("shell", "dashboard"),
    "dashboard.data": ("shell", "dashboard"),
    "dashboard.render": ("shell", "dashboard"),
    "dashboard.reports": ("shell", "dashboard"),
    "dashboard.streamlit_app": ("shell", "dashboard"),
    "dashboard.views": ("shell", "dashboard"),
    # tools
    "provenance.tools.bench": (TOOL, "tools"),
    "provenance.tools.synth": (TOOL, "tools"),
    "provenance.tools.synth.__main__": (TOOL, "tools"),
    "provenance.tools.synth.cli": (TOOL, "tools"),
    "provenance.tools.synth.corpus": (TOOL, "tools"),
    "provenance.tools.synth.events": (TOOL, "tools"),
    "provenance.tools.synth.fast": (TOOL, "tools"),
    "provenance.tools.synth.frames": (TOOL, "tools"),
    "provenance.tools.synth.grammar": (TOOL, "tools"),
    "provenance.tools.synth.ops": (TOOL, "tools"),
    "provenance.tools.synth.outlets": (TOOL, "tools"),
    "provenance.tools.synth.pages": (TOOL, "tools"),
    "provenance.tools.synth.plan": (TOOL, "tools"),
    "provenance.tools.synth.realistic": (TOOL, "tools"),
    "provenance.tools.synth.sample": (TOOL, "tools"),
    "provenance.tools.synth.schema": (TOOL, "tools"),
    "provenance.tools.synth.vocab": (TOOL, "tools"),
    "provenance.tools.synth.writers": (TOOL, "tools"),
    "provenance.tools.lineage_eval": (TOOL, "tools"),
}

#: Known violations, each with who removes it and when. An entry that no longer matches an
#: import fails the test too, so the list cannot go stale.
ALLOWED: dict[tuple[str, str], str] = {
}

#: Where SQL may be written (docs/ARCHITECTURE.md, "Where SQL lives").
SQL_HOMES = {
    "provenance.store",  # connections, the transaction, every write, the ingest's lookups
    "provenance.queries",  # named reads: CLI, search, explain, overrides, history, exports, API, reports
    # The dashboard's precomputed status tables: their builder (run in the store's write transaction,
    # by ingest once it calls it) and the stamp that says whether they are current.
    "provenance.summaries",
    # The dashboard's read model: aggregate SQL built per page, cached per store version. It reads
    # through store.frame and Store.reader; moving its SQL into named queries is issue 17's follow-up.
    "dashboard.data",
    # Tools build their own comparison databases (lineage_eval: the harness once it leaves lineage.py).
    "provenance.tools.bench", "provenance.tools.lineage_eval",
}

SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|WITH|BEGIN|COMMIT|ROLLBACK)\b", re.IGNORECASE)


# -- the checker ---------------------------------------------------------------------------------------


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Module name -> file, for every module under provenance/ and dashboard/."""
    out: dict[str, Path] = {}
    for top in ("provenance", "dashboard"):
        for p in sorted((root / top).rglob("*.py")):
            parts = list(p.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = p
    return out


def imports_of(name: str, source: str, *, is_package: bool, known: set[str]) -> set[str]:
    """What module ``name`` imports: module names, and ``module.attr`` for names taken from a module.

    ``from a import b`` gives ``a.b`` (a module or a name of ``a``); attribute reads ``m._x`` on a
    module bound by ``import``/``from .. import m`` give ``m._x`` too, so reaching into a module's
    private names through an alias is seen like a ``from`` import.
    """
    tree = ast.parse(source)
    found: set[str] = set()
    alias: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                found.add(a.name)
                if a.asname:
                    alias[a.asname] = a.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                pkg = name.split(".") if is_package else name.split(".")[:-1]
                pkg = pkg[: len(pkg) - (node.level - 1)]
                base = ".".join(pkg + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if any(f"{base}.{a.name}" not in known for a in node.names):
                found.add(base)  # a name defined by the module (not only submodules of a package)
            for a in node.names:
                found.add(f"{base}.{a.name}")
                if f"{base}.{a.name}" in known:
                    alias[a.asname or a.name] = f"{base}.{a.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in alias:
            found.add(f"{alias[node.value.id]}.{node.attr}")
    return found


def graph(files: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the names it imports (see :func:`imports_of`), only those inside our packages."""
    known = set(files)
    out: dict[str, set[str]] = {}
    for name, path in files.items():
        got = imports_of(name, path.read_text(encoding="utf-8"), is_package=path.name == "__init__.py", known=known)
        out[name] = {g for g in got if _owner(g, known) is not None and _owner(g, known) != name}
    return out


def _owner(target: str, known: set[str]) -> str | None:
    """The module an imported name lives in (``a.b._x`` -> ``a.b``), None outside our packages."""
    parts = target.split(".")
    for i in range(len(parts), 0, -1):
        if ".".join(parts[:i]) in known:
            return ".".join(parts[:i])
    return None


def cycles(edges: dict[str, set[str]], known: set[str]) -> list[list[str]]:
    """The strongly connected components of more than one module (each holds a cycle)."""
    succ = {m: {_owner(t, known) for t in ts} - {None, m} for m, ts in edges.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on.add(v)
        for w in sorted(succ.get(v, ())):  # type: ignore[type-var]
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(succ):
        if v not in index:
            visit(v)
    return out


def violations(edges: dict[str, set[str]], layers: dict[str, tuple[str, str]],
               allowed: dict[tuple[str, str], str]) -> list[str]:
    """Every broken rule (a), (b), (c) as a sentence; empty when the graph holds them all."""
    known = set(edges) | set(layers)
    used: set[tuple[str, str]] = set()
    out: list[str] = []

    def ok(src: str, target: str) -> bool:
        for key in ((src, target), (src, _owner(target, known) or target)):
            if key in allowed:
                used.add(key)
                return True
        return False

    missing = sorted(set(edges) - set(layers))
    out += [f"{m} has no layer: add it to LAYERS" for m in missing]
    kept = {m: {t for t in ts if not ok(m, t)} for m, ts in edges.items()}
    out += [f"import cycle: {' -> '.join(c)}" for c in cycles(kept, known)]
    for src, targets in sorted(kept.items()):
        if src not in layers:
            continue
        layer, group = layers[src]
        for target in sorted(targets):
            dst = _owner(target, known)
            if dst is None or dst not in layers:
                continue
            dlayer, dgroup = layers[dst]
            if dlayer == TOOL and layer not in ("shell", TOOL):
                out.append(f"{src} ({layer}) imports the tool {dst}")
            elif layer == TOOL and dlayer == "shell":
                out.append(f"tool {src} imports the shell {dst}")
            elif TOOL not in (layer, dlayer) and ORDER.index(dlayer) > ORDER.index(layer):
                out.append(f"{src} ({layer}) imports {dst} ({dlayer}), a layer above it")
            private = [p for p in target.split(".") if p.startswith("_") and not p.startswith("__")]
            if private and dgroup != group:
                out.append(f"{src} ({group}) uses {target}, a private name of another group ({dgroup})")
    out += [f"stale allow-list entry {k}: nothing imports it any more" for k in sorted(set(allowed) - used)]
    return out


def sql_outside_homes(files: dict[str, Path], homes: set[str]) -> list[str]:
    """Modules that write SQL (a string literal starting with a statement keyword) or import duckdb."""
    out: list[tuple[str, int, str]] = []
    for name, path in sorted(files.items()):
        if name in homes:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value) \
                    and re.search(r"\b(FROM|INTO|TABLE|SET|VALUES)\b", node.value, re.IGNORECASE):
                out.append((name, node.lineno, f"writes SQL: {node.value[:60]!r}"))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                if any(m.split(".")[0] == "duckdb" for m in mods):
                    out.append((name, node.lineno, "imports duckdb"))
    return [f"{n}:{line} {what}" for n, line, what in sorted(out)]


# -- the rules on this repository ----------------------------------------------------------------------


def test_every_module_has_a_layer_and_every_layer_entry_a_module() -> None:
    files = module_files()
    assert sorted(set(files) - set(LAYERS)) == []
    # lineage_eval is the one module expected from another branch (see ALLOWED).
    assert sorted(set(LAYERS) - set(files) - {"provenance.tools.lineage_eval"}) == []


def test_layers_hold() -> None:
    files = module_files()
    assert violations(graph(files), LAYERS, ALLOWED) == []


def test_sql_lives_in_the_store_layer() -> None:
    assert sql_outside_homes(module_files(), SQL_HOMES) == []


# -- the checker on graphs made to break each rule ------------------------------------------------------

TINY = {
    "p.base": ("core", "top"),
    "p.stage_a": ("stage", "detect"),
    "p.stage_b": ("stage", "detect"),
    "p.other": ("stage", "trace"),
    "p.store": ("store", "top"),
    "p.engine": ("engine", "engine"),
    "p.shell": ("shell", "cli"),
    "p.tool": (TOOL, "tools"),
}


def _tiny(tmp_path: Path, sources: dict[str, str]) -> dict[str, set[str]]:
    for name, src in sources.items():
        path = tmp_path / (name.replace(".", "/") + ".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(src, encoding="utf-8")
    (tmp_path / "p" / "__init__.py").write_text("", encoding="utf-8")
    files = {n: tmp_path / (n.replace(".", "/") + ".py") for n in sources}
    return graph(files)


def test_checker_passes_a_clean_graph(tmp_path: Path) -> None:
    edges = _tiny(tmp_path, {
        "p.base": "X = 1\n", "p.stage_a": "from p import base\nfrom .stage_b import _helper\n",
        "p.stage_b": "def _helper(): ...\n", "p.store": "from p.stage_a import *\n",
        "p.engine": "import p.store\n", "p.shell": "from p import engine, tool\n", "p.tool": "from p import engine\n",
        "p.other": "from p.base import X\n",
    })
    assert violations(edges, TINY, {}) == []


@pytest.mark.parametrize(("sources", "expected"), [
    ({"p.stage_a": "from p import stage_b\n", "p.stage_b": "def f():\n    from p import stage_a\n"},
     "import cycle: p.stage_a -> p.stage_b"),
    ({"p.stage_a": "from p.store import Store\n", "p.store": ""}, "p.stage_a (stage) imports p.store (store), a layer above it"),
    ({"p.stage_a": "def f():\n    import p.engine\n", "p.engine": ""}, "p.stage_a (stage) imports p.engine (engine), a layer above it"),
    ({"p.stage_a": "from p import shell\n", "p.shell": ""}, "p.stage_a (stage) imports p.shell (shell), a layer above it"),
    ({"p.engine": "from p.tool import x\n", "p.tool": "x = 1\n"}, "p.engine (engine) imports the tool p.tool"),
    ({"p.tool": "from p import shell\n", "p.shell": ""}, "tool p.tool imports the shell p.shell"),
    ({"p.other": "from p.stage_a import _private\n", "p.stage_a": "_private = 1\n"},
     "p.other (trace) uses p.stage_a._private, a private name of another group (detect)"),
    ({"p.other": "from p import stage_a as s\ns._private()\n", "p.stage_a": ""},
     "p.other (trace) uses p.stage_a._private, a private name of another group (detect)"),
    ({"p.stage_a": "import p.unknown\n", "p.unknown": ""}, "p.unknown has no layer: add it to LAYERS"),
])
def test_checker_catches_each_rule(tmp_path: Path, sources: dict[str, str], expected: str) -> None:
    got = violations(_tiny(tmp_path, sources), TINY, {})
    assert expected in got, got


def test_allow_list_excuses_one_edge_and_goes_stale(tmp_path: Path) -> None:
    edges = _tiny(tmp_path, {"p.stage_a": "from p.store import Store\n", "p.store": ""})
    assert violations(edges, TINY, {("p.stage_a", "p.store"): "known"}) == []
    clean = _tiny(tmp_path / "clean", {"p.stage_a": "X = 1\n", "p.store": ""})
    assert violations(clean, TINY, {("p.stage_a", "p.store"): "known"}) == [
        "stale allow-list entry ('p.stage_a', 'p.store'): nothing imports it any more"]


def test_sql_check_finds_a_query_outside_its_homes(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "a.py").write_text('Q = "SELECT x FROM t"\nimport duckdb\nDOC = "select the best"\n')
    files = {"p.a": tmp_path / "p" / "a.py"}
    assert sql_outside_homes(files, set()) == ["p.a:1 writes SQL: 'SELECT x FROM t'", "p.a:2 imports duckdb"]
    assert sql_outside_homes(files, {"p.a"}) == []
