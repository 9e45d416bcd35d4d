"""Benchmarks: what the generated images cost and how fast they serve, against the Dockerfiles users would
otherwise write. Run it with `bench/run` (see bench/README.md)."""

import sys


def say(message: str) -> None:
    """Progress on stderr, so stdout holds only the table."""
    print(f"bench: {message}", file=sys.stderr, flush=True)
