"""A person in a real browser (headless Chromium) signs in with Hugging Face on the Node starter's local run:
at the Space's own URL, and inside a page of another site that embeds it as huggingface.co does, where the
sign-in opens in a new tab and hands the session back to the embedded page. Screenshots are kept."""

from __future__ import annotations

import http.server
import threading
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from harness import docker
from tests.conftest import space_tools
from tests.support import chromium, figures

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module")
def space(render_session):
    """The Node starter with hf_oauth, run locally with its provider (host network)."""
    name = f"browser-sign-in-{uuid.uuid4().hex[:6]}"
    project = render_session(runtime="node", space_name=name, hf_oauth=True)
    port = docker.free_port()
    space_tools(project, "run", "--network", "host", "--detach",
                "--placeholder-secrets", "--port", str(port))
    yield f"http://127.0.0.1:{port}"
    for container in (f"{name}-local", f"{name}-local-sign-in"):
        docker.docker("rm", "--force", container, check=False)
    docker.remove_image(f"{name}:local")


@pytest.fixture
def browser():
    driver = chromium.start()
    yield driver
    driver.quit()


@pytest.fixture
def hub_page(space):
    """A page of another site (localhost, not 127.0.0.1) that shows the Space in an iframe, as huggingface.co does."""
    html = (f'<!doctype html><title>Space page</title><h1>owner/space</h1>'
            f'<iframe id="space" src="{space}/" width="900" height="500"></iframe>').encode()

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()


def _sign_in_at_the_provider(browser, username: str) -> None:
    wait = WebDriverWait(browser, 20)
    field = wait.until(expected_conditions.presence_of_element_located((By.NAME, "login")))
    assert "Sign in with Hugging Face" in browser.find_element(By.TAG_NAME, "h1").text
    field.clear()
    field.send_keys(username)
    chromium.screenshot(browser, f"sign-in-provider-{username}")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()


def _signed_in_text(browser) -> str:
    WebDriverWait(browser, 20).until(
        lambda driver: driver.find_element(By.ID, "who").text.startswith("Signed in as"))
    return browser.find_element(By.ID, "who").text


def test_at_the_spaces_own_url_the_button_signs_in_and_lands_back_signed_in(space, browser):
    browser.get(space + "/")
    assert browser.find_element(By.ID, "who").text == "Not signed in."

    browser.find_element(By.ID, "sign-in").click()
    _sign_in_at_the_provider(browser, "erin")
    text = _signed_in_text(browser)

    assert text == "Signed in as erin (erin@example.com)"
    assert browser.current_url == space + "/"
    figures.record(f"sign-in screenshot: {chromium.screenshot(browser, 'sign-in-direct-signed-in')}")


def test_inside_an_embedding_page_sign_in_opens_a_new_tab_and_the_embedded_page_gets_the_session(
        space, browser, hub_page):
    browser.get(hub_page)
    page = browser.current_window_handle
    browser.switch_to.frame(browser.find_element(By.ID, "space"))
    WebDriverWait(browser, 20).until(lambda driver: driver.find_element(By.ID, "who").text == "Not signed in.")

    browser.find_element(By.ID, "sign-in").click()
    WebDriverWait(browser, 20).until(lambda driver: len(driver.window_handles) == 2)
    tab = next(handle for handle in browser.window_handles if handle != page)
    browser.switch_to.window(tab)
    _sign_in_at_the_provider(browser, "frank")
    WebDriverWait(browser, 20).until(lambda driver: len(driver.window_handles) == 1)  # the tab closes itself
    browser.switch_to.window(page)
    browser.switch_to.frame(browser.find_element(By.ID, "space"))
    text = _signed_in_text(browser)

    assert text == "Signed in as frank (frank@example.com)"
    browser.switch_to.default_content()
    figures.record(f"sign-in screenshot: {chromium.screenshot(browser, 'sign-in-embedded-signed-in')}")
