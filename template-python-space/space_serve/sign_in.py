# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""hf_oauth for an app that does not wire it itself: huggingface_hub's sign-in routes, attached to a FastAPI app."""

from __future__ import annotations

import sys

LOGIN_PATH = "/oauth/huggingface/login"


def _say(message: str) -> None:
    print(f"space: {message}", file=sys.stderr, flush=True)


def attach(app, serves) -> None:
    """Add /oauth/huggingface/login, /callback and /logout unless the app has them (serves(app, path) says)."""
    if serves(app, LOGIN_PATH):
        return
    try:
        from fastapi import FastAPI
        from huggingface_hub import attach_huggingface_oauth
    except ImportError:
        _say("hf_oauth is on, but huggingface_hub[oauth] is not installed: add it to the backend's dependencies.")
        return
    if not isinstance(app, FastAPI):
        _say(f"hf_oauth is on, but the app is a {type(app).__name__}, not FastAPI: add sign-in routes yourself.")
        return
    attach_huggingface_oauth(app)
    _say(f"Sign in with Hugging Face at {LOGIN_PATH} (routes added by space_serve; read the user with "
         "huggingface_hub.parse_huggingface_oauth(request))")
