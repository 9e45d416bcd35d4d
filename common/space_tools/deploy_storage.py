# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""deploy's part for `storage: bucket`: a private Storage Bucket on the Hub, mounted in the Space at storage_mount.

The bucket is made before the Space is created or anything is uploaded, so the first build already has it. An
existing Space gets the mount added to the volumes it has (never removed: the Hub's API replaces the whole list, so
deploy sends the others back). A public bucket is refused before anything changes: it would hold the users' data.
Nothing here imports huggingface_hub: `deploy --dry-run` runs without it.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SpaceError

PRICING = "https://huggingface.co/storage"
BILLED = f"buckets are billed per TB stored: {PRICING}"


@dataclass(frozen=True)
class Storage:
    bucket_id: str
    mount_path: str


@dataclass
class Found:
    """What the Hub said about the bucket before anything was changed; `info` is None when it does not exist."""

    storage: Storage
    info: object | None


def wanted(settings, space_id: str | None, *, own: bool = False) -> Storage | None:
    """The bucket space.json asks for, or None (storage none or external: deploy makes no bucket call).

    An empty storage_bucket means OWNER/NAME-data for the Space OWNER/NAME (`--space-id` included: a staging Space
    deployed from the same repo gets its own bucket, not production's); `own` (a preview) means that one whatever
    storage_bucket names."""
    if settings.settings.get("storage", "none") != "bucket":
        return None
    bucket = "" if own else settings.settings["storage_bucket"]  # both checked when space.json was read
    if not bucket:
        bucket = own_bucket(space_id or f"<token user>/{settings.space_name}")
    return Storage(bucket, settings.settings["storage_mount"])


def own_bucket(space_id: str) -> str:
    """The bucket of the Space's own, OWNER/NAME-data."""
    return f"{space_id}-data"


def dry_run_line(storage: Storage | None) -> str | None:
    if storage is None:
        return None
    return (f"Bucket {storage.bucket_id}: would be mounted at {storage.mount_path}, and first created (private) if it "
            f"does not exist ({BILLED}); a public one is refused")


def look(hub, storage: Storage | None) -> Found | None:
    """Read the bucket (no write); refuse a public one."""
    if storage is None:
        return None
    info = hub.bucket_info(storage.bucket_id)
    _refuse_public(hub, storage, info)
    return Found(storage, info)


def _refuse_public(hub, storage: Storage, info) -> None:
    if info is not None and not info.private:
        raise SpaceError(
            f"bucket {storage.bucket_id} is public, and it would hold the Space's user data: make it private in its "
            f"settings ({hub.endpoint}/buckets/{storage.bucket_id}/settings), or set storage_bucket in space.json to "
            "another bucket. Nothing was changed."
        )


def described(found: Found | None) -> str:
    """What the first-deploy confirmation adds for the bucket."""
    if found is None:
        return ""
    s = found.storage
    if found.info is None:
        return f", and a private Storage Bucket {s.bucket_id} mounted at {s.mount_path} ({BILLED})"
    return f", with the existing bucket {s.bucket_id} mounted at {s.mount_path}"


def ensure(hub, found: Found | None) -> bool:
    """Create the bucket when missing (private). True when this deploy created it."""
    if found is None or found.info is not None:
        return False
    created, info = hub.ensure_bucket(found.storage.bucket_id)
    if not created:  # someone made it since look(): the same check
        _refuse_public(hub, found.storage, info)
    found.info = info
    return created


def new_space_volumes(hub, found: Found | None) -> list:
    return [hub.bucket_volume(found.storage.bucket_id, found.storage.mount_path)] if found else []


@dataclass
class Mount:
    """What an existing Space needs: `current` is the volumes it has; `needed` whether the bucket must be added."""

    current: list
    needed: bool
    note: str = ""


def plan_mount(hub, space_id: str, found: Found | None) -> Mount | None:
    """Whether the bucket must be added to the Space's volumes; another volume at its path is refused (mounting
    ours there would remove it). Reads only: call it before ensure(), so a refusal changes nothing."""
    if found is None:
        return None
    s = found.storage
    current = hub.space_volumes(space_id)
    for volume in current:
        if volume.mount_path.rstrip("/") != s.mount_path.rstrip("/"):
            continue
        if volume.type == "bucket" and volume.source == s.bucket_id and not volume.path:
            note = " (read-only: the app can't write there; fix it in the Space's settings)" if volume.read_only else ""
            return Mount(current, needed=False, note=note)
        raise SpaceError(
            f"the Space already mounts {volume.type} {volume.source} at {volume.mount_path}, where space.json puts "
            f"bucket {s.bucket_id}: change storage_mount or storage_bucket in space.json, or the Space's volumes "
            f"(`hf spaces volumes ls {space_id}`). Nothing was changed."
        )
    return Mount(current, needed=True)


def apply_mount(hub, space_id: str, found: Found, mount: Mount) -> None:
    """Mount the bucket, keeping every volume the Space has (the Hub's API replaces the whole list)."""
    if not mount.needed:
        return
    s = found.storage
    hub.set_volumes(space_id, [*mount.current, hub.bucket_volume(s.bucket_id, s.mount_path)])
    kept = ", ".join(f"{v.type} {v.source} at {v.mount_path}" for v in mount.current)
    mount.note = f" (added to the Space's volumes{'; kept ' + kept if kept else ''})"


def line(found: Found, created: bool, note: str = "") -> str:
    s = found.storage
    if created:
        return f"Bucket {s.bucket_id}: created (private), mounted at {s.mount_path}{note}; {BILLED}"
    info = found.info
    files = getattr(info, "total_files", None)
    size = getattr(info, "size", None)
    what = ", ".join(
        part for part in (
            f"{files} file{'' if files == 1 else 's'}" if files is not None else "",
            _size(size) if size is not None else "",
        ) if part
    )
    return f"Bucket {s.bucket_id}: exists{f' ({what})' if what else ''}, mounted at {s.mount_path}{note}"


def _size(size: int) -> str:
    for unit, factor in (("TB", 10**12), ("GB", 10**9)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size / 10**6:.1f} MB"
