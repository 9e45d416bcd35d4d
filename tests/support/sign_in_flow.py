"""A person signing in with Hugging Face, over plain HTTP: the app sends them to the provider, they pick a
username on its page, and the provider sends them back. Cookies are kept as a browser on this machine keeps
them (by host, any port; Secure ones too, since loopback counts as a secure origin)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urljoin

import requests


@dataclass
class Browser:
    cookies: dict[str, str] = field(default_factory=dict)
    visited: list[str] = field(default_factory=list)

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        headers = {**kwargs.pop("headers", {})}
        if self.cookies:
            headers["cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        answer = requests.request(method, url, headers=headers, allow_redirects=False, timeout=10, **kwargs)
        self.visited.append(f"{method} {url} -> {answer.status_code}")
        for raw in answer.raw.headers.getlist("set-cookie"):
            for name, morsel in SimpleCookie(raw).items():
                expired = morsel["max-age"] == "0" or "1970" in morsel["expires"]
                if expired or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return answer

    def follow(self, url: str, *, until: str) -> requests.Response:
        """GET, then follow redirects until one leads to `until` (a URL prefix), not requesting that one."""
        answer = self.request("GET", url)
        for _ in range(10):
            location = answer.headers.get("location")
            if answer.status_code not in (301, 302, 303, 307) or not location:
                return answer
            target = urljoin(answer.url, location)
            if target.startswith(until):
                answer.headers["x-next"] = target
                return answer
            answer = self.request("GET", target)
        raise AssertionError("more than 10 redirects: " + "; ".join(self.visited))


def sign_in_at_provider(browser: Browser, authorization_url: str, provider_url: str, app_url: str,
                        username: str = "alice") -> str:
    """From the provider's authorization URL to the app's callback URL (not yet requested)."""
    page = browser.follow(authorization_url, until=app_url)
    form = re.search(r'action="(/interaction/[^"]+)"', page.text)
    assert page.status_code == 200 and form, f"no sign-in page at the provider: {page.status_code} {page.text[:300]}"
    answer = browser.request("POST", provider_url + form.group(1), data={"login": username})
    assert answer.status_code == 303, answer.text[:300]
    back = browser.follow(urljoin(provider_url, answer.headers["location"]), until=app_url)
    assert "x-next" in back.headers, f"the provider did not send the browser back: {browser.visited}"
    return back.headers["x-next"]
