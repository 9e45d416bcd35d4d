"""Everything a benchmark run creates (containers, images, scratch folders), removed at the end even on failure."""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path
from types import FrameType, TracebackType
from typing import Self

from bench import say
from harness import docker

LATE_IMAGE_SECONDS = 15  # how long an interrupted build may take to finish exporting its image


class Leftovers:
    """A context manager that removes what was tracked on exit, also after Ctrl-C or SIGTERM."""

    def __init__(self) -> None:
        self.containers: list[docker.Container] = []
        self.images: list[str] = []
        self.folders: list[Path] = []

    def container(self, container: docker.Container) -> docker.Container:
        self.containers.append(container)
        return container

    def image(self, tag: str) -> str:
        self.images.append(tag)
        return tag

    def folder(self, path: Path) -> Path:
        self.folders.append(path)
        return path

    def drop_image(self, tag: str) -> None:
        """Remove one image now (builds that are measured, then not needed)."""
        docker.remove_image(tag)
        if tag in self.images:
            self.images.remove(tag)

    def __enter__(self) -> Self:
        # SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so the `finally` blocks and __exit__ run.
        signal.signal(signal.SIGTERM, _raise_interrupt)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave half the cleanup undone
        try:
            for container in self.containers:
                container.remove()
            for tag in self.images:
                docker.remove_image(tag)
            for folder in self.folders:
                shutil.rmtree(folder, ignore_errors=True)
            if exc_type is not None:
                self._remove_late_images()
            if self.containers or self.images:
                say(f"removed {len(self.containers)} container(s) and {len(self.images)} image(s)")
        finally:  # an ignored Ctrl-C would outlive a failed cleanup, and every process started afterwards inherits it
            signal.signal(signal.SIGINT, signal.default_int_handler)


    def _remove_late_images(self) -> None:
        """An interrupted `docker build` can still tag its image after the client is gone: wait for those too."""
        deadline = time.monotonic() + LATE_IMAGE_SECONDS
        while time.monotonic() < deadline:
            late = [tag for tag in self.images if docker.image_exists(tag)]
            for tag in late:
                docker.remove_image(tag)
            time.sleep(0.5)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
