"""Browser tests: the real app (``streamlit run``) driven in Debian's headless chromium.

Fixtures:
    ``workspace_home``  the workspace folder the app serves (TEXTMINE_HOME, also set in-process);
    ``app_server``      base URL of ``streamlit run app.py`` started on that workspace;
    ``browser``         a Selenium Chrome driver on /usr/bin/chromium and /usr/bin/chromedriver
                        (installed by ``scripts/setup.sh test``; never downloaded by Selenium).

Helpers (import them with ``from .conftest import ...``), all waiting for Streamlit to finish:
``open_app``, ``wait_for_app``, ``wait_for_text``, ``nav_labels``, ``click_nav``,
``click_button``, ``type_text``, ``wait_for_download``, ``shot``, ``page_text``, ``table_rows``;
``running_app`` starts another app (or another workspace) when ``app_server`` is not enough.

Every test under tests/e2e is marked ``e2e``. Screenshots go to tests/artifacts/screenshots/
(``shot``, and automatically when a test that used ``browser`` fails).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"

# Never let Selenium Manager look for (or download) a browser or a driver.
os.environ["SE_OFFLINE"] = "true"
os.environ["SE_AVOID_STATS"] = "true"


def _binary(name: str) -> str | None:
    found = shutil.which(name) or f"/usr/bin/{name}"
    return found if os.access(found, os.X_OK) else None


CHROMIUM = _binary("chromium")
CHROMEDRIVER = _binary("chromedriver")

SERVER_START_TIMEOUT = 60
APP_TIMEOUT = 60  # a first run may load spaCy or an embedding model


# --------------------------------------------------------------------------- pytest hooks


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    setattr(item, f"report_{report.when}", report)  # read by the browser fixture's teardown
    return report


# --------------------------------------------------------------------------- the app server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(
    home: Path, log: Path, timeout: float = SERVER_START_TIMEOUT, script: Path = REPO / "app.py"
) -> Iterator[str]:
    """``streamlit run app.py`` (or ``script``) from the repository root on workspace ``home``;
    yields its base URL, stops it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "TEXTMINE_HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
    ]
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        # its own process group, so that teardown stops streamlit and anything it started
        server = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            _wait_until_healthy(server, url, log, timeout)
            yield url
        finally:
            _stop(server)


def _wait_until_healthy(server: subprocess.Popen, url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit s'est arrêté (code {server.returncode}) :\n{_tail(log)}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
            if answer.read().strip() == b"ok":
                return
        time.sleep(0.25)
    pytest.fail(f"streamlit ne répond pas sur {url}/_stcore/health après {timeout:.0f} s :\n{_tail(log)}")


def _stop(server: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(wait)
            return


def _tail(log: Path, chars: int = 4000) -> str:
    return log.read_text(errors="replace")[-chars:] if log.exists() else "(pas de journal)"


@pytest.fixture
def workspace_home(workspace) -> Path:
    """The test's workspace folder (tests/conftest.py's ``workspace``, TEXTMINE_HOME set)."""
    workspace.home.mkdir(parents=True, exist_ok=True)
    return workspace.home


@pytest.fixture
def app_server(workspace_home: Path, tmp_path: Path) -> Iterator[str]:
    """Base URL of the app serving ``workspace_home``: fill the workspace before using it."""
    with running_app(workspace_home, tmp_path / "streamlit.log") as url:
        yield url


# --------------------------------------------------------------------------- the browser

# Counts changes of the app's script state (notRunning -> running -> notRunning...), so that
# a helper can tell that the rerun its action caused has happened, however fast; and notes
# when the page last changed: elements keep appearing after the run has ended (their code
# is loaded on first use), so "done" is "not running and the page has been still a while".
#
# showSaveFilePicker is hidden: st.dataframe's "Download as CSV" would otherwise open a native
# save dialog (nothing lands in the download folder); without it Streamlit falls back to an
# ordinary download.
_OBSERVER = """
Object.defineProperty(window, "showSaveFilePicker", {value: undefined, configurable: true, writable: true});
window.__textmineRuns = 0;
window.__textmineChanged = performance.now();
new MutationObserver((changes) => {
    window.__textmineChanged = performance.now();
    for (const change of changes) {
        if (change.attributeName === "data-test-script-state") window.__textmineRuns += 1;
    }
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true,
                      attributeFilter: ["data-test-script-state", "class", "style", "value"]});
"""


@pytest.fixture
def browser(tmp_path: Path, request: pytest.FixtureRequest):
    """Headless chromium (Selenium); downloads land in ``browser.download_dir``."""
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip(
            "chromium ou chromedriver absent : lancez « bash scripts/setup.sh test » "
            "(apt-get install chromium chromium-driver)"
        )
    downloads = tmp_path / "telechargements"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
        "--window-size=1400,1000", "--lang=fr-FR",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {
        "download.default_directory": str(downloads),
        "download.prompt_for_download": False,
        "download.directory_upgrade": True,
        "intl.accept_languages": "fr-FR,fr",
    })
    # An explicit driver path: Selenium Manager is never run.
    service = Service(executable_path=CHROMEDRIVER, log_output=str(tmp_path / "chromedriver.log"))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.set_page_load_timeout(60)
        # Headless chromium ignores the download prefs unless told through CDP.
        driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior",
            {"behavior": "allow", "downloadPath": str(downloads), "eventsEnabled": True},
        )
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _OBSERVER})
        driver.download_dir = downloads
        yield driver
        call = getattr(request.node, "report_call", None)
        if call is not None and call.failed:
            with contextlib.suppress(Exception):
                shot(driver, f"ECHEC-{request.node.name}")
    finally:
        driver.quit()


