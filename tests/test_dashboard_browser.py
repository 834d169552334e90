"""The dashboard in a real browser: the app started by ``serve()``, driven with Playwright.

Chromium is Debian's (``/usr/bin/chromium``, ``make sysdeps`` installs it);
Playwright cannot download browsers here. Screenshots go to
``out/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest_dashboard import (
    HOSTILE_ID,
    HOSTILE_OUTLET,
    HOSTILE_SCRIPT,
    HOSTILE_TITLE,
    TRIMMED_ID,
    get_store,
)

from provenance.store import Store


@pytest.fixture(scope="session")
def dashboard_store(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Store:
    return get_store(tmp_path_factory, request)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "out" / "screenshots"
CHROMIUM = os.environ.get("PROVENANCE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
#: The first load of a page compiles the app's imports and lays out charts: be patient.
LOAD_MS = 90_000


def _need_browser() -> None:
    pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        msg = f"no Chromium at {CHROMIUM} (run `make sysdeps`: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.fixture(scope="module")
def server(dashboard_store: Store) -> Iterator[str]:
    """The real app on a free 127.0.0.1 port, started through provenance.cli.dashboard.serve."""
    _need_browser()
    from provenance.cli.dashboard import free_port, serve, wait_until_serving

    port = free_port()
    proc = serve(dashboard_store.path, host="127.0.0.1", port=port, block=False, quiet=True)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_serving(base, proc)
        except RuntimeError as e:
            pytest.fail(str(e))
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except Exception:  # noqa: BLE001
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser(server: str):  # noqa: ANN201
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server: str):  # noqa: ANN001, ANN201
    ctx = browser.new_context(viewport={"width": 1400, "height": 1100})
    pg = ctx.new_page()
    outside: list[str] = []
    pg.on("request", lambda r: outside.append(r.url)
          if not r.url.startswith((server, "data:", "blob:", "about:")) else None)
    pg.outside_requests = outside  # type: ignore[attr-defined]
    yield pg
    ctx.close()


def _settle(pg) -> None:  # noqa: ANN001
    """Wait until the app has finished running its script."""
    pg.wait_for_selector('[data-testid="stApp"]', timeout=LOAD_MS)
    pg.wait_for_function(
        "() => { const w = document.querySelector('[data-testid=\"stStatusWidget\"]');"
        " return !w || !w.innerText.includes('Running'); }", timeout=LOAD_MS)
    _no_skeletons(pg)


def _no_skeletons(pg) -> None:  # noqa: ANN001
    """Widgets and charts load lazily: wait until no placeholder skeleton is left."""
    pg.wait_for_function("() => !document.querySelector('[data-testid*=\"Skeleton\"]')", timeout=LOAD_MS)
    pg.wait_for_timeout(500)


def _shot(pg, name: str, full: bool = True) -> Path:  # noqa: ANN001
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    if full:
        # Streamlit scrolls inside its main container: grow the viewport to the content for a whole-page shot.
        h = pg.evaluate("() => { const m = document.querySelector('[data-testid=\"stMain\"]');"
                        " return Math.min(8000, Math.max(1100, m ? m.scrollHeight + 40 : 1100)); }")
        pg.set_viewport_size({"width": 1400, "height": int(h)})
        pg.wait_for_timeout(800)
        _no_skeletons(pg)
    pg.screenshot(path=str(path), full_page=True)
    pg.set_viewport_size({"width": 1400, "height": 1100})
    return path


def _cluster_of(store: Store, article_id: str) -> int:
    return int(store.query("SELECT cluster_id FROM clusters WHERE article_id = ?", [article_id])["cluster_id"][0])


def test_overview_to_cluster_to_side_by_side(page, server: str, dashboard_store: Store):  # noqa: ANN001
    pg = page
    pg.goto(server + "/")
    _settle(pg)
    pg.get_by_role("heading", name="Overview").wait_for(timeout=LOAD_MS)
    pg.get_by_text("Largest clusters").wait_for()
    pg.locator('[data-testid="stVegaLiteChart"]').first.wait_for(timeout=LOAD_MS)
    assert pg.locator('[data-testid="stMetricValue"]').count() >= 5
    _shot(pg, "01-overview")

    # Overview -> the Cluster page through the sidebar, then the largest cluster's link.
    pg.get_by_role("link", name="Cluster", exact=True).click()
    _settle(pg)
    largest = dashboard_store.query(
        "SELECT cluster_id FROM clusters GROUP BY 1 ORDER BY count(*) DESC, cluster_id LIMIT 1")["cluster_id"][0]
    pg.locator('[data-testid="stPageLink"] a', has_text=f"#{largest} ·").first.click()
    # Streamlit navigates client-side (history.pushState): wait for the URL, not for a load event.
    pg.wait_for_function(f"() => location.pathname.endsWith('/cluster') && location.search.includes('id={largest}')",
                         timeout=LOAD_MS)
    _settle(pg)
    pg.get_by_role("heading", name=f"Cluster {largest}").wait_for(timeout=LOAD_MS)

    # The origin chain: graphviz rendered to SVG with one node per drawn member or group of sibling copies
    # (and external sources).
    svg = pg.locator('[data-testid="stGraphVizChart"] svg')
    svg.wait_for(timeout=LOAD_MS)
    n_members = dashboard_store.query("SELECT count(*) AS n FROM clusters WHERE cluster_id = ?", [largest])["n"][0]
    lin = dashboard_store.query("SELECT article_id, parent_id, parent_external, relation, credited FROM lineage "
                                "WHERE cluster_id = ?", [largest])
    from dashboard.views import sibling_groups_of

    groups = sibling_groups_of(lin, has_lineage=True)
    drawn = n_members - sum(len(g.members) for g in groups) + len(groups)
    assert svg.locator("g.node").count() >= min(drawn, 60)
    assert svg.locator("g.edge").count() >= 1

    # The side-by-side view: shared passages highlighted on both sides.
    sbs = pg.locator(".pv-sbs")
    sbs.wait_for(timeout=LOAD_MS)
    assert pg.locator('.pv-doc[data-side="a"] mark.pv-p').count() >= 1
    assert pg.locator('.pv-doc[data-side="b"] mark.pv-p').count() >= 1
    first_mark = pg.locator('.pv-doc[data-side="a"] mark.pv-p').first
    bg = first_mark.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")  # the CSS is applied: highlighted, not plain
    _shot(pg, "02-cluster")
    sbs.scroll_into_view_if_needed()
    sbs.screenshot(path=str(SHOTS / "03-side-by-side.png"))
    svg.screenshot(path=str(SHOTS / "04-chain-graph.png"))

    # Deep links: the clusters list keeps its filters in the URL.
    pg.goto(server + "/clusters?q=" + quote("harbour"))
    _settle(pg)
    pg.get_by_text("cluster matches").or_(pg.get_by_text("clusters match")).first.wait_for(timeout=LOAD_MS)
    pg.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=LOAD_MS)
    from playwright.sync_api import expect

    expect(pg.get_by_label("Title contains")).to_have_value("harbour", timeout=LOAD_MS)  # restored from the URL
    n = dashboard_store.query(
        "SELECT count(DISTINCT cluster_id) AS n FROM clusters c JOIN articles a USING (doc) "
        "WHERE contains(lower(a.title), 'harbour') AND c.cluster_id IN "
        "(SELECT cluster_id FROM clusters GROUP BY 1 HAVING count(*) >= 2)")["n"][0]
    expect(pg.get_by_text("1 cluster matches" if n == 1 else f"{n} clusters match")).to_be_visible(timeout=LOAD_MS)
    _shot(pg, "05-clusters-filtered")
    assert pg.outside_requests == []  # type: ignore[attr-defined]


def test_hostile_text_is_shown_as_text_and_never_runs(page, server: str, dashboard_store: Store):  # noqa: ANN001
    pg = page
    cid = _cluster_of(dashboard_store, HOSTILE_ID)
    pg.goto(f"{server}/cluster?id={cid}&a={quote(TRIMMED_ID)}&b={quote(HOSTILE_ID)}")
    _settle(pg)
    pg.locator(".pv-sbs").wait_for(timeout=LOAD_MS)
    pg.locator('[data-testid="stGraphVizChart"] svg').wait_for(timeout=LOAD_MS)
    pg.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=LOAD_MS)
    pg.wait_for_timeout(1500)

    head = pg.locator('.pv-doc[data-side="b"] .pv-head').inner_text()
    assert head == HOSTILE_TITLE  # the markup is visible, as text
    body = pg.locator('.pv-doc[data-side="b"] .pv-body').inner_text()
    assert HOSTILE_SCRIPT in body
    meta = pg.locator('.pv-doc[data-side="b"] .pv-meta').inner_text()
    assert HOSTILE_OUTLET in meta
    # Nothing of it became markup anywhere (Playwright's CSS locators pierce shadow roots).
    assert pg.locator("img[src='x']").count() == 0
    assert pg.locator(".pv-sbs script, .pv-sbs b").count() == 0
    # The chain graph holds the hostile outlet as an SVG text label, not as elements.
    assert pg.locator('[data-testid="stGraphVizChart"] svg img, [data-testid="stGraphVizChart"] svg script').count() == 0
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    _shot(pg, "06-hostile-cluster")

    # The outlet page titled with the hostile name shows it literally.
    pg.goto(f"{server}/outlet?name={quote(HOSTILE_OUTLET)}")
    _settle(pg)
    pg.get_by_role("heading", name="Evil").first.wait_for(timeout=LOAD_MS)
    assert HOSTILE_OUTLET in pg.locator("h1").first.inner_text()
    assert pg.locator("img[src='x']").count() == 0
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    _shot(pg, "07-hostile-outlet")
    assert pg.outside_requests == []  # type: ignore[attr-defined]


def test_explain_page_from_the_cluster_page(page, server: str, dashboard_store: Store):  # noqa: ANN001
    """From a cluster's side-by-side to the explain page of the pair: grade, shares, texts escaped."""
    pg = page
    cid = _cluster_of(dashboard_store, HOSTILE_ID)
    parent = dashboard_store.query("SELECT parent_id FROM lineage WHERE article_id = ?", [HOSTILE_ID])["parent_id"][0]
    pg.goto(f"{server}/cluster?id={cid}&a={quote(parent)}&b={quote(HOSTILE_ID)}")
    _settle(pg)
    pg.locator('[data-testid="stPageLink"] a', has_text="Explain this pair").first.click()
    pg.wait_for_function("() => location.pathname.endsWith('/explain') && location.search.includes('right=')",
                         timeout=LOAD_MS)
    _settle(pg)
    pg.get_by_role("heading", name="Explain a link").wait_for(timeout=LOAD_MS)
    pg.get_by_text(f"{HOSTILE_ID} was copied from {parent}").wait_for(timeout=LOAD_MS)
    pg.locator(".pv-sbs").wait_for(timeout=LOAD_MS)
    assert pg.locator('.pv-doc[data-side="b"] mark.pv-p').count() >= 1
    assert pg.locator('.pv-doc[data-side="b"] .pv-head').inner_text() == HOSTILE_TITLE
    assert pg.locator("img[src='x']").count() == 0
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    _shot(pg, "08-explain")
    assert pg.outside_requests == []  # type: ignore[attr-defined]
