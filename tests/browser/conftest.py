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
        watch_every_context(instance)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1024, "height": 800})
    page = context.new_page()
    yield page
    violations = CSP_VIOLATIONS.pop(id(context), [])
    context.close()
    # Any violation after the last assert_accessible fails the test here.
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


# Violations seen per browser context (by id), for every context a test opens: each
# assert_accessible fails on them, so inline script, style="" or on* handlers (forbidden
# by the policy) are caught on the page where they appear.
CSP_VIOLATIONS: dict[int, list[str]] = {}


def watch_every_context(browser: Any) -> None:
    new_context = browser.new_context

    def new_watched_context(*args: Any, **kwargs: Any) -> Any:
        context = new_context(*args, **kwargs)
        CSP_VIOLATIONS[id(context)] = watch_content_security_policy(context)
        return context

    browser.new_context = new_watched_context


_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__lcCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile || event.documentURI}:${event.lineNumber}`
  );
});
"""


def watch_content_security_policy(context: Any) -> list[str]:
    """Collect the CSP violations of every page in ``context`` (the DOM event, and
    Chromium's console error for the cases the event does not reach)."""
    violations: list[str] = []
    context.expose_binding("__lcCspViolation", lambda _source, text: violations.append(text))
    context.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            violations.append(message.text)

    context.on("console", on_console)
    return violations


def assert_no_csp_violations(page: Any, name: str) -> None:
    violations = CSP_VIOLATIONS.get(id(page.context), [])
    found, violations[:] = list(violations), []
    assert not found, f"Content-Security-Policy violations on {name}:\n" + "\n".join(found)


def assert_accessible(page: Any, name: str) -> None:
    """No serious or critical axe violations; a screenshot for people to look at."""
    from axe_playwright_python.sync_playwright import Axe

    assert_no_csp_violations(page, name)
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
