# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""`deploy`: create or update the Space on the Hub, set its Variables and Secrets, upload, wait, check health.

huggingface_hub is imported only when a deploy really talks to the Hub (see hub_client), so the other commands,
and `deploy --dry-run`, run without it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from . import (
    answer_rules,
    backend_sync,
    config,
    deploy_env_plan,
    deploy_settings,
    deploy_storage,
    derived_files,
    diagnosis,
    env_values,
    git_source,
    hub_space,
    hub_wait,
    release_watch,
    rollback_command,
    update_leftovers,
    upload_plan,
)
from .errors import SpaceError
from .sent_secrets import SentSecrets
from .space_stages import HALTED, RUNNING

VISIBILITIES = tuple(answer_rules.RULES["visibility"])


def add_arguments(parser) -> None:
    parser.add_argument(
        "--space-id",
        help="OWNER/NAME (default: space_owner/space_name of space.json; "
        "an empty space_owner means the token's user)",
    )
    parser.add_argument("--visibility", choices=VISIBILITIES,
                        help="the Space's visibility, new or existing (default: space.json's visibility)")
    parser.add_argument("--private", action="store_true", help="same as --visibility private")
    parser.add_argument("--hardware", help="the Space's hardware, new or existing, e.g. cpu-basic "
                        "(default: space.json's hardware)")
    parser.add_argument(
        "--prune",
        action="store_true",
        help="also delete Space Variables and Secrets that space.json does not declare",
    )
    parser.add_argument(
        "--public",
        action="append",
        default=[],
        metavar="NAME",
        help="confirm that Variable NAME, whose name or value looks like a secret, may be public (repeatable)",
    )
    parser.add_argument(
        "--env-from-environ",
        action="store_true",
        help="take values missing from .env from this process's environment (e.g. CI secrets)",
    )
    parser.add_argument(
        "--restart",
        action="store_true",
        help="restart the Space even when no file changed (e.g. after rotating a Secret)",
    )
    parser.add_argument(
        "--rollback-on-failure", action="store_true",
        help="when the new build fails or its health check does, roll the Space's files back to the commit it ran "
             "before this deploy, and wait for that one")
    release_watch.add_arguments(parser)
    parser.add_argument(
        "--yes", "-y", action="store_true",
        help="create a new Space, or make a private one public, without asking (CI): as space.json says")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would be uploaded and set, and the Space's settings; contact nobody, write nothing",
    )


def _names(values) -> str:
    return ", ".join(v.name for v in values) or "none"


def _shown(values) -> str:
    """Each value and where it comes from (a Secret's name only)."""
    return ", ".join(v.shown() for v in values) or "none"


def _dry_run(settings, space_id, want: deploy_settings.Wanted, values, files, message, prune) -> int:
    print("Dry run: nothing is sent to the Hub.")
    print(f"Space: {space_id or '<token user>/' + settings.space_name} (docker)")
    print(f"Settings: {want.described()} (an existing Space is changed to them where it differs)")
    variables = [v for v in values if not v.var.secret and v.value is not None]
    secrets = [v for v in values if v.var.secret and v.value is not None]
    print(f"Variables to set: {_shown(variables)}")
    print(f"Secrets to set: {_shown(secrets)}" + (" (values are never shown)" if secrets else ""))
    absent = [v for v in values if v.value is None]
    if absent:
        print(
            "Not set here (left as the Space has them): "
            + ", ".join(
                v.name + (" [required: must already be set on the Space]" if v.var.required else "") for v in absent
            )
        )
    if prune:
        print("Prune: Space Variables and Secrets not in space.json would be deleted.")
    bucket = deploy_storage.dry_run_line(deploy_storage.wanted(settings, space_id))
    if bucket:
        print(bucket)
    print(f'Files ({len(files)}), in one commit "{message}"; Space files not listed here are deleted:')
    for path in files:
        print(f"  {path}")
    return 0


def _entries(values) -> list[dict]:
    """Variables or Secrets as create_repo takes them."""
    return [{"key": v.name, "value": v.value, "description": v.var.help or ""} for v in values]


