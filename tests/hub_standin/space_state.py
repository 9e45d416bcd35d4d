"""What the stand-in Hub keeps per Space (files and commits, Variables, Secrets, volumes, a runtime) and per
Storage Bucket (a folder on disk)."""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_GITATTRIBUTES = (
    "*.7z filter=lfs diff=lfs merge=lfs -text\n*.bin filter=lfs diff=lfs merge=lfs -text\n"
    "*.zip filter=lfs diff=lfs merge=lfs -text\n"
)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + f".{int(time.time() * 1000) % 1000:03d}Z"


def git_blob_sha1(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def lfs_pointer(sha256: str, size: int) -> bytes:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{sha256}\nsize {size}\n".encode()


@dataclass
class StoredFile:
    data: bytes  # the content (LFS files too: the stand-in keeps it to run the Space)
    lfs_sha256: str | None = None

    @property
    def oid(self) -> str:
        """What the tree listing calls `oid`: the git blob id (of the pointer, for an LFS file)."""
        if self.lfs_sha256:
            return git_blob_sha1(lfs_pointer(self.lfs_sha256, len(self.data)))
        return git_blob_sha1(self.data)

    def tree_entry(self, path: str) -> dict:
        entry = {"type": "file", "oid": self.oid, "size": len(self.data), "path": path}
        if self.lfs_sha256:
            entry["lfs"] = {
                "oid": self.lfs_sha256,
                "size": len(self.data),
                "pointerSize": len(lfs_pointer(self.lfs_sha256, len(self.data))),
            }
        return entry


@dataclass
class Bucket:
    """A Storage Bucket: its files are those of `folder` (mounted into the Space's containers, kept across them)."""

    id: str
    private: bool
    folder: Path
    created_at: str = field(default_factory=now_iso)

    def info(self) -> dict:
        """GET /api/buckets/{id}, the fields huggingface_hub's BucketInfo reads."""
        files = [path for path in self.folder.rglob("*") if path.is_file()]
        return {
            "id": self.id,
            "private": self.private,
            "createdAt": self.created_at,
            "size": sum(path.stat().st_size for path in files),
            "totalFiles": len(files),
        }


@dataclass
class Commit:
    oid: str
    title: str
    description: str
    uploaded: list[str]  # paths whose content this commit carried
    deleted: list[str]
    files: dict[str, StoredFile] = field(default_factory=dict)  # the repo's files at this commit
    date: str = field(default_factory=now_iso)


@dataclass
class Space:
    id: str
    sdk: str
    visibility: str
    hardware: str
    created_at: str = field(default_factory=now_iso)
    files: dict[str, StoredFile] = field(default_factory=dict)
    commits: list[Commit] = field(default_factory=list)
    variables: dict[str, dict] = field(default_factory=dict)  # key -> {value, description, updatedAt}
    secrets: dict[str, dict] = field(
        default_factory=dict
    )  # key -> {value, description, updatedAt}; values never served
    sleep_time: int | None = None  # seconds set for upgraded hardware; None: its default (free: 48 h; else never)
    volumes: list[dict] = field(default_factory=list)  # as the API reports them: type, source, mountPath, ...
    volume_folder: Callable[[dict], Path | None] = lambda volume: None  # the host folder of a volume, if emulated
    runtime: object = None

    def bind_mounts(self) -> list[tuple[Path, str, bool]]:
        """(host folder, mount path, read-only) for each volume a container of this Space gets."""
        mounts = []
        for volume in self.volumes:
            folder = self.volume_folder(volume)
            if folder is not None:
                mounts.append((folder, volume["mountPath"], bool(volume.get("readOnly"))))
        return mounts

    @property
    def owner(self) -> str:
        return self.id.split("/")[0]

    @property
    def name(self) -> str:
        return self.id.split("/")[1]

    @property
    def sha(self) -> str:
        return self.commits[-1].oid if self.commits else "0" * 40

    @property
    def subdomain(self) -> str:
        return self.id.replace("/", "-").replace("_", "-").replace(".", "-").lower()

    def commit(self, title: str, description: str, uploaded: dict[str, StoredFile], deleted: list[str]) -> Commit:
        for path in deleted:
            self.files.pop(path, None)
        self.files.update(uploaded)
        commit = Commit(uuid.uuid4().hex + uuid.uuid4().hex[:8], title, description, sorted(uploaded), sorted(deleted),
                        dict(self.files))
        self.commits.append(commit)
        return commit

    def files_at(self, revision: str) -> dict[str, StoredFile] | None:
        """The files at `revision` (main, or a commit id), or None when there is no such revision."""
        if revision == "main":
            return self.files
        found = [c for c in self.commits if c.oid == revision]
        return found[0].files if found else None

    def front_matter(self) -> dict:
        readme = self.files.get("README.md")
        if readme is None:
            return {}
        text = readme.data.decode(errors="replace")
        if not text.startswith("---"):
            return {}
        try:
            data = yaml.safe_load(text.split("---", 2)[1])
        except yaml.YAMLError:
            return {}
        return data if isinstance(data, dict) else {}

    def export(self, folder: Path) -> Path:
        """Write the Space's files to `folder`, as the Hub's builder checks the repo out."""
        for path, stored in self.files.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(stored.data)
        return folder

    def initial_files(self) -> None:
        """A new Space holds what the Hub puts there: LFS rules and a README with front matter."""
        readme = (
            f"---\ntitle: {self.name}\nemoji: 🚀\ncolorFrom: blue\ncolorTo: gray\nsdk: {self.sdk}\npinned: false\n---\n"
        )
        self.commit(
            "initial commit",
            "",
            {
                ".gitattributes": StoredFile(DEFAULT_GITATTRIBUTES.encode()),
                "README.md": StoredFile(readme.encode()),
            },
            [],
        )
