"""docs/PYTHON.md's examples run, in order, against a store built from data/sample in a fresh folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "PYTHON.md"


def blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)


def test_python_doc_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = blocks(DOC.read_text(encoding="utf-8"))
    assert len(code) >= 5
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sample").symlink_to(ROOT / "data" / "sample")
    monkeypatch.chdir(tmp_path)
    ns: dict[str, object] = {"__name__": "__docs__"}
    for i, src in enumerate(code):
        try:
            exec(compile(src, f"{DOC.name}[block {i + 1}]", "exec"), ns)  # noqa: S102 - our own docs
        except Exception as e:  # noqa: BLE001
            pytest.fail(f"docs/PYTHON.md block {i + 1} failed: {type(e).__name__}: {e}\n{src}")
    assert (tmp_path / "news.duckdb").exists()


def test_import_is_lazy_and_exports_resolve() -> None:
    import subprocess
    import sys

    probe = ("import sys, provenance; assert 'duckdb' not in sys.modules and 'numba' not in sys.modules; "
             "[getattr(provenance, n) for n in provenance.__all__]; print('ok')")
    r = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=False)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr
