# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`open`: the Space's page and its app's URL, opened in the browser with --browser."""

from __future__ import annotations

import webbrowser

from . import config, hub_space

HUB = "https://huggingface.co"


def add_arguments(parser) -> None:
    parser.add_argument("--browser", action="store_true", help="open the Space's page in the default browser")


def main(args) -> int:
    settings = config.load(args.root)
    space_id = hub_space.space_id(settings)  # the Hub is asked only when space_owner is empty
    page = f"{HUB}/spaces/{space_id}"
    print(f"page: {page}")
    print(f"app:  {hub_space.space_url(None, None, space_id)}")
    if args.browser:
        webbrowser.open(page)
    return 0
