"""Both HTML views in a real browser (Debian's headless Chromium; .ci/run installs it): marks,
network, timeline and table render, the scripts run without an error, and clicks, sorting and
filtering work. SITREP_SCREENSHOTS=DIR keeps a screenshot of each view there."""

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import app
from tests.browser import Browser, chromium_path
from tests.conftest import ROOT

ARTICLES = ROOT / "tests" / "data" / "analyst"
FIXTURES = ROOT / "tests" / "fixtures" / "analyst"
runner = CliRunner()


def run(*args):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def browser():
    binary = chromium_path()
    if binary is None:
        pytest.fail("Chromium is needed for the HTML view tests: apt-get install -y chromium (.ci/run does)")
    with Browser(binary) as b:
        yield b


@pytest.fixture(scope="module")
def views(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("views")
    db = tmp / "v.duckdb"
    run("extract", ARTICLES, "--provider", "replay", "--fixtures", FIXTURES, "--db", db, "-q")
    doc_id = run("sql", "SELECT doc_id FROM documents WHERE source LIKE '%kyiv-hwasong.txt'", "--db", db,
                 "--format", "csv").stdout.split()[1]
    run("show", doc_id, "--html", tmp / "doc.html", "--db", db)
    run("report", "--html", tmp / "report.html", "--db", db)
    return {"doc": tmp / "doc.html", "report": tmp / "report.html"}


def keep_screenshot(browser: Browser, name: str) -> None:
    folder = os.environ.get("SITREP_SCREENSHOTS")
    if folder:
        browser.screenshot(Path(folder) / name)


def test_document_view_marks_and_record_panel(browser, views):
    browser.open(views["doc"].as_uri())
    assert browser.errors() == []
    assert browser.js("document.body.dataset.ready") == "1"
    marks = browser.js("Array.from(document.querySelectorAll('mark')).map(m => [m.className, m.textContent])")
    assert {cls for cls, _ in marks} == {"t-transfers", "t-actors"}
    assert "".join(t for c, t in marks if c == "t-transfers").startswith("Russia has received dozens of Hwasong-11")
    box = browser.js("(() => { const r = document.querySelector('mark.t-transfers').getBoundingClientRect();"
                     " return [r.width, r.height]; })()")
    assert box[0] > 0 and box[1] > 0
    colour = browser.js("getComputedStyle(document.querySelector('mark.t-transfers')).backgroundColor")
    assert colour != browser.js("getComputedStyle(document.querySelector('mark.t-actors')).backgroundColor")
    assert "North Korea → Russia" in browser.js("document.querySelector('mark.t-transfers').title")
    browser.js("document.querySelector('mark.t-transfers').click()")
    panel = browser.js("document.getElementById('panel-body').innerText")
    assert "North Korea → Russia: Hwasong-11" in panel and "certainty" in panel and "reported" in panel
    browser.js("document.querySelector('#record-list a[data-record=\"transfers-1\"]').click()")
    assert "denied" in browser.js("document.getElementById('panel-body').innerText")
    assert browser.js("document.querySelectorAll('mark.active').length") >= 1
    keep_screenshot(browser, "document-view.png")
    assert browser.errors() == []


def test_report_network_timeline_and_table(browser, views):
    browser.open(views["report"].as_uri())
    assert browser.errors() == []
    assert browser.js("document.body.dataset.ready") == "1"
    assert browser.js("document.querySelectorAll('#network .node').length") == 4
    edges = browser.js("Array.from(document.querySelectorAll('#network .edge')).map(e => "
                       "[e.dataset.source, e.dataset.target, e.getAttribute('class'), e.getTotalLength() > 50])")
    assert sorted(edges) == [["state:FRA", "state:ARM", "edge s-confirmed", True],
                             ["state:PRK", "state:RUS", "edge s-disputed", True]]
    assert browser.js("document.getElementById('network').getBoundingClientRect().width") > 300
    assert browser.js("document.querySelectorAll('#timeline .dot').length") == 2
    rows = ("Array.from(document.querySelectorAll('#facts tbody tr')).filter(r => !r.hidden)"
            ".map(r => r.cells[4].textContent)")
    assert sorted(browser.js(rows)) == ["1", "2"]
    browser.js("document.querySelector('#facts th[data-kind=number]').click()")
    assert browser.js(rows) == ["1", "2"]
    browser.js("document.querySelector('#facts th[data-kind=number]').click()")
    assert browser.js(rows) == ["2", "1"]
    browser.js("const f = document.getElementById('filter'); f.value = 'caesar';"
               " f.dispatchEvent(new Event('input'))")
    assert browser.js(rows) == ["1"]
    browser.js("document.getElementById('clear').click()")
    browser.js("document.querySelector('#network .node[data-entity=\"state:PRK\"]').dispatchEvent("
               "new MouseEvent('click', {bubbles: true}))")
    assert browser.js(rows) == ["2"]
    assert browser.js("document.querySelectorAll('#network .edge.dim').length") == 1
    links = browser.js("Array.from(document.querySelectorAll('#facts a')).map(a => a.getAttribute('href'))")
    assert len(links) == 3 and all((views["report"].parent / href).exists() for href in links)
    browser.js("document.getElementById('clear').click()")
    keep_screenshot(browser, "report-view.png")
    assert browser.errors() == []
