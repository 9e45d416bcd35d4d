# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`rollback`: make the Space's files those of an earlier commit, in one new commit, then wait and check health.

The Hub copies the files from that commit itself (nothing is uploaded from here, so this works from any folder of
the Space, whatever its working copy holds). Variables and Secrets are not part of a commit: they stay as they are.
"""

from __future__ import annotations

from . import config, hub_space, hub_wait, release_watch
from .errors import SpaceError
from .upload_plan import HUB_OWNED

LISTED = 10


def add_arguments(parser) -> None:
    parser.add_argument("--to", metavar="REV", help="the commit to go back to: its id, or the first 7+ characters "
                        "of it (default: the one before the Space's current commit)")
    parser.add_argument("--list", action="store_true", help="list the Space's recent commits and change nothing")
    parser.add_argument("--space-id", help="OWNER/NAME (default: space.json's)")
    release_watch.add_arguments(parser)


def _short(commit) -> str:
    return f"{commit.commit_id[:7]}  {commit.created_at:%Y-%m-%d %H:%M}  {commit.title}"


def _target(history: list, wanted: str | None):
    """The commit to go back to: `wanted` (an id or its start), else the one before the current."""
    listing = "; recent commits (`./space rollback --list`): " + ", ".join(
        f"{c.commit_id[:7]} {c.title!r}" for c in history[:5])
    if wanted is None:
        if len(history) < 2:
            raise SpaceError("the Space has a single commit: there is nothing earlier to go back to.")
        return history[1]
    if len(wanted) < 7:
        raise SpaceError(f"--to {wanted}: give at least the first 7 characters of a commit id{listing}.")
    found = [c for c in history if c.commit_id.startswith(wanted.lower())]
    if not found:
        raise SpaceError(f"--to {wanted}: the Space has no such commit{listing}.")
    if found[0] is history[0]:
        raise SpaceError(f"--to {wanted} is the Space's current commit: nothing to roll back.")
    return found[0]


def roll_back(hub, space_id: str, settings, target, args, visibility: str) -> bool:
    """One commit restoring `target`'s files, watched to health. True when the Space then runs healthy."""
    wanted = {f.path: f for f in hub.remote_files(space_id, revision=target.commit_id)}
    current = {f.path: f for f in hub.remote_files(space_id)}
    changed = sorted(p for p, f in wanted.items() if p not in current or current[p] != f)
    removed = sorted(p for p in current if p not in wanted and p not in HUB_OWNED)
    if not changed and not removed:
        print(f"The Space's files are already those of {target.commit_id[:7]}: nothing to commit.")
        stage, raw = hub.runtime(space_id)
        if stage != "RUNNING":
            release_watch.report_failure(hub, space_id, settings, hub_wait.Outcome(stage, raw), args.timeout)
            return False
        return release_watch.check_health(hub, space_id, settings, args, visibility)
    stage, raw = hub_wait.settle(lambda: hub.runtime(space_id), timeout=args.timeout, poll=args.poll_interval)
    message = f"Roll back to {target.commit_id[:7]}: {target.title}"[:200]
    commit_oid = hub.restore(space_id, target.commit_id, changed, removed, message)
    print(f"Files: {len(changed)} restored, {len(removed)} removed; commit {commit_oid[:7]} \"{message}\"")
    print("note: Variables and Secrets are not part of a commit: they stay as the Space has them.")
    return release_watch.watch(hub, space_id, settings, release_watch.Release(commit_oid, stage, raw), args,
                               visibility)


def main(args) -> int:
    settings = config.load(args.root)
    hub = hub_space.connect()
    space_id = args.space_id or hub_space.space_id(settings, hub)
    if hub.space_info(space_id) is None:
        raise SpaceError(f"{space_id} does not exist on the Hub: there is nothing to roll back.")
    history = hub.commits(space_id)
    if args.list:
        print(f"{space_id}, newest first:")
        for commit in history[:LISTED]:
            print(f"  {_short(commit)}")
        return 0
    target = _target(history, args.to)
    print(f"{space_id}: rolling back from {_short(history[0])}")
    print(f"  to {_short(target)}")
    return 0 if roll_back(hub, space_id, settings, target, args, settings.visibility) else 1
