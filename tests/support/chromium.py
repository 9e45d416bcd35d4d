"""Headless Chromium from Debian's packages, driven by Selenium through Debian's chromedriver: a real browser
that reaches loopback addresses only, and keeps its screenshots as test output."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPO = Path(__file__).resolve().parents[2]
# Screenshots a person can look at after the run; ignored by git (never part of the repository).
OUTPUT = Path(os.environ.get("SPACE_TEST_OUTPUT", REPO / "build" / "test-output"))
BINARY = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def start() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = BINARY
    for argument in (
        "--headless=new",
        "--no-sandbox",  # root in a container has no user namespace for Chromium's sandbox
        "--disable-dev-shm-usage",
        "--window-size=1100,800",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",  # loopback, nothing else
    ):
        options.add_argument(argument)
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager never downloads a driver or a browser
    return webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))


def screenshot(driver: webdriver.Chrome, name: str) -> Path:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / (re.sub(r"[^A-Za-z0-9_.-]+", "-", name) + ".png")
    driver.save_screenshot(str(path))
    return path
