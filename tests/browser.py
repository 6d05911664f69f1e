"""Headless Chromium for the browser tests: Debian's ``chromium`` driven by Playwright (no browser download).

``CHROMIUM_PATH`` overrides the browser binary (default ``/usr/bin/chromium``); screenshots go to
``FACTCHECK_SCREENSHOTS`` (default ``screenshots/``, git-ignored), one folder per test.
Without the browser the tests are skipped, unless ``FACTCHECK_REQUIRE_SERVICES`` is set (CI), where they fail.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (run scripts/install-browser.sh)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


# Module scope: each browser test module imports these fixtures under its own names, so a session-scoped
# one would be started twice, and Playwright's sync API allows one running instance per thread.
@pytest.fixture(scope="module")
def chromium():
    missing = _missing()
    if missing:
        if os.environ.get("FACTCHECK_REQUIRE_SERVICES"):
            pytest.fail(f"FACTCHECK_REQUIRE_SERVICES is set but {missing}", pytrace=False)
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, which makes Django refuse the test's own
    # (synchronous) ORM calls. Allowed only while the browser runs: subprocesses of other tests must not
    # inherit it (`check --deploy` rejects it).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Shots:
    """Numbered screenshots of one test, for a person to look at after the run."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def __call__(self, page, name: str) -> None:
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{name}.png"), full_page=True)


@pytest.fixture
def shots(request) -> Shots:
    base = Path(os.environ.get("FACTCHECK_SCREENSHOTS") or ROOT / "screenshots")
    return Shots(base / re.sub(r"[^\w-]", "_", request.node.name))


@pytest.fixture
def new_page(chromium, live_server):
    """Open fresh browser contexts (one per user); each dialog (alert, confirm) is recorded and dismissed."""
    contexts = []

    def open_page():
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.dialogs = []

        def on_dialog(dialog):
            page.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


def log_in(page, username: str, password: str) -> None:
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


SELECT_TEXT_JS = """([selector, needle]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(needle);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + needle.length);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    root.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
    return true;
  }
  return false;
}"""


def select_text(page, selector: str, needle: str) -> None:
    """Select ``needle`` inside the element as a user's mouse would, then release the button."""
    assert page.evaluate(SELECT_TEXT_JS, [selector, needle]), f"{needle!r} not found in {selector}"
