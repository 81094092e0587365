"""The catalogue in a real headless Chromium (Selenium + chromium-driver) over a live server.

A visitor searches, picks a facet, pages, opens a dataset, switches language and downloads
the Turtle; every page is screenshotted into tests/artifacts/ and checked with axe-core
(no serious or critical violation). ``./test`` installs Chromium and fetches axe-core.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pytest
import requests

from registry.config import load_settings
from registry.database import open_database
from registry.rdf import formats
from registry.records.accounts import Accounts
from tests.conftest import ROOT, TURTLE
from tests.web.test_api import PUBLISHER, RECORD_ID

from .servers import running_server

ARTIFACTS = ROOT / "tests" / "artifacts"
AXE = sorted((ROOT / "tests" / ".cache").glob("axe-core-*.min.js"))
PAGE_SIZE = 10
"""Small pages, so the 36 sample datasets span several."""

if TYPE_CHECKING:
    from selenium.webdriver import Chrome

webdriver = pytest.importorskip("selenium.webdriver")
if not (shutil.which("chromium") and shutil.which("chromedriver")):
    pytest.skip(
        "Chromium and chromedriver are not installed (./test installs the Debian packages "
        "chromium and chromium-driver)",
        allow_module_level=True,
    )
from selenium.webdriver.common.by import By  # noqa: E402

SCREENSHOTS: list[Path] = []


@pytest.fixture(scope="module")
def site_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the site's store (and the database beside it) lives."""
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="module")
def site(site_folder: Path) -> Iterator[str]:
    """``registry serve --sample`` on a free loopback port, once for these tests."""
    settings = {"REGISTRY_PAGE_SIZE": str(PAGE_SIZE)}
    with running_server(site_folder / "store", settings, sample=True) as url:
        yield url


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path) -> Iterator[Chrome]:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # only this run's screenshots
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "chromium"
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--lang=en",
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver"))
    driver = webdriver.Chrome(options=options, service=service)
    # axe-core takes ~20 s over /profile's tables on a busy 2-core machine (30 s by default).
    driver.set_script_timeout(120)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    yield driver
    driver.quit()


