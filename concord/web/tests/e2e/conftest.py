"""Browser tests: Playwright driving Debian's headless Chromium against the live server.

Never a test tool's own browser download: the path below is the Debian package's binary. If it
is missing the tests fail and say how to install it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[4]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
# between browser steps are ordinary synchronous calls, so Django's guard is lifted here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            "Browser tests need Debian's chromium at /usr/bin/chromium: "
            "run `apt-get update && apt-get install -y chromium chromium-driver`."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Browser tests need the playwright package: pip install playwright.")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def e2e_world(live_server, world, categories):
    from django.urls import get_resolver

    # Import every app's URLs (and with them the classifier's libraries) here rather than in
    # the browser's first request, which on a busy machine can outlast a page timeout.
    assert get_resolver().url_patterns
    return world


class Pages:
    """Steps a person takes, shared by the scenarios."""

    def __init__(self, page, base_url: str, lang: str):
        self.page, self.base, self.lang = page, base_url, lang

    def go(self, path: str) -> None:
        self.page.goto(self.base + path)

    def switch_language(self) -> None:
        """Use the language switch in the header, as a visitor would."""
        if self.page.get_attribute("html", "lang") == self.lang:
            return
        with self.page.expect_navigation():
            self.page.select_option("#lang-select", self.lang)
        assert self.page.get_attribute("html", "lang") == self.lang

    def login(self, username: str) -> None:
        self.go("/accounts/login/")
        self.switch_language()
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("main form button[type=submit]")

    def logout(self) -> None:
        with self.page.expect_navigation():
            self.page.click("form.logout button")

    def act(self, action: str, fields: dict[str, str] | None = None, checks=()) -> None:
        """Open an action on the case page, fill it, tick the confirmation if the step is
        irreversible, and submit."""
        box = f"#action-{action}"
        self.page.click(f"{box} > summary")
        for name, value in (fields or {}).items():
            selector = f"#id_{action}-{name}"
            tag = self.page.eval_on_selector(selector, "e => e.tagName")
            if tag == "SELECT":
                self.page.select_option(selector, value)
            else:
                self.page.fill(selector, value)
        for name in checks:
            self.page.check(f"#id_{action}-{name}")
        if self.page.locator(f"#id_{action}-confirm").count():
            self.page.check(f"#id_{action}-confirm")
        with self.page.expect_navigation():
            self.page.click(f"{box} button[type=submit]")

    def shoot(self, name: str) -> None:
        """Save the page at desktop and phone widths into artifacts/screenshots/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            self.page.set_viewport_size(size)
            self.page.screenshot(
                path=str(SCREENSHOTS / f"{name}-{self.lang}-{label}.png"), full_page=True
            )
        self.page.set_viewport_size(DESKTOP)

    def axe(self) -> list[dict]:
        """Run axe-core in the page and return its serious and critical violations."""
        # Loaded from the site's own static files (built from node_modules), as the page's
        # Content-Security-Policy allows scripts from 'self' only.
        self.page.add_script_tag(url=self.base + "/static/vendor/axe-core/axe.min.js")
        violations = self.page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
            }"""
        )
        return [v for v in violations if v["impact"] in ("serious", "critical")]

    def check_page(self, name: str) -> None:
        """Screenshot the page at both widths and assert axe finds nothing serious."""
        self.shoot(name)
        bad = self.axe()
        assert not bad, f"{name}: " + json.dumps(bad, ensure_ascii=False, indent=1)


@pytest.fixture(params=["zh-hans", "en"])
def lang(request):
    return request.param


@pytest.fixture
def steps(page, live_server, lang):
    return Pages(page, live_server.url, lang)
