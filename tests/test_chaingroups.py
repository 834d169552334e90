"""Big clusters readable: leaves copying one parent the same way become one node, in reports and the dashboard."""

from __future__ import annotations

import json
import random
import re

import pytest

from provenance.engine.pipeline import ingest
from provenance.report import build_report, render
from provenance.store import Store
from provenance.trace.chaingroups import sibling_groups


def test_only_leaves_with_one_parent_and_relation_are_grouped() -> None:
    rows = [("w", None, "original", "n/a")]
    rows += [(f"v{i}", "w", "verbatim", "uncredited" if i < 2 else "credits_origin") for i in range(5)]
    rows += [("t1", "w", "trimmed", "uncredited"), ("t2", "w", "trimmed", "uncredited")]
    rows += [(f"c{i}", "v4", "verbatim", "uncredited") for i in range(3)]  # v4 has children: never grouped
    groups = sibling_groups(rows)
    assert [(g.parent, g.relation, sorted(g.members)) for g in groups] == [  # largest first
        ("w", "verbatim", ["v0", "v1", "v2", "v3"]), ("v4", "verbatim", ["c0", "c1", "c2"])]
    by_parent = {g.parent: g for g in groups}
    assert by_parent["w"].label() == "4 verbatim copies, 2 uncredited" and by_parent["w"].credit is None
    assert by_parent["v4"].label() == "3 verbatim copies, 3 uncredited" and by_parent["v4"].credit == "uncredited"
    assert sibling_groups(rows, min_size=5) == []


@pytest.fixture(scope="module")
def big_cluster(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, int]:
    """One agency story and 40 outlets' verbatim copies (half without a credit), through the real pipeline."""
    rng = random.Random(7)
    words = ["harbour", "council", "budget", "ferry", "minister", "river", "plan", "vote", "dredging", "port",
             "tariff", "bridge", "schools", "monsoon", "rail", "district", "report", "officials", "said", "new"]
    body = "\n\n".join(" ".join(rng.choice(words) for _ in range(60)) + "." for _ in range(4))
    recs = [{"id": "wire", "outlet": "PTI", "byline": "PTI", "title": "Harbour plan", "text": body,
             "published": "2030-05-01T06:00:00Z"}]
    for i in range(40):
        recs.append({"id": f"copy{i:02d}", "outlet": f"outlet{i:02d}.example", "title": "Harbour plan",
                     "byline": "PTI" if i % 2 else None, "text": body, "published": f"2030-05-01T{7 + i // 10:02d}:{i % 60:02d}:00Z"})
    d = tmp_path_factory.mktemp("big")
    (d / "big.jsonl").write_text("\n".join(json.dumps(r) for r in recs) + "\n", encoding="utf-8")
    store = Store(d / "big.duckdb")
    ingest([d / "big.jsonl"], store=store)
    cid = int(store.query("SELECT cluster_id FROM clusters WHERE article_id = 'wire'")["cluster_id"][0])
    return store, cid


def test_report_svg_draws_a_group_node(big_cluster: tuple[Store, int]) -> None:
    store, cid = big_cluster
    lin = store.query("SELECT relation, credited, parent_id FROM lineage WHERE cluster_id = ? AND parent_id = 'wire'",
                      [cid])
    leaves = lin.filter(lin["relation"] == "verbatim")
    assert leaves.height >= 30  # the pipeline made them verbatim copies of the wire
    unc = leaves.filter(leaves["credited"].is_in(["uncredited", "miscredited"])).height
    html = render(build_report(store, cluster=cid), "html")
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" class="chart chain"'):]
    svg = svg[: svg.index("</svg>")]
    assert f"{leaves.height} verbatim copies" in svg and f"{unc} uncredited" in svg
    assert len(re.findall(r'<g class="node', svg)) < 10  # not 41 boxes
    assert "more articles are not drawn" not in svg


def test_dashboard_groups_and_expands(big_cluster: tuple[Store, int], monkeypatch: pytest.MonkeyPatch) -> None:
    from test_dashboard_apptest import run_app

    store, cid = big_cluster
    at = run_app(store.path, monkeypatch, "cluster", id=str(cid))
    dot = at.get("graphviz_chart")[0].proto.spec
    assert "verbatim copies" in dot and "shape=box3d" in dot
    assert dot.count('"a:copy') < 5
    box = at.multiselect(key="expand_groups")
    assert box.options and "verbatim copies" in box.options[0]
    box.set_value([box.options[0]]).run()
    dot = at.get("graphviz_chart")[0].proto.spec
    assert dot.count('"a:copy') >= 30 and "shape=box3d" not in dot