def screenshot(browser: Chrome, name: str, width: int = 1280) -> None:
    """Save the whole page as tests/artifacts/<name>.png, ``width`` pixels wide."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(width, 1000)
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(width, min(max(height, 800), 6000))
    path = ARTIFACTS / f"{name}.png"
    browser.save_screenshot(str(path))
    browser.set_window_size(1280, 1000)
    SCREENSHOTS.append(path)


def serious_violations(browser: Chrome) -> list[str]:
    """axe-core's serious and critical violations on the current page."""
    browser.execute_script(AXE[-1].read_text(encoding="utf-8"))
    result = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations)).catch(e => done([{id: String(e), impact: 'critical', nodes: []}]));"
    )
    return [
        f"{v['id']} ({v['impact']}): {[n.get('target') for n in v['nodes']][:3]}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def visit(browser: Chrome, name: str) -> None:
    """Screenshot the page and check its accessibility."""
    screenshot(browser, name)
    if AXE:
        assert serious_violations(browser) == [], name


def test_a_visitor_searches_filters_pages_reads_and_downloads(
    site: str, browser: Chrome, downloads: Path
) -> None:
    browser.get(site + "/")
    # The H1 is the catalogue's own title in the page's language (data/sample/catalog.ttl).
    heading = "Cancer Image Registry: sample federation catalogue"
    assert browser.find_element(By.TAG_NAME, "h1").text == heading
    assert len(browser.find_elements(By.CSS_SELECTOR, "figure.chart svg")) == 4
    visit(browser, "01-home")

    box = browser.find_element(By.ID, "home-q")
    box.send_keys("cancer")
    box.submit()
    assert "q=cancer" in browser.current_url
    visit(browser, "02-search")

    modality = browser.find_element(By.CSS_SELECTOR, "#facet-modality + ul a")
    chosen = modality.text.rsplit(" (", 1)[0]
    modality.click()
    assert "modality=" in browser.current_url
    selected = browser.find_element(By.CSS_SELECTOR, ".facet a.selected")
    assert chosen in selected.text
    visit(browser, "03-search-facet")

    browser.get(site + "/search")
    browser.find_element(By.CSS_SELECTOR, 'a[rel="next"]').click()
    assert "page=2" in browser.current_url
    assert "Page 2 of" in browser.find_element(By.CSS_SELECTOR, ".pager").text
    visit(browser, "04-search-page-2")

    first = browser.find_element(By.CSS_SELECTOR, ".result h3 a")
    title = first.text
    first.click()
    assert browser.find_element(By.TAG_NAME, "h1").text == title
    assert browser.find_elements(By.CSS_SELECTOR, 'script[type="application/ld+json"]')
    visit(browser, "05-dataset")

    browser.find_element(By.CSS_SELECTOR, "nav.languages summary").click()
    browser.find_element(By.CSS_SELECTOR, 'nav.languages a[hreflang="de"]').click()
    assert "lang=de" in browser.current_url
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert "Auf einen Blick" in browser.page_source
    visit(browser, "06-dataset-de")

    browser.find_element(By.CSS_SELECTOR, 'a[type="text/turtle"][download]').click()
    deadline = time.monotonic() + 15
    while not list(downloads.glob("*.ttl")) and time.monotonic() < deadline:
        time.sleep(0.2)
    (saved,) = downloads.glob("*.ttl")
    triples = formats.parse(saved.read_bytes(), TURTLE)
    assert any(t.object == ox.NamedNode("http://www.w3.org/ns/dcat#Dataset") for t in triples)


def test_a_misspelt_and_a_german_query_find_datasets(site: str, browser: Chrome) -> None:
    browser.get(site + "/search")
    box = browser.find_element(By.ID, "q")
    box.send_keys("prostrate")
    box.submit()
    corrected = browser.find_element(By.CSS_SELECTOR, ".corrected").text
    assert "prostate" in corrected and "prostrate" in corrected
    assert browser.find_elements(By.CSS_SELECTOR, ".result h3 a")
    visit(browser, "13-search-corrected")
    browser.get(site + "/search?lang=de")
    box = browser.find_element(By.ID, "q")
    box.send_keys("Lungenkrebs")
    box.submit()
    assert "lang=de" in browser.current_url
    assert browser.find_elements(By.CSS_SELECTOR, ".result h3 a")
    offer = browser.find_element(By.CSS_SELECTOR, ".offer a")
    assert offer.text == "Lungenkrebs"
    visit(browser, "14-search-german")
    offer.click()
    assert "condition=" in browser.current_url
    assert browser.find_element(By.CSS_SELECTOR, ".facet a.selected")


def test_other_pages_render_and_are_accessible(site: str, browser: Chrome) -> None:
    browser.get(site + "/search?q=xylophone")
    assert "No dataset matches" in browser.page_source
    visit(browser, "07-no-results")
    browser.get(site + "/vocab/condition/lung-cancer")
    visit(browser, "08-term")
    browser.get(site + "/search")
    browser.find_element(By.CSS_SELECTOR, ".result .meta").text  # noqa: B018 - present
    browser.get(site + "/datasets/" + "0" * 16)
    assert browser.find_element(By.TAG_NAME, "h1").text
    browser.get(site + "/")
    browser.find_element(By.CSS_SELECTOR, "#home-q")
    provider = browser.find_element(By.CSS_SELECTOR, ".result h3 a")
    provider.click()
    link = browser.find_element(By.CSS_SELECTOR, ".glance a[href*='/providers/']")
    link.click()
    assert "Datasets of this provider" in browser.page_source
    visit(browser, "09-provider")
    browser.get(site + "/profile")
    visit(browser, "10-profile")
    if not AXE:
        pytest.skip("axe-core is not in tests/.cache (./test fetches it); accessibility unchecked")


def test_the_sparql_page_highlights_runs_an_example_and_downloads(
    site: str, browser: Chrome
) -> None:
    browser.get(site + "/sparql")
    # The editor (CodeMirror, served by the registry under a script-src 'self' policy).
    assert browser.find_elements(By.CSS_SELECTOR, ".CodeMirror .cm-keyword")
    visit(browser, "11-sparql")
    browser.find_element(By.PARTIAL_LINK_TEXT, "per country").click()
    assert "row" in browser.find_element(By.ID, "answer-title").find_element(By.XPATH, "..").text
    cells = browser.find_elements(By.CSS_SELECTOR, "table.answer tbody tr")
    assert len(cells) >= 5  # the sample datasets come from several countries
    editor_text = browser.execute_script(
        "return document.querySelector('.CodeMirror').CodeMirror.getValue()"
    )
    assert "GROUP BY ?country" in editor_text
    visit(browser, "12-sparql-answer")


PHONE = 390
"""CSS pixels of a phone's viewport (an iPhone 12 to 15)."""


def on_phone(browser: Chrome, url: str) -> None:
    browser.set_window_size(PHONE, 844)
    browser.get(url)


@pytest.mark.e2e
def test_on_a_phone_results_come_first_and_pages_fit(site: str, browser: Chrome) -> None:
    """At 390 px: the language menu takes one header line, search results come before the
    filters (behind a button that works without JavaScript), and the dataset page's fields
    keep their width; every page also at 1280 px, screenshots in tests/artifacts/."""
    try:
        on_phone(browser, site + "/search?q=cancer")
        header = browser.find_element(By.CSS_SELECTOR, "header.site")
        switcher = browser.find_element(By.CSS_SELECTOR, "nav.languages summary")
        assert switcher.size["height"] < 40 and header.size["height"] < 140, header.size
        first = browser.find_element(By.CSS_SELECTOR, ".result h3 a")
        assert first.location["y"] < 700, first.location  # was 1,550 px down, after the facets
        assert not browser.find_element(By.CSS_SELECTOR, ".facets").is_displayed()
        screenshot(browser, "15-phone-search", PHONE)
        browser.set_window_size(PHONE, 844)
        browser.find_element(By.CSS_SELECTOR, "label.filters-button").click()
        modality = browser.find_element(By.CSS_SELECTOR, "#facet-modality + ul a")
        assert modality.is_displayed()
        screenshot(browser, "16-phone-search-filters", PHONE)
        browser.set_window_size(PHONE, 844)
        modality.click()
        assert "modality=" in browser.current_url
        assert "(1)" in browser.find_element(By.CSS_SELECTOR, "label.filters-button").text

        on_phone(browser, site + "/search")
        browser.find_element(By.CSS_SELECTOR, ".result h3 a").click()
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"the dataset page is {overflow} px wider than the phone"
        nested = browser.find_elements(By.CSS_SELECTOR, ".field .field dd")
        assert nested and min(e.size["width"] for e in nested if e.is_displayed()) > 200
        if AXE:
            assert serious_violations(browser) == []
        screenshot(browser, "17-phone-dataset", PHONE)
        screenshot(browser, "18-dataset-1280")
        browser.get(site + "/vocab/modality")
        visit(browser, "19-code-list")
        screenshot(browser, "20-phone-code-list", PHONE)
        browser.get(site + "/vocab")
        visit(browser, "21-code-lists")
    finally:
        browser.set_window_size(1280, 1000)


@pytest.fixture(scope="module")
def submit_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``registry serve --sample`` and a token of the sample agent that publishes the
    prostate datasets, in the database beside its store."""
    from registry.config import load_settings
    from registry.database import open_database
    from registry.records.accounts import Accounts
    from tests.web.test_submission_form import PUBLISHER

    folder = tmp_path_factory.mktemp("submit")
    with running_server(folder / "store", sample=True) as url:
        accounts = Accounts(open_database(load_settings({"store": str(folder / "store")})))
        accounts.add_provider("procancer", PUBLISHER)
        yield url, accounts.new_token("procancer")


@pytest.mark.e2e
def test_a_provider_fills_the_guided_form_checks_and_publishes(
    submit_site: tuple[str, str], browser: Chrome
) -> None:
    """The form at 1280 and 390 px, filled as a provider would (code lists in selects,
    registered agents in a list), checked, then published from the summary on top."""
    from selenium.webdriver.support.ui import Select

    from tests.web.test_submission_form import FILLED

    url, token = submit_site
    try:
        browser.get(url + "/submit")
        visit(browser, "22-submit-form")
        on_phone(browser, url + "/submit")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        screenshot(browser, "23-phone-submit-form", PHONE)
        assert overflow <= 1, f"the form is {overflow} px wider than the phone"
        browser.set_window_size(1280, 1000)
        browser.find_element(By.ID, "f-token").send_keys(token)
        for name, value in FILLED.items():
            element = browser.find_element(By.NAME, name)
            if element.tag_name == "select":
                Select(element).select_by_value(value)
            elif element.tag_name == "textarea" or element.get_attribute("type") != "hidden":
                element.clear()
                element.send_keys(value)
        browser.find_element(By.CSS_SELECTOR, 'button[value="check"]').click()
        summary = browser.find_element(By.CSS_SELECTOR, ".submit-summary")
        assert "Conforms to the profile" in summary.text, summary.text
        publish = summary.find_element(By.CSS_SELECTOR, 'button[value="publish"]')
        assert publish.location["y"] < browser.find_element(By.ID, "submission").location["y"]
        assert publish.location["y"] < 800  # on the first screen, not 2,800 px down
        visit(browser, "24-submit-checked")
        screenshot(browser, "25-phone-submit-checked", PHONE)  # the same page, narrowed
        browser.find_element(By.CSS_SELECTOR, '.submit-summary button[value="publish"]').click()
        status = browser.find_element(By.CSS_SELECTOR, ".submit-published")
        assert "Version 1 of record" in status.text, browser.page_source[:3000]
        assert browser.find_element(By.NAME, "if_match").get_attribute("value") == '"1"'
        visit(browser, "26-submit-published")
    finally:
        browser.set_window_size(1280, 1000)


@pytest.mark.e2e
def test_charts_notices_and_a_withdrawn_page_read_well_at_both_widths(
    site: str, site_folder: Path, browser: Chrome
) -> None:
    """Issue 19's visitor points: the Swedish home page charts every country with Swedish
    numbers and explains its underlined labels; a search with arguments it cannot follow
    says so; a withdrawn dataset's page names it and when and by whom it was withdrawn. Each
    at 1280 and 390 px, axe-clean (run last: it withdraws a sample dataset)."""
    try:
        browser.get(site + "/?lang=sv")
        assert "exempelkatalog" in browser.find_element(By.TAG_NAME, "h1").text
        country = browser.find_element(By.ID, "chart-country-caption").find_element(By.XPATH, "..")
        assert len(country.find_elements(By.CSS_SELECTOR, "text.bar-label")) == 11
        assert browser.find_element(By.CSS_SELECTOR, ".fallback-legend").is_displayed()
        visit(browser, "27-home-sv-charts")
        screenshot(browser, "28-phone-home-sv-charts", PHONE)

        browser.get(site + "/search?modality=MRI&age_min=80&age_max=18&page=x&lang=en")
        notices = browser.find_element(By.CSS_SELECTOR, ".notices").text
        assert "“MRI” is not a value of the Image modality filter" in notices
        assert "minimum is above the maximum" in notices and "not a page number" in notices
        assert browser.find_elements(By.CSS_SELECTOR, ".result h3 a")  # still the results
        visit(browser, "29-search-notices")
        screenshot(browser, "30-phone-search-notices", PHONE)

        accounts = Accounts(open_database(load_settings({"store": str(site_folder / "store")})))
        accounts.add_provider("procancer-browser", PUBLISHER)
        token = accounts.new_token("procancer-browser")
        url = f"{site}/api/records/{RECORD_ID}"
        gone = requests.delete(url, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert gone.status_code == 200, gone.text
        browser.get(f"{site}/datasets/{RECORD_ID}?lang=de")
        heading = browser.find_element(By.TAG_NAME, "h1").text
        assert (
            heading.startswith("Aus dem Katalog zurückgezogen: ") and "PROSTATE" in heading.upper()
        )
        said = browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
        assert said.startswith("Zurückgezogen am 20") and "von procancer-browser" in said
        visit(browser, "31-withdrawn")
        screenshot(browser, "32-phone-withdrawn", PHONE)
        if AXE:
            browser.set_window_size(PHONE, 844)
            assert serious_violations(browser) == []
    finally:
        browser.set_window_size(1280, 1000)
