# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The rules of the storage answers: which storage the database allows, and with storage=bucket where the bucket is
mounted, which SQLite files it keeps, how often, in which bucket. Each message is the one the question's validator
gives (copier/questions/storage*.yml); the patterns are answer_rules.yml's, which the questions read too."""

from __future__ import annotations

import json
import re

from .answer_rules import RULES

BUCKET_ANSWERS = ("storage_mount", "sqlite_files", "snapshot_interval", "storage_bucket")


def mount_problem(mount: str) -> str | None:
    """storage_mount goes into docker's --mount and the Space's volumes: a plain folder of its own, nothing else."""
    if not re.search(RULES["storage_mount"], mount):
        return (f'storage_mount "{mount}" is not a folder path in the container like /data: absolute and normalized, '
                "of letters, digits, '.', '_' and '-' (no '..', comma, quote or space).")
    top = mount.split("/")[1]
    if top in RULES["image_folders"]:
        return (f'storage_mount "{mount}" would hide the image\'s own /{top}: mount the bucket on a folder of its '
                "own, such as /data.")
    return None


def _sqlite_problems(files, mount: str, variables: dict, runtime: str) -> list[str]:
    if not isinstance(files, list) or not files:
        return ['storage=bucket needs sqlite_files: a list like ["$NOTES_DB_PATH"] or ["/home/user/data/app.db"].']
    found = []
    for entry in files:
        name = str(entry)
        if name.startswith("$"):
            spec = variables.get(name[1:])
            if not isinstance(spec, dict):
                found.append(f"{name}: {name[1:]} is not in env_vars; declare it there with the file's path as its "
                             "default.")
            elif runtime == "python" and not spec.get("default"):
                found.append(f"{name}: give {name[1:]} a default in env_vars (the file's path), so the Space knows "
                             "it when the variable is unset.")
        elif not name.startswith("/") or ".." in name:
            found.append(f"{name} is not an absolute path in the container, nor $NAME.")
        elif name.startswith(mount + "/"):
            found.append(f"{name} is on the bucket itself ({mount}): a live SQLite file must stay on local disk.")
    return found


def problems(settings: dict, runtime: str) -> list[str]:
    storage, database = settings.get("storage", "none"), settings.get("database")
    if runtime == "node" and storage == "bucket" and database != "sqlite":
        return [f"storage=bucket keeps SQLite files, but database is {database}: answer storage=external."]
    if runtime == "node" and storage == "external" and database not in RULES["database_servers"]:
        return [(f"storage=external needs database={' or '.join(RULES['database_servers'])} (DATABASE_URL): answer "
                 "both, or storage=bucket to keep SQLite.")]
    if storage != "bucket":
        return []
    missing = [key for key in BUCKET_ANSWERS if key not in settings]
    if missing:
        return [(f"storage=bucket needs {', '.join(missing)}: restore space.json from git, or render it again with "
                 "`copier update`.")]
    mount, interval, bucket = settings["storage_mount"], settings["snapshot_interval"], settings["storage_bucket"]
    found = []
    if not isinstance(mount, str) or not isinstance(bucket, str):
        return [f"storage_mount and storage_bucket must be strings, not {json.dumps(mount)} and {json.dumps(bucket)}."]
    found.extend(filter(None, [mount_problem(mount)]))
    found.extend(_sqlite_problems(settings["sqlite_files"], mount, settings.get("variables") or {}, runtime))
    if not isinstance(interval, int) or isinstance(interval, bool) or not 1 <= interval <= 3600:
        found.append(f"snapshot_interval must be 1-3600 seconds, got {json.dumps(interval)}.")
    if bucket and not re.search(RULES["storage_bucket"], bucket):
        found.append(f'"{bucket}" is not a bucket id like owner/name.')
    return found
