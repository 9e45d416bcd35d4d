"""Notes API: a small FastAPI service backed by SQLite."""

__version__ = "0.1.0"