def _apply_env(hub, space_id: str, changes: deploy_env_plan.EnvChanges, sent: SentSecrets, *, created: bool) -> None:
    """Set, change and delete what `changes` says (a Space `created` just now got its values with it)."""
    for name in changes.delete_variables:
        hub.delete_variable(space_id, name)
    for name in changes.delete_secrets:
        hub.delete_secret(space_id, name)
        sent.forget(name)
    for v in [] if created else changes.set_variables:
        hub.set_variable(space_id, v.name, v.value, v.var.help)
    for v in [] if created else changes.set_secrets:
        hub.set_secret(space_id, v.name, v.value, v.var.help)
    if changes.set_secrets:
        updated = hub.secrets(space_id)
        for v in changes.set_secrets:
            sent.sent(v.name, v.value, updated.get(v.name))
    sent.save()
    parts = [
        f"set {_shown(changes.set_variables)}" if changes.set_variables else "",
        # An unchanged value .env holds over space.json's default is named with both: it may be a stale copy.
        "unchanged " + ", ".join(v.shown() if v.overrides else v.name for v in changes.same_variables)
        if changes.same_variables else "",
    ]
    print(f"Variables: {'; '.join(p for p in parts if p) or 'none to set'}")
    parts = [
        f"sent {_names(changes.set_secrets)} (values never shown)" if changes.set_secrets else "",
        f"unchanged {', '.join(changes.same_secrets)}" if changes.same_secrets else "",
    ]
    if any(parts):
        print(f"Secrets: {'; '.join(p for p in parts if p)}")
    if changes.kept_on_space:
        print(f"Kept as on the Space (not in .env): {', '.join(changes.kept_on_space)}")
    deleted = changes.delete_variables + changes.delete_secrets
    if deleted:
        print(f"Deleted from the Space: {', '.join(deleted)}")
    for note in changes.notes:
        print(f"note: {note}")


def _prepare(args, placeholder_secrets: bool = False):
    """Everything decided locally, before the Hub is asked anything; a dry run writes nothing here."""
    settings = config.load(args.root)
    synced = backend_sync.sync(settings, dry_run=args.dry_run)
    for note in synced.notes:
        print(note)
    update_leftovers.refuse(settings.root, skip_backend=settings.backend_path is not None)
    derived_files.refuse(settings)
    values = env_values.resolve(settings, from_environ=args.env_from_environ)
    if placeholder_secrets:  # a preview Space of its own, never the real one: throwaway values where none is given
        values = env_values.with_placeholder_secrets(values)
    for name in env_values.undeclared(settings):
        print(f"note: .env sets {name}, which space.json does not declare: it is not sent to the Space.")
    env_values.refuse_placeholders(values)
    deploy_env_plan.refuse_public_secrets(values, set(args.public))
    # A dry run wrote no ./backend: the upload lists the files sync would write there.
    planned = synced.files if args.dry_run and settings.backend_path else None
    files = upload_plan.local_files(settings.root, backend=planned)
    return settings, values, files


def _settled(hub, space_id: str, args) -> tuple[str, dict]:
    return hub_wait.settle(lambda: hub.runtime(space_id), timeout=args.timeout, poll=args.poll_interval, say=print)


@dataclass
class Ensured:
    """The Space ready for the upload: what its Variables and Secrets need, and what else changed on it."""

    changes: deploy_env_plan.EnvChanges
    created: bool = False
    mounted: bool = False  # a volume was added to an existing Space: it must restart to see it
    settings: deploy_settings.SettingsPlan = field(default_factory=deploy_settings.SettingsPlan)
    state: tuple[str, dict] = ("", {})  # the Space's stage and runtime before anything was changed


