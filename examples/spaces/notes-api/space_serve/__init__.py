"""Starts the backend's ASGI app the way a Space needs: checked environment, health route, uvicorn."""
