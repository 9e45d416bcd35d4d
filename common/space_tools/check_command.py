# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`check`: space.json, the files rendered from it, the backend and .env agree with what the Space needs."""

from __future__ import annotations

from . import backend_sync, config, deploy_env_plan, derived_files, env_values, update_leftovers


def add_arguments(parser) -> None:
    parser.set_defaults()


def main(args) -> int:
    settings = config.load(args.root)
    update_leftovers.refuse(settings.root, skip_backend=settings.backend_path is not None)
    derived_files.refuse(settings)
    for note in backend_sync.sync(settings, dry_run=True).notes:  # the backend's checks, links, ./backend
        print(note)
    values = env_values.resolve(settings)
    for name in deploy_env_plan.public_secret_suspects(values, set()):
        print(f"note: {name} looks like a secret but is a Variable in space.json: deploy refuses it unless you make it "
              f"a secret there or confirm it with `deploy --public {name}`.")
    missing = [v.name for v in values if v.var.required and v.value is None]
    if missing:
        print(f"note: .env lacks required {', '.join(missing)}; set them before a local run or deploy.")
    print(f"ok: {settings.space_name} ({settings.runtime}) on port {settings.app_port}, health {settings.health_path}")
    return 0
