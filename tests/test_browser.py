"""graph.html in a real headless Chromium, from file:// with the network cut off: it draws and asks for nothing."""
import shutil
from pathlib import Path

import pytest

from kg.pipeline import build

from helpers import SEEDS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page_of():
    if not CHROMIUM:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"])

        def open_page(html: Path):
            context = browser.new_context(offline=True, viewport={"width": 1200, "height": 800})
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(html.as_uri(), wait_until="load")
            page.wait_for_timeout(1500)
            return page, requests, errors

        yield open_page
        browser.close()


@pytest.fixture(scope="module")
def seeds_html(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    build([SEEDS], out)
    return out / "graph.html"


def test_browser_graph_html_makes_no_network_request(page_of, seeds_html):
    page, requests, errors = page_of(seeds_html)
    outside = [u for u in requests if not u.startswith(("file:", "data:", "blob:", "about:"))]
    assert outside == []
    assert errors == []


def test_browser_graph_html_draws_the_graph(page_of, seeds_html, tmp_path):
    page, _, _ = page_of(seeds_html)
    canvas = page.locator("canvas").first
    canvas.wait_for(state="visible", timeout=10_000)
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300
    # A drawn graph leaves many non-background pixels on the canvas.
    painted = page.evaluate("""() => {
        const c = document.querySelector('canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
    }""")
    assert painted > 5000
    nodes = page.evaluate("() => (typeof nodes !== 'undefined' && nodes.length) || 0")
    assert nodes > 20
    page.screenshot(path=str(tmp_path / "graph.png"))
    assert (tmp_path / "graph.png").stat().st_size > 10_000
