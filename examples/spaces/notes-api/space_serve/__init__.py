# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""Starts the backend's ASGI app the way a Space needs: checked environment, health route, uvicorn."""
