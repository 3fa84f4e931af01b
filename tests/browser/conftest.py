"""Browser tests: Playwright driving Debian's Chromium, with axe-core in every page.

Without Chromium (or Playwright) these tests are skipped with a visible reason;
CI sets LEARNINGCITY_REQUIRE_BROWSER=1 so that a skip fails the run instead.
Never `playwright install`: it downloads a browser."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("LEARNINGCITY_CHROMIUM", "/usr/bin/chromium")
ARTEFACTS = Path(__file__).resolve().parents[2] / "artefacts" / "screenshots"
BLOCKING_IMPACTS = {"serious", "critical"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _unavailable_reason() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import axe_playwright_python  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"Playwright or axe is not installed: {error}"
    return None


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    reason = _unavailable_reason()
    if reason is None:
        return
    if os.environ.get("LEARNINGCITY_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"Browser tests are required but cannot run: {reason}")
    marker = pytest.mark.skip(reason=f"BROWSER TESTS SKIPPED: {reason}")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(marker)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still
    # be usable from the test body for setting up data.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page: Any, name: str) -> None:
    """No serious or critical axe violations; a screenshot for people to look at."""
    from axe_playwright_python.sync_playwright import Axe

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
    results = Axe().run(page)
    blocking = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert not blocking, f"axe on {name}: " + "\n".join(blocking)


def set_language(page: Any, base_url: str, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
