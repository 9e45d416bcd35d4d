"""The base images the templates build on by default, read from the questions' defaults (one place)."""

from __future__ import annotations

from pathlib import Path

import yaml

_QUESTIONS = Path(__file__).resolve().parents[1] / "copier" / "questions"


def _default(topic: str, question: str) -> str:
    return str(yaml.safe_load((_QUESTIONS / f"{topic}.yml").read_text(encoding="utf-8"))[question]["default"])


def node_image(major: str) -> str:
    return f"node:{major}-slim"


PYTHON_IMAGE = f"python:{_default('python', 'python_version')}-slim"
NODE_IMAGE = node_image(_default("node", "node_version"))
_BASE_IMAGES = _QUESTIONS.parents[1] / "common" / "space_tools" / "base_images.yml"
_OFFERED = yaml.safe_load(_BASE_IMAGES.read_text(encoding="utf-8"))
# Every Python base image the questions offer (python_version's choices), oldest first.
PYTHON_IMAGES = tuple(f"python:{version}-slim" for version in _OFFERED["python"])
# The Bun image a js_runtime=bun Space builds on (bun_version's newest choice, its default).
BUN_IMAGE = f"oven/bun:{_OFFERED['bun'][-1]}-slim"
