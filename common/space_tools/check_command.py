# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`check`: space.json, the files rendered from it, the backend and .env agree with what the Space needs."""

from __future__ import annotations

from . import (
    backend_sync,
    config,
    deploy_env_plan,
    derived_files,
    detect,
    env_values,
    template_release,
    update_leftovers,
)


def add_arguments(parser) -> None:
    parser.set_defaults()


def main(args) -> int:
    settings = config.load(args.root)
    update_leftovers.refuse(settings.root, skip_backend=settings.backend_path is not None)
    derived_files.refuse(settings)
    for note in backend_sync.sync(settings, dry_run=True).notes:  # the backend's checks, links, ./backend
        print(note)
    for note in [*detection_notes(settings), *template_address_notes(settings.root), *storage_notes(settings)]:
        print(note)
    values = env_values.resolve(settings)
    for name, why in deploy_env_plan.public_secret_suspects(values, set()).items():
        print(f"note: {name} ({why}) looks like a secret but is a Variable in space.json: deploy refuses it unless you "
              f"declare it a Secret ({deploy_env_plan.HOW_TO_DECLARE_A_SECRET}) or confirm it with "
              f"`deploy --public {name}`.")
    for note in env_values.ready_to_run(settings, values):
        print(note)
    print(f"ok: {settings.space_name} ({settings.runtime}) on port {settings.app_port}, health {settings.health_path}")
    return 0


def storage_notes(settings) -> list[str]:
    """An auth server whose users vanish at every restart: legal, but rarely what is meant."""
    if settings.settings.get("storage", "none") == "none" and settings.settings.get("database") == "sqlite":
        return ["note: storage=none: the SQLite database (DATABASE_PATH) starts empty at every restart and deploy, "
                "signing everyone out; `copier update --defaults --data storage=bucket` keeps it in a Storage Bucket."]
    return []


def template_address_notes(root) -> list[str]:
    """A template recorded by a local path updates only on this machine: teammates need its remote address."""
    address = template_release.local_address(root)
    if address:
        return [f"note: .copier-answers.yml records the template at {address}, which only this machine has: set "
                "_src_path there to its remote address (e.g. gh:<owner>/hf-space-templates) so teammates can "
                "`copier update`."]
    return []


def detection_notes(settings) -> list[str]:
    """Where the backend's own files disagree with space.json: worth a look, not a refusal (the answer may be right)."""
    findings, variables = detect.find(settings)
    notes = [
        f"note: the backend says {item.answer}={item.value} ({item.source}); space.json has {settings.settings.get(item.answer)}."
        for item in findings.items if item.value is not None and settings.settings.get(item.answer) != item.value
    ]
    missing = [variable.name for variable in variables if variable.name not in settings.settings["variables"]]
    if missing:
        notes.append(f"note: the code reads {', '.join(missing)}, which space.json does not declare, so neither .env "
                     "nor deploy sets them.")
    notes += [f"warning: {warning}." for warning in findings.warnings]
    if notes:
        notes.append("note: `./space detect` shows what the backend says; --write makes it the answers.")
    return notes
