# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`preview deploy|delete --pr N`: a Space of its own per pull request, OWNER/<space_name>-pr-N.

`deploy` makes or updates it as deploy does, private (or protected) and on free hardware, with the pull request's
files and space.json, its values from .env or the environment, throwaway values for required Secrets given
neither, and a bucket of its own if storage is bucket (a preview never gets the real Space's Secrets or data).
`--summary FILE` writes the Markdown the workflow comments on the pull request. `delete` removes it (and that bucket)
when the pull request closes. Both only ever name a `-pr-N` Space: the real one is out of their reach.

Its name, its owner (unless `--owner`) and the production Space come from `--base` (in CI the default branch's
checkout), never from the pull request's space.json; and a token that could write to the production Space is
refused when previews live in a namespace of their own, since the pull request's files are deployed with it.
"""

from __future__ import annotations

import argparse

from . import config, deploy_command, deploy_storage, hub_space, release_watch, token_reach
from .errors import SpaceError

FREE_HARDWARE = "cpu-basic"


def add_arguments(parser) -> None:
    parser.add_argument("action", choices=("deploy", "delete"))
    parser.add_argument("--pr", type=int, required=True, help="the pull request's number")
    parser.add_argument("--owner", help="where the preview lives (default: space.json's space_owner, else the "
                        "token's user); best a namespace of its own, such as an organization for previews")
    parser.add_argument("--base", metavar="DIR", help="the default branch's checkout of this Space (CI): the "
                        "preview's name and owner, and the production Space, come from its space.json, not the "
                        "pull request's")
    parser.add_argument("--visibility", choices=("private", "protected"), default="private",
                        help="private (default: only the Space's members see it) or protected (its app is public)")
    parser.add_argument("--hardware", default=FREE_HARDWARE, help=f"(default: {FREE_HARDWARE}, whatever space.json "
                        "says: a preview is billed like any Space)")
    parser.add_argument("--summary", metavar="FILE", help="write the outcome as Markdown for a pull-request comment")
    release_watch.add_arguments(parser)  # the wait, as deploy's


def preview_id(settings, pr: int, owner: str | None, hub) -> str:
    """OWNER/<space_name>-pr-N: the only name a preview ever gives or deletes."""
    if pr < 1:
        raise SpaceError(f"--pr {pr} is not a pull request number.")
    name = f"{settings.space_name}-pr-{pr}"
    if len(name) > 96:
        raise SpaceError(f"{name} is longer than the Hub's 96 characters for a Space name: shorten space_name.")
    return f"{owner or settings.space_owner or hub.username()}/{name}"


def _deploy_args(args, space_id: str) -> argparse.Namespace:
    """deploy's own options, as a preview sets them."""
    parser = argparse.ArgumentParser()
    deploy_command.add_arguments(parser)
    deploy = parser.parse_args([])
    deploy.root, deploy.space_id, deploy.visibility, deploy.hardware = args.root, space_id, args.visibility, args.hardware
    deploy.env_from_environ = deploy.yes = True  # CI: values from its secrets, and the preview made without asking
    for name in ("timeout", "poll_interval", "health_timeout", "verbose"):
        setattr(deploy, name, getattr(args, name))
    return deploy


def _summary(hub, space_id: str, settings, code: int, pr: int) -> str:
    info = hub.space_info(space_id)
    url = hub_space.space_url(info.host, getattr(info, "subdomain", None), space_id) if info else ""
    stage = hub.runtime(space_id)[0] if info else "not created"
    page = hub.space_page(space_id)
    if code == 0:
        verdict = f"healthy: `GET {settings.health_path}` answered 2xx"
    else:
        verdict = f"**failed** ({stage}): the workflow's log says why"
    return (f"**Preview of #{pr}**: {url} ({verdict})\n\nSpace: [{space_id}]({page}). Required Secrets missing "
            "from this repository's secrets got throwaway values. It is deleted when this pull request closes.\n")


def _delete(hub, space_id: str) -> int:
    """The preview Space, and the bucket of its own deploy made for it (if any)."""
    if hub.space_info(space_id) is None:
        print(f"{space_id} does not exist: nothing to delete.")
    else:
        hub.delete_space(space_id)
        print(f"Deleted {space_id}.")
    bucket = deploy_storage.own_bucket(space_id)  # whatever storage the pull request's space.json said
    if hub.delete_bucket(bucket):
        print(f"Deleted its bucket {bucket}.")
    return 0


def _check_token(hub, base, space_id: str, *, note: bool) -> None:
    """Refuse a token that can write to the production Space where previews have a namespace of their own: the
    pull request's files run with it. In production's namespace any token that makes previews reaches it."""
    production = hub_space.space_id(base, hub)
    owner, production_owner = space_id.split("/")[0], production.split("/")[0]
    if owner == production_owner:
        if note:
            print(f"note: previews live in {owner}, the production Space's namespace, so their token can also write "
                  f"to {production}: give them a namespace of their own (--owner; the workflow's PREVIEW_OWNER "
                  "variable) and a fine-grained token limited to it.")
        return
    if token_reach.can_write(hub.whoami(), production_owner, production):
        raise SpaceError(f"the token can write to the production Space {production}, and previews deploy pull "
                         f"requests' files with it: give previews a fine-grained token with write access to {owner} "
                         "only (https://huggingface.co/settings/tokens). Nothing was changed.")


def main(args) -> int:
    settings = config.load(args.root)
    base = config.load(args.base) if args.base else settings  # what the pull request can't change
    hub = hub_space.connect()
    space_id = preview_id(base, args.pr, args.owner, hub)
    _check_token(hub, base, space_id, note=args.action == "deploy")
    if args.action == "delete":
        return _delete(hub, space_id)
    code = deploy_command.main(_deploy_args(args, space_id), preview=True)
    if args.summary:
        with open(args.summary, "w", encoding="utf-8") as summary:
            summary.write(_summary(hub, space_id, settings, code, args.pr))
    return code
