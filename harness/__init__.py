"""What the tests and the benchmarks share: the Docker engine's client and the base images the templates use."""