# --------------------------------------------------------------------------- helpers


def shot(browser, name: str) -> Path:
    """Save a PNG of the page as tests/artifacts/screenshots/NAME.png; returns its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^\w.-]+", "_", name).strip("_") + ".png")
    browser.save_screenshot(str(path))
    return path


def page_text(browser) -> str:
    """What the page shows, as text: the visible text, then the values of the input fields
    (a selectbox shows its choice in one). Tables drawn by st.dataframe are canvases: read
    them with ``table_rows``."""
    return browser.execute_script("""
        if (!document.body) return '';
        const values = Array.from(document.querySelectorAll('input, textarea'))
            .filter((e) => e.type !== 'hidden' && e.type !== 'file' && e.value && e.offsetParent !== null)
            .map((e) => e.value);
        return [document.body.innerText, ...values].join('\\n');
    """)


def table_rows(browser, index: int = 0) -> list[list[str]]:
    """Header and rows of the ``index``-th st.dataframe / st.data_editor on the page.

    Read from the grid's accessible table: only the rows drawn (about the first 30 of a
    long table) are there.
    """
    return browser.execute_script("""
        const frames = document.querySelectorAll('[data-testid="stDataFrame"], [data-testid="stDataEditor"]');
        const grid = frames[arguments[0]] && frames[arguments[0]].querySelector('table[role="grid"]');
        if (!grid) return null;
        return Array.from(grid.querySelectorAll('tr')).map((row) =>
            Array.from(row.querySelectorAll('th, td')).map((cell) => cell.textContent.trim()));
    """, index)


def _until(condition: Callable[[], object], timeout: float, what: str, browser=None, poll: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
        except (WebDriverException, OSError):  # the page (or a download) changes under our feet
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            detail = ""
            if browser is not None:
                with contextlib.suppress(Exception):
                    path = shot(browser, f"timeout-{what}"[:80])
                    detail = f"\ncapture : {path}\ntexte de la page :\n{page_text(browser)[-3000:]}"
            raise AssertionError(f"{what} : toujours pas après {timeout:.0f} s{detail}")
        time.sleep(poll)


QUIET_MS = 500  # the page must not change for this long to count as drawn


def _app_state(browser) -> dict:
    return browser.execute_script("""
        const app = document.querySelector('[data-testid="stApp"]');
        return {
            script: app && app.getAttribute('data-test-script-state'),
            connection: app && app.getAttribute('data-test-connection-state'),
            runs: window.__textmineRuns || 0,
            quiet: performance.now() - (window.__textmineChanged || 0),
            busy: !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"], '
                + '[data-testid="stAppSkeleton"], [data-testid="stSkeleton"]'),
        };
    """)


def _runs(browser) -> int:
    return _app_state(browser)["runs"]


def wait_for_app(browser, timeout: float = APP_TIMEOUT, *, allow_exception: bool = False) -> None:
    """Wait until the script has finished running and the page has stopped changing.

    Fails if the page shows a Python exception, unless ``allow_exception``.
    """

    def idle() -> bool:
        state = _app_state(browser)
        return (
            state["script"] == "notRunning" and state["connection"] == "CONNECTED"
            and not state["busy"] and state["quiet"] >= QUIET_MS
        )

    _until(idle, timeout, "l'application finit son exécution", browser, poll=0.1)
    if not allow_exception:
        errors = browser.find_elements("css selector", '[data-testid="stException"]')
        if errors:
            shot(browser, "exception")
            raise AssertionError("l'application affiche une exception :\n" + errors[0].text)


def _after(browser, action: Callable[[], None], timeout: float, settle: float = 3.0) -> None:
    """Do ``action`` (which should rerun the script), then wait for the rerun to finish.

    If no rerun starts within ``settle`` seconds (nothing changed), carry on.
    """
    before = _runs(browser)
    action()
    with contextlib.suppress(AssertionError):
        _until(lambda: _runs(browser) != before, settle, "rerun", poll=0.05)
    wait_for_app(browser, timeout)


def open_app(browser, url: str, timeout: float = APP_TIMEOUT) -> None:
    """Load ``url`` (the app or one of its pages) and wait for its first run."""
    browser.get(url)
    wait_for_app(browser, timeout)


def wait_for_text(browser, text: str, timeout: float = 30) -> None:
    """Wait until ``text`` is shown somewhere on the page."""
    _until(lambda: text in page_text(browser), timeout, f"texte « {text} »", browser)


def _label(element) -> str:
    return " ".join(element.text.split())


def _js_click(browser, element) -> None:
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    try:
        element.click()
    except WebDriverException:  # covered by a toast or the header: click it anyway
        browser.execute_script("arguments[0].click();", element)


_NAV_LINKS = '[data-testid="stSidebarNavLink"], [data-testid="stTopNavLink"]'


def _nav_label(link) -> str:
    """A navigation link's page title, without its icon."""
    titles = link.find_elements("css selector", '[data-testid="stMarkdownContainer"]')
    text = titles[0].text if titles else link.text
    return " ".join(text.split())


