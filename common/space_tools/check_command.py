"""`check`: the backend, the README front matter and .env agree with what the Space needs."""

from __future__ import annotations

from . import config, front_matter_rules
from .backend_checks import check_backend
from .envfile import read_env_file
from .errors import SpaceError


def add_arguments(parser) -> None:
    parser.set_defaults()


def main(args) -> int:
    settings = config.load(args.root)
    broken = front_matter_rules.problems(settings.front_matter)
    if broken:
        raise SpaceError("README.md front matter: " + "; ".join(broken) + ".")
    folder = settings.backend_path or settings.code_dir
    for note in check_backend(settings, folder):
        print(note)
    local = read_env_file(settings.root / ".env")
    missing = [var.name for var in settings.variables() if var.required and not local.get(var.name)]
    if missing:
        print(f"note: .env lacks required {', '.join(missing)}; set them before a local run or deploy.")
    print(f"ok: {settings.space_name} ({settings.runtime}) on port {settings.app_port}, health {settings.health_path}")
    return 0
