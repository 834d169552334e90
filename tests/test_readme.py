"""README's worked example: its commands run on the bundled sample and print the lines shown.

Lines drawn with table borders are skipped (their wrapping depends on the terminal width); every other
expected line must appear in the command's output, whitespace aside (rich wraps long lines)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from provenance.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BOX = set("│┃┏┡└├┌┐┘┤┬┴┼━─")


def worked_example() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) of every ``$ provenance`` line in the worked example's console blocks."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## A worked example", 1)[1].split("\n## ", 1)[0]
    steps: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
    return steps


def _norm(s: str) -> str:
    return " ".join(s.split())


def test_worked_example_runs_and_prints_what_the_readme_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    steps = worked_example()
    assert len(steps) >= 4
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sample").symlink_to(ROOT / "data" / "sample")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    checked = 0
    for cmd, expected in steps:
        argv = shlex.split(cmd)
        assert argv[0] == "provenance"
        r = runner.invoke(main, argv[1:])
        assert r.exit_code == 0, f"{cmd}\n{r.output}"
        got = _norm(r.output)
        for line in expected:
            if not line.strip() or BOX & set(line):
                continue
            assert _norm(line) in got, f"`{cmd}` did not print:\n{line}\n--- it printed:\n{r.output}"
            checked += 1
    assert checked >= 10