def _show_all_nav(browser) -> None:
    """Open a collapsed sidebar and the pages hidden behind « View more »."""
    for testid in ("stExpandSidebarButton", "stSidebarNavViewButton"):
        for button in browser.find_elements("css selector", f'[data-testid="{testid}"]'):
            if button.is_displayed() and "less" not in button.text.lower():
                _js_click(browser, button)


def nav_labels(browser) -> list[str]:
    """Titles of the pages in st.navigation's menu (empty with a single page: no menu)."""
    labels = [_nav_label(link) for link in browser.find_elements("css selector", _NAV_LINKS)]
    if labels:
        _show_all_nav(browser)
        labels = [_nav_label(link) for link in browser.find_elements("css selector", _NAV_LINKS)]
    return labels


def click_nav(browser, label: str, timeout: float = APP_TIMEOUT) -> None:
    """Go to the page titled ``label`` through st.navigation's menu (sidebar or top)."""

    def link():
        for candidate in browser.find_elements("css selector", _NAV_LINKS):
            if _nav_label(candidate) == label:
                return candidate
        _show_all_nav(browser)
        return None

    found = _until(link, 10, f"lien de navigation « {label} »", browser)
    _after(browser, lambda: _js_click(browser, found), timeout)


def click_button(browser, label: str, timeout: float = APP_TIMEOUT, *, within=None) -> None:
    """Click the button (st.button, st.download_button, form submit…) labelled ``label``.

    Icon buttons are found by their aria-label (a table's "Download as CSV"); toolbars that
    only show on hover are hovered first. ``within``: an element to search in (default: the
    whole page, first match).
    """
    def button():
        for candidate in (within or browser).find_elements("css selector", "button"):
            if label in (_label(candidate), candidate.get_attribute("aria-label")):
                if not candidate.is_displayed():
                    toolbar_owner = browser.execute_script(
                        "const bar = arguments[0].closest('[data-testid=\"stElementToolbar\"]');"
                        "return bar && bar.parentElement;", candidate)
                    if toolbar_owner is None:
                        continue
                    ActionChains(browser).move_to_element(toolbar_owner).perform()
                return candidate
        return None

    found = _until(button, 10, f"bouton « {label} »", browser)
    _after(browser, lambda: _js_click(browser, found), timeout)


def _widget(browser, testid: str, label: str):
    for widget in browser.find_elements("css selector", f'[data-testid="{testid}"]'):
        labels = widget.find_elements("css selector", '[data-testid="stWidgetLabel"]')
        if labels and _label(labels[0]) == label:
            return widget
    return None


def type_text(browser, label: str, text: str, timeout: float = APP_TIMEOUT) -> None:
    """Replace the content of the text input labelled ``label`` with ``text`` and press Enter."""
    widget = _until(lambda: _widget(browser, "stTextInput", label), 10, f"champ « {label} »", browser)
    field = widget.find_element("css selector", "input")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", field)
    field.click()
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE)  # .clear() bypasses React: Streamlit would not see it
    _after(browser, lambda: field.send_keys(text, Keys.ENTER), timeout)


def wait_for_download(browser, pattern: str = "*", timeout: float = 30) -> Path:
    """The file downloaded into ``browser.download_dir`` once complete (size stable)."""
    folder: Path = browser.download_dir

    def complete() -> Path | None:
        done = [
            p for p in folder.glob(pattern)
            if p.is_file() and not p.name.endswith((".crdownload", ".tmp")) and not p.name.startswith(".")
        ]
        if not done or any(folder.glob("*.crdownload")):
            return None
        newest = max(done, key=lambda p: p.stat().st_mtime)
        size = newest.stat().st_size
        time.sleep(0.3)
        return newest if newest.stat().st_size == size else None

    return _until(complete, timeout, f"téléchargement {pattern} dans {folder}", browser)