def _create_space(hub, space_id: str, values, want, args, described: str, storage) -> Ensured:
    """A new Space, made in one call with its settings, Variables, Secrets and bucket, so its first build has them."""
    changes = deploy_env_plan.plan(values, {}, {}, prune=False)  # a missing required value stops us before creating
    owner = space_id.split("/")[0]
    if hub.without_paid_plan(owner):
        paid = diagnosis.of("payment-required")
        raise SpaceError(f"{owner} has no paid plan, and {paid.cause}: {paid.fix}. Nothing was created.")
    found = deploy_storage.look(hub, storage)  # a public bucket is refused before anything is created
    _confirm_creation(described + deploy_storage.described(found), args.yes)
    created = deploy_storage.ensure(hub, found)  # before the Space: its first build has the bucket
    try:
        hub.create_space(space_id, want, volumes=deploy_storage.new_space_volumes(hub, found),
                         variables=_entries(changes.set_variables), secrets=_entries(changes.set_secrets))
    except SpaceError as error:
        if created:
            raise SpaceError(f"{error} (Bucket {found.storage.bucket_id} was created, private and empty; the next "
                             "deploy uses it.)") from None
        raise
    print(f"Space {space_id}: created (docker; {want.described()})")
    if found:
        print(deploy_storage.line(found, created))
    return Ensured(changes, created=True)


def _ensure_space(hub, space_id: str, values, want, args, sent: SentSecrets, described: str, storage) -> Ensured:
    """Create the Space, or find it ready for a deploy: its settings, Variables, Secrets and bucket planned (and
    the plan printed) before anything is changed; the bucket mounted."""
    info = hub.space_info(space_id)
    if info is None:
        return _create_space(hub, space_id, values, want, args, described, storage)
    print(f"Space {space_id}: exists")
    stage, raw = _settled(hub, space_id, args)
    if stage in HALTED:
        raise SpaceError(
            f"the Space is {stage}, and a deploy does not wake it: restart it from "
            f"{hub.space_page(space_id)}/settings, then deploy again. Nothing was changed."
        )
    setting = deploy_settings.plan(info, raw, want)
    print(setting.line())
    for note in setting.notes:
        print(f"note: {note}")
    if setting.visibility == "public":
        _confirm_creation(f"{space_id} public (space.json says so; it is private now)", args.yes, "Make")
    changes = deploy_env_plan.plan(values, hub.variables(space_id), hub.secrets(space_id), prune=args.prune, sent=sent)
    found = deploy_storage.look(hub, storage)
    mount = deploy_storage.plan_mount(hub, space_id, found)  # refusals first: nothing is changed before them
    if found:
        created = deploy_storage.ensure(hub, found)
        deploy_storage.apply_mount(hub, space_id, found, mount)
        print(deploy_storage.line(found, created, mount.note))
    return Ensured(changes, mounted=bool(mount and mount.needed), settings=setting, state=(stage, raw))


def _confirm_creation(what: str, yes: bool, verb: str = "Create") -> None:
    """A new Space is public, licensed and billed as space.json says, and a private one made public is seen by
    everyone: the user says yes once (--yes in CI)."""
    if yes:
        return
    if not sys.stdin.isatty():
        first, nothing = ("a first deploy creates", "created") if verb == "Create" else ("this deploy makes", "changed")
        raise SpaceError(f"{first} {what}; confirm with --yes (as CI must), or deploy once from a terminal. "
                         f"Nothing was {nothing}.")
    answer = input(f"{verb} {what}? (change them in space.json, or --visibility) [y/N] ").strip().lower()
    if answer not in ("y", "yes"):
        raise SpaceError(f"not {'created' if verb == 'Create' else 'done'}: nothing was changed on the Hub.")


def _upload(hub, space_id: str, root, files, message: str) -> str | None:
    """One commit of what differs from the Space's files; its id, or None when nothing differs."""
    plan = upload_plan.diff(root, files, hub.remote_files(space_id))
    if not plan.has_changes:
        print(f"Files: {plan.summary()}; nothing to commit")
        return None
    commit_oid = hub.commit(space_id, root, plan, message)
    print(f'Files: {plan.summary()}; commit {commit_oid[:7]} "{message}"')
    return commit_oid


