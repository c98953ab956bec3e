"""graph.html in a real headless Chromium, from file:// with the network cut off: it draws, asks for nothing,
and its search, filters and highlighting work; nothing from a report runs as markup or script."""
import shutil
from pathlib import Path

import pytest

from kg.pipeline import build

from helpers import SEEDS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.browser
PAYLOAD = "</script><img src=x onerror=alert(1)>"
YANG = "person:萍乡经济技术开发区/杨博"


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
            context = browser.new_context(offline=True, viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.requests, page.errors, page.dialogs = [], [], []
            page.on("request", lambda r: page.requests.append(r.url))
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
            page.goto(html.as_uri(), wait_until="load")
            page.wait_for_function("() => window.kg && window.kg.ready", timeout=20_000)
            return page

        yield open_page
        browser.close()


@pytest.fixture(scope="module")
def seeds_html(tmp_path_factory):
    out = tmp_path_factory.mktemp("build")
    build([SEEDS], out)
    return out / "graph.html"


@pytest.fixture(scope="module")
def seeds(page_of, seeds_html):
    return page_of(seeds_html)


def _visible(page, node_type=None):
    """Ids of the nodes drawn: the page keeps only those in vis-network's data set."""
    return page.evaluate("(t) => nodes.getIds().filter(id => !t || id.startsWith(t + ':')).sort()", node_type)


def _node_attr(page, node_id, attr):
    return page.evaluate("([id, a]) => nodes.get(id)[a]", [node_id, attr])


def _reset(page):
    page.click("#kg-reset")


def test_browser_graph_html_makes_no_network_request(seeds):
    outside = [u for u in seeds.requests if not u.startswith(("file:", "data:", "blob:", "about:"))]
    assert outside == []
    assert seeds.errors == [] and seeds.dialogs == []


def test_browser_graph_html_draws_the_graph(seeds, tmp_path):
    canvas = seeds.locator("canvas").first
    canvas.wait_for(state="visible", timeout=10_000)
    box = canvas.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 300
    # A drawn graph leaves many non-background pixels on the canvas.
    painted = seeds.evaluate("""() => {
        const c = document.querySelector('canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
    }""")
    assert painted > 5000
    assert len(_visible(seeds, "person")) > 20 and len(_visible(seeds, "meeting")) >= 5
    assert _visible(seeds, "directive") == [] and _visible(seeds, "report") == []  # behind toggles
    seeds.screenshot(path=str(tmp_path / "graph.png"))
    assert (tmp_path / "graph.png").stat().st_size > 10_000


@pytest.mark.parametrize("query", ["杨博", "yang bo", "Yáng Bó", "YANGBO"])
def test_browser_search_focuses_the_person(seeds, query):
    _reset(seeds)
    seeds.fill("#kg-search", query)
    seeds.press("#kg-search", "Enter")
    assert seeds.evaluate("() => window.kg.focused") == YANG
    assert seeds.evaluate("() => network.getSelectedNodes()") == [YANG]
    # focused: drawn at the centre of the canvas
    x, y = seeds.evaluate(f"""() => {{ const p = network.canvasToDOM(network.getPositions(['{YANG}'])['{YANG}']);
        return [p.x, p.y]; }}""")
    box = seeds.locator("#mynetwork").bounding_box()
    assert abs(x - box["width"] / 2) < 5 and abs(y - box["height"] / 2) < 5
    assert "杨博 Yáng Bó" in seeds.inner_text("#kg-results")
    assert "Yáng Bó" in seeds.inner_text("#kg-details-text")


def test_browser_zone_filter_hides_the_other_zones(seeds):
    _reset(seeds)
    zones = seeds.evaluate("() => Array.from(document.querySelectorAll('#kg-zones input')).map(c => c.dataset.zone)")
    keep = "萍乡经济技术开发区"
    assert keep in zones and len(zones) > 2
    for z in zones:
        if z != keep:
            seeds.uncheck(f'#kg-zones input[data-zone="{z}"]')
    shown = _visible(seeds)
    assert shown and YANG in shown
    everything = seeds.evaluate("() => Object.keys(window.kg.visible)")
    # every node drawn belongs to the kept zone; everything only in other zones is gone
    assert all(keep in seeds.evaluate("(id) => window.kg.zonesOf(id)", n) for n in shown)
    other = [n for n in everything if n.startswith("zone:") and n != f"zone:{keep}"]
    assert other and not set(other) & set(shown)
    assert [n for n in shown if n.startswith("meeting:")] == sorted(
        n for n in shown if n.startswith("meeting:") and keep in _node_attr(seeds, n, "title"))
    assert seeds.evaluate("() => edges.get().every(e => nodes.get(e.from) !== null && nodes.get(e.to) !== null)")
    assert "nodes shown" in seeds.inner_text("#kg-status")


def test_browser_role_filter_hides_attendees(seeds):
    _reset(seeds)
    attended_only = seeds.evaluate("""() => {
        const rel = {};
        edges.get().forEach(e => { const r = e.id.split('|')[1];
            if (['chaired', 'spoke_at', 'attended'].includes(r)) (rel[e.from] = rel[e.from] || new Set()).add(r); });
        return Object.keys(rel).filter(p => rel[p].size === 1 && rel[p].has('attended')); }""")
    assert attended_only
    seeds.uncheck('#kg-roles input[data-role="attended"]')
    shown = set(_visible(seeds, "person"))
    assert shown and YANG in shown  # he chaired
    assert not shown & set(attended_only)
    assert seeds.evaluate("() => edges.get({filter: e => e.id.split('|')[1] === 'attended'}).length") == 0


def test_browser_date_filter_keeps_meetings_in_range(seeds):
    _reset(seeds)
    seeds.fill("#kg-date-from", "2022-10-01")
    seeds.fill("#kg-date-to", "2022-12-31")
    shown = _visible(seeds, "meeting")
    assert shown
    for m in shown:
        assert "Date: 2022-1" in _node_attr(seeds, m, "title")
    hidden = [m for m in seeds.evaluate("() => Object.keys(window.kg.visible)")
              if m.startswith("meeting:") and m not in shown]
    assert hidden  # the other meetings, including the one whose year is unknown
    _reset(seeds)
    assert len(_visible(seeds, "meeting")) == len(shown) + len(hidden)


def test_browser_click_highlights_meetings_and_co_attendees(seeds):
    _reset(seeds)
    seeds.evaluate(f"() => network.focus('{YANG}', {{scale: 1.5, animation: false}})")
    box = seeds.locator("#mynetwork").bounding_box()
    seeds.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lit = seeds.evaluate("() => window.kg.highlighted")
    assert YANG in lit
    meetings = seeds.evaluate(f"""() => edges.get().filter(e => e.from === '{YANG}'
        && ['chaired', 'spoke_at', 'attended'].includes(e.id.split('|')[1])).map(e => e.to)""")
    assert meetings and set(meetings) <= set(lit)
    co = seeds.evaluate("""(ms) => edges.get().filter(e => ms.includes(e.to)
        && ['chaired', 'spoke_at', 'attended'].includes(e.id.split('|')[1])).map(e => e.from)""", meetings)
    assert set(co) <= set(lit) and len(set(co)) > 1
    faded = [n for n in _visible(seeds) if n not in lit]
    assert faded and all("200,200,200" in _node_attr(seeds, n, "color")["background"] for n in faded)
    assert "Co-attendees:" in seeds.inner_text("#kg-details-text")
    # clicking empty canvas restores the colours
    seeds.evaluate(f"() => network.moveTo({{position: {{x: -100000, y: -100000}}, animation: false}})")
    seeds.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert seeds.evaluate("() => window.kg.highlighted") == []
    assert "200,200,200" not in _node_attr(seeds, faded[0], "color")["background"]


def test_browser_toggle_shows_directives(seeds):
    _reset(seeds)
    seeds.check("#kg-toggle-directive")
    assert len(_visible(seeds, "directive")) > 10
    seeds.uncheck("#kg-toggle-directive")
    assert _visible(seeds, "directive") == []


def test_browser_report_payloads_stay_text(page_of, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    text = (f"2024年1月22日上午,测试经济技术开发区召开{PAYLOAD}工作会议。区党工委书记杨博主持会议并讲话。"
            f"区领导王强、李明出席。杨博强调,要{PAYLOAD}抓好落实。")
    (reports / '"><img src=x onerror=alert(2)>.txt').write_text(text, encoding="utf-8")
    build([reports], tmp_path / "out")
    html = tmp_path / "out" / "graph.html"
    assert PAYLOAD not in html.read_text(encoding="utf-8")
    page = page_of(html)
    page.check("#kg-toggle-directive")
    page.check("#kg-toggle-report")
    assert page.evaluate("() => document.querySelectorAll('img').length") == 0
    meeting = next(n for n in _visible(page, "meeting"))
    page.evaluate(f"(id) => network.focus(id, {{scale: 1.5, animation: false}})", meeting)
    box = page.locator("#mynetwork").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    details = page.inner_text("#kg-details-text")
    assert PAYLOAD in details  # shown as the text it is
    # tooltips: vis-network writes a string title with innerText
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + 1)
    page.wait_for_timeout(600)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(600)
    assert page.evaluate("() => document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.dialogs == [] and page.errors == []
    assert [u for u in page.requests if not u.startswith(("file:", "data:", "blob:", "about:"))] == []


def test_browser_large_page_draws_edges_on_the_canvas(page_of, seeds_html, tmp_path):
    from kg.render import load_graph, render_html, view_model

    html = tmp_path / "canvas.html"
    html.write_text(render_html(view_model(load_graph(seeds_html.parent)), canvas_edges_over=0), encoding="utf-8")
    page = page_of(html)
    assert page.evaluate("() => edges.length") == 0 and len(_visible(page, "person")) > 20

    def painted():
        """Pixels in the chaired (#d62728) or attended (#1f77b4) edge colours."""
        return page.evaluate("""() => { network.redraw(); const c = document.querySelector('canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const near = (i, r, g, b) => Math.abs(d[i] - r) < 14 && Math.abs(d[i + 1] - g) < 14 && Math.abs(d[i + 2] - b) < 14;
            let n = 0; for (let i = 0; i < d.length; i += 4) if (near(i, 214, 39, 40) || near(i, 31, 119, 180)) n++;
            return n; }""")

    page.evaluate(f"() => network.focus('{YANG}', {{scale: 1.0, animation: false}})")
    with_edges = painted()
    page.uncheck('#kg-roles input[data-role="attended"]')
    page.uncheck('#kg-roles input[data-role="spoke_at"]')
    page.uncheck('#kg-roles input[data-role="chaired"]')
    page.evaluate(f"() => network.focus('{YANG}', {{scale: 1.0, animation: false}})")
    assert with_edges > 200 and _visible(page, "person") == [] and painted() < with_edges / 10
    _reset(page)
    page.evaluate(f"() => network.focus('{YANG}', {{scale: 1.5, animation: false}})")
    box = page.locator("#mynetwork").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lit = page.evaluate("() => window.kg.highlighted")
    assert YANG in lit and any(n.startswith("meeting:") for n in lit)
    assert page.errors == [] and page.dialogs == []