def main(args, *, preview: bool = False) -> int:
    """The deploy; `preview` (preview_command's) gives throwaway values to required Secrets set nowhere and the Space
    a bucket of its own, whatever storage_bucket names: a preview never gets the real Space's Secrets or data."""
    settings, values, files = _prepare(args, placeholder_secrets=preview)
    visibility = "private" if args.private else (args.visibility or settings.visibility)
    want = deploy_settings.wanted(settings, visibility, args.hardware or settings.hardware)
    message = git_source.commit_message(settings.root)
    if args.dry_run:
        return _dry_run(settings, args.space_id or settings.space_id, want, values, files, message, args.prune)

    from .hub_client import Hub  # huggingface_hub is needed from here on only

    hub = Hub()
    deploy_env_plan.refuse_token(values, hub.token)
    # whoami only when the owner must come from the token: a token scoped to one Space may not answer it.
    space_id = args.space_id or hub_space.space_id(settings, hub)
    sent = SentSecrets(space_id)
    described = (f"{space_id}: a {visibility} Docker Space, license {settings.settings.get('license') or 'none'}, "
                 f"hardware {want.hardware}" + ("" if want.managed_sleep is None else f", sleeping {want.sleep_words()}"))
    storage = deploy_storage.wanted(settings, space_id, own=preview)
    ensured = _ensure_space(hub, space_id, values, want, args, sent, described, storage)
    _apply_env(hub, space_id, ensured.changes, sent, created=ensured.created)
    deploy_settings.apply(hub, space_id, ensured.settings)  # hardware last: its restart sees the new values

    if ensured.settings.restarts:  # the hardware change restarts the Space: that build counts as this deploy's
        stage, raw = ensured.state
    else:
        stage, raw = _settled(hub, space_id, args)  # what "the previous build" looks like, with none under way
    before = hub.space_info(space_id).sha if args.rollback_on_failure and not ensured.created else None
    commit_oid = _upload(hub, space_id, settings.root, files, message)
    changes = ensured.changes
    restart = (changes.needs_restart and not ensured.created) or ensured.mounted or args.restart
    if commit_oid is None and not restart and not ensured.settings.restarts:
        print(f"Nothing changed, so nothing restarts: the Space is {stage}.")
        if stage != RUNNING:
            release_watch.report_failure(hub, space_id, settings, hub_wait.Outcome(stage, raw), args.timeout)
            return 1
        return 0 if release_watch.check_health(hub, space_id, settings, args, visibility) else 1
    if commit_oid is None and ensured.settings.restarts:
        print("The Hub restarts the Space on its new hardware" + (" with the new values" if restart else ""))
    elif commit_oid is None:
        hub.restart(space_id, factory=bool(changes.set_variables))  # Variables are build args: rebuild for them
        print(
            "Restarted the Space so it sees the new "
            + " and ".join(w for w, new in (("values", changes.needs_restart or not ensured.mounted),
                                            ("volume", ensured.mounted)) if new)
            + (" (rebuild: a Variable changed)" if changes.set_variables else "")
        )

    release = release_watch.Release(commit_oid, stage, raw)
    if release_watch.watch(hub, space_id, settings, release, args, visibility):
        return 0
    if args.rollback_on_failure:
        _roll_back_failed(hub, space_id, settings, before, commit_oid, args, visibility)
    return 1


def _roll_back_failed(hub, space_id: str, settings, before: str | None, commit_oid: str | None, args,
                      visibility: str) -> None:
    """--rollback-on-failure: the files of the commit the Space ran before this deploy, in a new commit, watched."""
    if before is None:
        print("--rollback-on-failure: this was the Space's first deploy; there is no earlier release to go back to.")
        return
    if commit_oid is None:
        print("--rollback-on-failure: this deploy changed no files (it restarted the Space), so there is no "
              "earlier release to go back to: fix the values above and deploy again.")
        return
    target = next((c for c in hub.commits(space_id) if c.commit_id == before), None)
    if target is None:  # pragma: no cover - the Hub just listed it as the head
        print(f"--rollback-on-failure: commit {before[:7]} is no longer in the Space's history: nothing rolled back.")
        return
    print(f"--rollback-on-failure: rolling the Space back to {before[:7]} ({target.title}), which it ran before "
          "this deploy:")
    if rollback_command.roll_back(hub, space_id, settings, target, args, visibility):
        print(f"Rolled back: the Space runs {before[:7]} again and is healthy. This deploy ({commit_oid[:7]}) failed "
              "as shown above: fix it, then deploy again.")
    else:
        print(f"error: the rollback to {before[:7]} did not come up healthy either (see above).")
