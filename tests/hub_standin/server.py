"""A stand-in for the Hugging Face Hub's HTTP API: the endpoints huggingface_hub 2.x calls to create, configure,
upload to, watch and read the logs of a Space. A real threaded HTTP server on 127.0.0.1; point HF_ENDPOINT at `url`.

Paths and payloads follow huggingface_hub's source (hf_api.py, _commit_api.py, lfs.py, _space_api.py).
Storage Buckets are folders on disk (`bucket_folder`) that RealRuntime mounts into the Space's containers.
Not emulated: Xet storage (the xet token endpoint answers 501: run clients with HF_HUB_DISABLE_XET=1 when a
file goes to LFS; bucket files are written to the folder directly, not through the API), pull requests, branches
other than main, pagination (one page holds every entry).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import yaml

from . import gitignore
from .runtimes import Runtime, ScriptedRuntime
from .space_state import Bucket, Space, StoredFile, now_iso

LFS_THRESHOLD = 10 * 1024 * 1024  # the Hub sends files of this size and more to LFS
_SPACE = r"/api/spaces/(?P<ns>[^/]+)/(?P<name>[^/]+)"
_BUCKET = r"/api/buckets/(?P<ns>[^/]+)/(?P<name>[^/]+)"
VOLUME_TYPES = ("bucket", "model", "dataset", "space")
HARDWARE = ("cpu-basic", "cpu-upgrade", "t4-small", "t4-medium", "l4x1", "a10g-small", "a10g-large", "a100-large")
LOG_POLL_S = 0.25  # how often a log stream looks for new lines
LOG_STREAM_MAX_S = 900  # no stream outlives a test


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    token: str | None

    def json(self):
        return json.loads(self.body or b"{}")


class HubError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None, body: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.code = status, message, code
        self.body = body or {}  # more of the error's JSON body than {"error": message}


class HubStandin:
    """The stand-in Hub. `token` is the one classic write token (user `user`, member of `orgs`);
    `fine_grained_token` makes narrower ones."""

    def __init__(
        self, *, token: str = "hf_standin_valid_token", user: str = "alice", orgs: tuple[str, ...] = ("acme",)
    ) -> None:
        self.token, self.user, self.orgs = token, user, orgs
        self.oidc_id_token = "github-oidc-id-token-for-tests"  # what a CI provider would mint
        self.scoped_tokens: dict[str, str] = {}  # keyless (OIDC) token -> the one Space it may write to
        self.fine_grained: dict[str, list[dict]] = {}  # fine-grained token -> its `scoped` entries (whoami-v2's)
        self.spaces: dict[str, Space] = {}
        self.buckets: dict[str, Bucket] = {}
        self.work = Path(tempfile.mkdtemp(prefix="hub-standin-"))  # the buckets' folders
        self.lfs_objects: dict[str, bytes] = {}
        self.requests: list[tuple[str, str]] = []
        self.payment_required = False  # answer 402 to Docker Space creation, as for an account without a paid plan
        self.buckets_missing = False  # answer 404 to bucket creation, as the Hub once did for a user (cause unknown)
        self.report_runtime_sha = False  # add `sha` to the runtime JSON (recorded production answers have none)
        self.echo_rejected_secrets = False  # refuse Secret values with an error body that quotes the value
        self.runtime_factory: Callable[[Space], Runtime] = lambda space: ScriptedRuntime()
        self.lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> HubStandin:
        hub = self

        class Handler(_Handler):
            standin = hub

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="hub-standin", daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for space in self.spaces.values():
            if space.runtime is not None:
                space.runtime.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def space(self, space_id: str) -> Space:
        return self.spaces[space_id]

    def add_bucket(self, bucket_id: str, *, private: bool = True) -> Bucket:
        """A bucket made outside the deploy (by hand on the Hub, or by another tool): its folder is empty."""
        folder = self.work / "buckets" / bucket_id
        folder.mkdir(parents=True)
        if os.geteuid() == 0:
            os.chown(folder, 1000, 1000)  # the Space's uid writes there, as on Spaces
        bucket = Bucket(bucket_id, private, folder)
        self.buckets[bucket_id] = bucket
        return bucket

    def bucket_folder(self, bucket_id: str) -> Path:
        """The folder holding the bucket's files (what a container sees at its mount path)."""
        return self.buckets[bucket_id].folder

    def fine_grained_token(self, *, write: tuple[str, ...]) -> str:
        """A fine-grained token of `user` that may read and write the repos of each of `write`: a namespace (the
        user's own or an org's) or one Space (`owner/name`), as the Hub's token page makes them."""
        def entity(name: str) -> dict:
            kind = "space" if "/" in name else "user" if name == self.user else "org"
            return {"_id": hashlib.sha1(name.encode()).hexdigest()[:24], "type": kind, "name": name}

        token = f"hf_fine_grained_{len(self.fine_grained)}"
        self.fine_grained[token] = [{"entity": entity(name), "permissions": ["repo.content.read", "repo.write"]}
                                    for name in write]
        return token

    def mutating_requests(self) -> list[tuple[str, str]]:
        return [(m, p) for m, p in self.requests if m != "GET" and p not in ("/api/validate-yaml",)]

    # -- helpers -----------------------------------------------------------------------------------
    def _user_for(self, req: Request, *, required: bool) -> str | None:
        if req.token is None:
            if required:
                raise HubError(401, "Invalid username or password.")
            return None
        if req.token != self.token and req.token not in self.scoped_tokens and req.token not in self.fine_grained:
            raise HubError(401, "Invalid credentials in Authorization header")
        return self.user

    def _can_write(self, req: Request, namespace: str, space_id: str | None) -> bool:
        """`space_id` None: a new repo in `namespace`, which a token scoped to single repos can't make."""
        if req.token in self.scoped_tokens:  # a keyless token writes to its one Space, nowhere else
            return self.scoped_tokens[req.token] == f"spaces/{space_id}"
        if req.token in self.fine_grained:  # only what its scope grants repo.write on
            return any("repo.write" in entry["permissions"] and (
                (entry["entity"]["type"] in ("user", "org") and entry["entity"]["name"] == namespace)
                or (entry["entity"]["type"] == "space" and entry["entity"]["name"] == space_id))
                for entry in self.fine_grained[req.token])
        return namespace == self.user or namespace in self.orgs

    def _find(self, req: Request, ns: str, name: str, *, write: bool = False) -> Space:
        user = self._user_for(req, required=write)
        space = self.spaces.get(f"{ns}/{name}")
        if space is None or (space.visibility == "private" and user is None):
            raise HubError(404 if user else 401, "Repository not found", "RepoNotFound")
        if write and not self._can_write(req, ns, space.id):
            raise HubError(403, f"You don't have the rights to write to {ns}/{name}")
        return space

    # -- endpoints ---------------------------------------------------------------------------------
    def oauth_token(self, req: Request):
        """Trusted Publishers: a CI id token exchanged for a short-lived token scoped to one repo (RFC 8693)."""
        body = req.json()
        if body.get("grant_type") != "urn:ietf:params:oauth:grant-type:token-exchange":
            raise HubError(400, "unsupported grant_type")
        if body.get("subject_token") != self.oidc_id_token:
            raise HubError(401, "This id token matches no Trusted Publisher")
        token = f"hf_oidc_{len(self.scoped_tokens)}_{body['resource'].replace('/', '_')}"
        self.scoped_tokens[token] = body["resource"]
        return {"access_token": token, "token_type": "bearer", "expires_in": 3600}

    def whoami(self, req: Request):
        if req.token in self.scoped_tokens:  # unverified on the real Hub; the stand-in assumes the narrowest answer
            raise HubError(401, "This token can't be used for whoami")
        user = self._user_for(req, required=True)
        access = {"displayName": "standin", "role": "write"}  # a classic write token
        if req.token in self.fine_grained:
            access = {"displayName": "standin-fine-grained", "role": "fineGrained", "fineGrained": {
                "canReadGatedRepos": False, "global": ["discussion.write", "post.write"],
                "scoped": self.fine_grained[req.token]}}
        return {
            "type": "user",
            "id": "0" * 24,
            "name": user,
            "fullname": user.title(),
            "isPro": not self.payment_required,  # a user without PRO can't create Docker Spaces
            "orgs": [{"type": "org", "name": org, "roleInOrg": "write"} for org in self.orgs],
            "auth": {"type": "access_token", "accessToken": access},
        }

    def create_repo(self, req: Request):
        user = self._user_for(req, required=True)
        body = req.json()
        namespace = body.get("organization") or user
        space_id = f"{namespace}/{body['name']}"
        if body.get("type") != "space":
            raise HubError(400, "the stand-in only hosts Spaces")
        if req.token in self.scoped_tokens or not self._can_write(req, namespace, None):
            raise HubError(403, f'You don\'t have the rights to create a space under the namespace "{namespace}"')
        if body.get("sdk") not in ("gradio", "streamlit", "docker", "static"):
            raise HubError(400, "sdk is required for a Space")
        if self.payment_required and body.get("sdk") == "docker":
            raise HubError(
                402, "Creating a Docker Space requires a PRO subscription or a Team/Enterprise organization."
            )
        if space_id in self.spaces:
            raise HubError(409, "You already created this space repo")
        if self.echo_rejected_secrets and body.get("secrets"):
            item = body["secrets"][0]
            raise HubError(400, f"Invalid value for secret {item['key']}: {item['value']!r}")
        volumes = self._checked_volumes(body["volumes"], body["sdk"]) if "volumes" in body else []
        space = Space(space_id, body["sdk"], body.get("visibility") or ("private" if body.get("private") else "public"),
                      body.get("hardware") or "cpu-basic")
        if body.get("sleepTimeSeconds") is not None:
            space.sleep_time = body["sleepTimeSeconds"]
        space.volumes = volumes
        space.volume_folder = self._volume_folder
        space.initial_files()
        for item in body.get("variables") or []:
            space.variables[item["key"]] = {
                "value": item["value"],
                "description": item.get("description"),
                "updatedAt": now_iso(),
            }
        for item in body.get("secrets") or []:
            space.secrets[item["key"]] = {
                "value": item["value"],
                "description": item.get("description"),
                "updatedAt": now_iso(),
            }
        space.runtime = self.runtime_factory(space)
        space.runtime.hardware = space.hardware
        self.spaces[space_id] = space
        return {"url": f"{self.url}/spaces/{space_id}", "name": space_id, "id": "0" * 24}

    # -- Storage Buckets and Space volumes -----------------------------------------------------------
    def bucket(self, req: Request, ns: str, name: str):
        """POST creates (`{"visibility"}`; 409 with the `url` when it exists), GET is its BucketInfo, DELETE
        removes it with its files."""
        bucket_id = f"{ns}/{name}"
        user = self._user_for(req, required=req.method == "POST")
        found = self.buckets.get(bucket_id)
        if req.method == "GET":
            if found is None or (found.private and (user is None or not self._can_read_bucket(req, ns))):
                raise HubError(404, "Bucket not found", "RepoNotFound")
            return found.info()
        if req.method == "DELETE":
            if found is None or not self._can_read_bucket(req, ns):
                raise HubError(404, "Bucket not found", "RepoNotFound")
            if req.token in self.scoped_tokens or not self._can_write(req, ns, None):
                raise HubError(403, f"You don't have the rights to delete {bucket_id}")
            shutil.rmtree(found.folder, ignore_errors=True)
            del self.buckets[bucket_id]
            return {}
        if req.token in self.scoped_tokens or not self._can_write(req, ns, None):
            raise HubError(403, f'You don\'t have the rights to create a bucket under the namespace "{ns}"')
        if self.buckets_missing:
            raise HubError(404, "Not Found")
        url = f"{self.url}/buckets/{bucket_id}"
        if found is not None:
            raise HubError(409, "You already created this bucket", body={"url": url})
        visibility = req.json().get("visibility") or "public"  # the Hub's default; an org's may differ
        if visibility not in ("public", "private"):
            raise HubError(400, f"Invalid visibility {visibility!r} for a bucket")
        self.add_bucket(bucket_id, private=visibility == "private")
        return {"url": url, "name": bucket_id, "id": "0" * 24}

    def _can_read_bucket(self, req: Request, namespace: str) -> bool:
        # Unverified: whether a keyless (one-Space) token can read its owner's private buckets; assumed yes.
        if req.token in self.fine_grained:
            return any(entry["entity"]["name"] == namespace for entry in self.fine_grained[req.token])
        return namespace == self.user or namespace in self.orgs

    def _volume_folder(self, volume: dict) -> Path | None:
        """The folder a volume mounts: a bucket's; model, dataset and Space volumes are not emulated."""
        if volume["type"] != "bucket":
            return None
        folder = self.buckets[volume["source"]].folder
        if volume.get("path"):
            folder = folder / volume["path"].strip("/")
            if not folder.exists():
                folder.mkdir(parents=True)
                if os.geteuid() == 0:
                    os.chown(folder, 1000, 1000)
        return folder

    def _checked_volumes(self, volumes, sdk: str) -> list[dict]:
        """The volumes as the Hub keeps and reports them (`type`, `source`, `mountPath`, optional `readOnly`,
        `revision`, `path`); a bad one is 400, an unknown bucket 404 (the rules are unverified)."""
        if sdk == "static":
            raise HubError(400, "Volumes are not supported on static Spaces")
        if not isinstance(volumes, list):
            raise HubError(400, "volumes must be a list")
        kept, paths = [], set()
        for item in volumes:
            kind, source, mount = item.get("type", "model"), item.get("source"), item.get("mountPath")
            if kind not in VOLUME_TYPES or not source or not isinstance(mount, str) or not mount.startswith("/"):
                raise HubError(400, f"Invalid volume {json.dumps(item)}: needs type, source and a mountPath under /")
            if mount.rstrip("/") in paths:
                raise HubError(400, f"Two volumes are mounted at {mount}")
            paths.add(mount.rstrip("/"))
            if kind == "bucket" and source not in self.buckets:
                raise HubError(404, f"Bucket {source} not found", "RepoNotFound")
            volume = {"type": kind, "source": source, "mountPath": mount}
            for key in ("revision", "readOnly", "path"):
                if item.get(key) is not None:
                    volume[key] = item[key]
            if kind != "bucket":
                volume["readOnly"] = True  # repos are always mounted read-only
            kept.append(volume)
        return kept

    def volumes(self, req: Request, ns: str, name: str):
        """PUT replaces the Space's volumes; DELETE removes them all (400 when it has none)."""
        space = self._find(req, ns, name, write=True)
        if req.method == "PUT":
            space.volumes = self._checked_volumes(req.json().get("volumes"), space.sdk)
        elif not space.volumes:
            raise HubError(400, "This Space has no volumes")
        else:
            space.volumes = []
        return {}

    def space_info(self, req: Request, ns: str, name: str, rev: str | None = None):
        space = self._find(req, ns, name)
        return {
            "_id": "0" * 24,
            "id": space.id,
            "author": space.owner,
            "sha": space.sha,
            "createdAt": space.created_at,
            "lastModified": now_iso(),
            "private": space.visibility != "public",
            "gated": False,
            "disabled": False,
            "likes": 0,
            "sdk": space.sdk,
            "tags": [space.sdk],
            "cardData": space.front_matter(),
            "subdomain": space.subdomain,
            "host": space.runtime.host(),
            "siblings": [{"rfilename": path} for path in sorted(space.files)],
            "runtime": space.runtime.raw(space, self.report_runtime_sha),
        }

    def _files_at(self, space: Space, rev: str) -> dict[str, StoredFile]:
        files = space.files_at(unquote(rev))
        if files is None:
            raise HubError(404, f"Invalid rev id: {unquote(rev)}", "RevisionNotFound")
        return files

    def tree(self, req: Request, ns: str, name: str, rev: str, path: str = ""):
        space = self._find(req, ns, name)
        files = self._files_at(space, rev)
        recursive = req.query.get("recursive", ["False"])[0].lower() == "true"
        prefix = unquote(path).strip("/")
        entries, folders = [], set()
        for file_path in sorted(files):
            if prefix and not file_path.startswith(prefix + "/"):
                continue
            rest = file_path[len(prefix) + 1 :] if prefix else file_path
            parts = rest.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(([prefix] if prefix else []) + parts[:depth])
                if folder not in folders and (recursive or depth == 1):
                    folders.add(folder)
                    entries.append(
                        {
                            "type": "directory",
                            "oid": hashlib.sha1(folder.encode()).hexdigest(),
                            "size": 0,
                            "path": folder,
                        }
                    )
            if recursive or len(parts) == 1:
                entries.append(files[file_path].tree_entry(file_path))
        if prefix and not entries:
            raise HubError(404, "Entry not found", "EntryNotFound")
        return entries

    def commits(self, req: Request, ns: str, name: str, rev: str):
        """The history, newest first (GitCommitInfo's fields)."""
        space = self._find(req, ns, name)
        self._files_at(space, rev)
        return [
            {"id": c.oid, "title": c.title, "message": c.description, "date": c.date,
             "authors": [{"user": self.user}]}
            for c in reversed(space.commits)
        ]

    def paths_info(self, req: Request, ns: str, name: str, rev: str):
        """POST form `paths` (repeated): the tree entries of those that exist at `rev`."""
        space = self._find(req, ns, name)
        files = self._files_at(space, rev)
        wanted = parse_qs(req.body.decode())["paths"]
        return [files[path].tree_entry(path) for path in wanted if path in files]

    def resolve(self, req: Request, ns: str, name: str, rev: str, path: str):
        """A file's content at `rev` (an LFS file's own bytes, as the Hub redirects to them)."""
        space = self._find(req, ns, name)
        stored = self._files_at(space, rev).get(unquote(path))
        if stored is None:
            raise HubError(404, "Entry not found", "EntryNotFound")
        return _Raw(stored.data, "application/octet-stream")

    def preupload(self, req: Request, ns: str, name: str, rev: str):
        space = self._find(req, ns, name, write=True)
        body = req.json()
        ignore_text = body.get("gitIgnore")
        if ignore_text is None and ".gitignore" in space.files:
            ignore_text = space.files[".gitignore"].data.decode(errors="replace")
        rules = gitignore.parse(ignore_text or "")
        answer = []
        for item in body["files"]:
            sample = base64.b64decode(item["sample"])
            lfs = item["size"] >= LFS_THRESHOLD or b"\0" in sample  # binary content goes to LFS
            existing = space.files.get(item["path"])
            oid = None
            if existing is not None:
                oid = existing.lfs_sha256 if existing.lfs_sha256 else existing.oid
            answer.append(
                {
                    "path": item["path"],
                    "uploadMode": "lfs" if lfs else "regular",
                    "shouldIgnore": gitignore.ignored(rules, item["path"]),
                    "oid": oid,
                }
            )
        return {"files": answer, "commitOid": space.sha}

    def commit(self, req: Request, ns: str, name: str, rev: str):
        space = self._find(req, ns, name, write=True)
        header, uploaded, deleted = {}, {}, []
        for line in req.body.splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            key, value = item["key"], item["value"]
            if key == "header":
                header = value
            elif key == "file":
                uploaded[value["path"]] = StoredFile(base64.b64decode(value["content"]))
            elif key == "lfsFile":
                if value["oid"] not in self.lfs_objects:
                    raise HubError(400, f"LFS object {value['oid']} for {value['path']} was never uploaded")
                uploaded[value["path"]] = StoredFile(self.lfs_objects[value["oid"]], lfs_sha256=value["oid"])
            elif key == "deletedFile":
                if value["path"] not in space.files:
                    raise HubError(404, f"A file with this name doesn't exist: {value['path']}", "EntryNotFound")
                deleted.append(value["path"])
            elif key == "deletedFolder":
                deleted += [p for p in space.files if p.startswith(value["path"].rstrip("/") + "/")]
            else:
                raise HubError(400, f"unknown commit operation {key!r}")
        if not header.get("summary"):
            raise HubError(400, "a commit needs a summary")
        commit = space.commit(header["summary"], header.get("description", ""), uploaded, deleted)
        if space.sdk == "docker":
            space.runtime.on_commit(space)  # every commit rebuilds a Docker Space
        return {
            "success": True,
            "commitOid": commit.oid,
            "commitMessage": commit.title,
            "commitUrl": f"{self.url}/spaces/{space.id}/commit/{commit.oid}",
            "hookOutput": "",
        }

    def validate_yaml(self, req: Request):
        body = req.json()
        content = body.get("content", "")
        errors = []
        match = re.match(r"^---\r?\n(.*?)\r?\n---", content, re.DOTALL)
        if not match:
            return {"errors": [], "warnings": [{"message": "Empty or missing yaml metadata in repo card"}]}
        try:
            data = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as error:
            raise _ValidationFailed([{"message": f"Invalid YAML: {error}"}]) from None
        if body.get("repoType") == "space":
            if data.get("sdk") not in ("gradio", "streamlit", "docker", "static"):
                errors.append(
                    {"message": f'"sdk" must be one of gradio, streamlit, docker, static (got {data.get("sdk")!r})'}
                )
            if "hf_oauth" in data and not isinstance(data["hf_oauth"], bool):
                errors.append({"message": '"hf_oauth" must be a boolean'})
            scopes = data.get("hf_oauth_scopes", [])
            if not isinstance(scopes, list) or not all(isinstance(scope, str) for scope in scopes):
                errors.append({"message": '"hf_oauth_scopes" must be an array of strings'})
            minutes = data.get("hf_oauth_expiration_minutes", 480)
            if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
                errors.append({"message": '"hf_oauth_expiration_minutes" must be a positive integer'})
            if len(str(data.get("short_description", ""))) > 60:
                errors.append(
                    {"message": '"short_description" length must be less than or equal to 60 characters long'}
                )
        if errors:
            raise _ValidationFailed(errors)
        return {"errors": [], "warnings": []}

    def lfs_batch(self, req: Request, ns: str, name: str):
        self._find(req, ns, name, write=True)
        body = req.json()
        objects = []
        for obj in body["objects"]:
            entry = {"oid": obj["oid"], "size": obj["size"], "authenticated": True}
            if obj["oid"] not in self.lfs_objects:
                entry["actions"] = {
                    "upload": {"href": f"{self.url}/lfs-upload/{obj['oid']}"},
                    "verify": {"href": f"{self.url}/lfs-verify/{obj['oid']}"},
                }
            objects.append(entry)
        return {"transfer": "basic", "objects": objects, "hash_algo": "sha256"}

    def lfs_upload(self, req: Request, oid: str):
        if hashlib.sha256(req.body).hexdigest() != oid:
            raise HubError(400, "uploaded content does not match its oid")
        self.lfs_objects[oid] = req.body
        return {}

    def lfs_verify(self, req: Request, oid: str):
        if oid not in self.lfs_objects:
            raise HubError(404, "object not found")
        return {}

    def variables(self, req: Request, ns: str, name: str):
        space = self._find(req, ns, name, write=req.method != "GET")
        self._change_entry(req, space.variables, space.secrets, other_kind="secret")
        return {key: dict(item) for key, item in space.variables.items()}

    def secrets(self, req: Request, ns: str, name: str):
        space = self._find(req, ns, name, write=True)
        if self.echo_rejected_secrets and req.method == "POST":
            raise HubError(400, f"Invalid value for secret {req.json()['key']}: {req.json()['value']!r}")
        if self._change_entry(req, space.secrets, space.variables, other_kind="variable"):
            return {}
        # The Hub never returns a secret's value.
        return {
            key: {"description": item["description"], "updatedAt": item["updatedAt"]}
            for key, item in space.secrets.items()
        }

    @staticmethod
    def _change_entry(req: Request, entries: dict, others: dict, *, other_kind: str) -> bool:
        """POST adds or updates, DELETE removes; a name can't be both a variable and a secret (409)."""
        if req.method == "POST":
            body = req.json()
            if body["key"] in others:
                raise HubError(409, f"A {other_kind} named {body['key']} already exists")
            entries[body["key"]] = {"value": body["value"], "description": body.get("description"),
                                    "updatedAt": now_iso()}
            return True
        if req.method == "DELETE":
            entries.pop(req.json()["key"], None)
            return True
        return False

    def settings(self, req: Request, ns: str, name: str):
        """PUT `{"visibility": public|private|protected}` (or `{"private": bool}`), as update_repo_settings sends."""
        space = self._find(req, ns, name, write=True)
        body = req.json()
        visibility = body.get("visibility") or ({True: "private", False: "public"}.get(body.get("private")))
        if visibility not in ("public", "private", "protected"):
            raise HubError(400, f"Invalid visibility {visibility!r}")
        space.visibility = visibility
        return {}

    def hardware(self, req: Request, ns: str, name: str):
        """POST `{"flavor", "sleepTimeSeconds"?}`: the Space restarts on the new hardware."""
        space = self._find(req, ns, name, write=True)
        body = req.json()
        if body.get("flavor") not in HARDWARE:
            raise HubError(400, f"Invalid hardware flavor {body.get('flavor')!r}")
        space.hardware = body["flavor"]
        space.runtime.hardware = space.hardware
        if body.get("sleepTimeSeconds") is not None:
            space.sleep_time = body["sleepTimeSeconds"]
        space.runtime.on_restart(space, factory=False)
        return space.runtime.raw(space, self.report_runtime_sha)

    def sleeptime(self, req: Request, ns: str, name: str):
        """POST `{"seconds"}`; refused on free hardware, which always sleeps after 48 h (unverified wording)."""
        space = self._find(req, ns, name, write=True)
        if space.hardware == "cpu-basic":
            raise HubError(400, "Sleep time can only be set on upgraded hardware")
        space.sleep_time = req.json()["seconds"]
        return space.runtime.raw(space, self.report_runtime_sha)

    def delete_repo(self, req: Request):
        """DELETE `{"name", "organization", "type"}`: the Space and its runtime are gone."""
        user = self._user_for(req, required=True)
        body = req.json()
        space_id = f"{body.get('organization') or user}/{body['name']}"
        space = self._find(req, *space_id.split("/"), write=True)
        if req.token in self.scoped_tokens:
            raise HubError(403, "This token can't delete repositories")
        space.runtime.close()
        del self.spaces[space_id]
        return {}

    def runtime(self, req: Request, ns: str, name: str):
        space = self._find(req, ns, name)
        return space.runtime.raw(space, self.report_runtime_sha)

    def restart(self, req: Request, ns: str, name: str):
        space = self._find(req, ns, name, write=True)
        space.runtime.on_restart(space, factory=req.query.get("factory", ["false"])[0] == "true")
        return space.runtime.raw(space, self.report_runtime_sha)

    def logs(self, req: Request, ns: str, name: str, kind: str):
        """SSE events `data: {"data", "timestamp"}`, streamed as lines come while the build runs (build) or the
        container does (run); the stream ends with them, or when a new build's log replaces this one. The client
        reads no further than the answer's Date unless it follows."""
        space = self._find(req, ns, name, write=True)
        runtime, build = space.runtime, kind == "build"
        read = runtime.build_log_lines if build else runtime.run_log_lines
        log = runtime.build_logs if build else runtime.run_logs

        def events():
            read()
            generation, sent, deadline = log.generation, 0, time.monotonic() + LOG_STREAM_MAX_S
            while time.monotonic() < deadline:
                live = runtime.log_live(build)
                read()
                lines = log.since(sent, generation)
                if lines is None:
                    return
                sent += len(lines)
                yield "".join(f"data: {json.dumps({'data': text + chr(10), 'timestamp': ts})}\n\n"
                              for ts, text in lines).encode()
                if not live:
                    return
                time.sleep(LOG_POLL_S)

        return _Stream(events(), "text/event-stream")

    def xet_token(self, req: Request, ns: str, name: str, rev: str):
        raise HubError(501, "Xet storage is not emulated by the stand-in Hub: run the client with HF_HUB_DISABLE_XET=1")

    ROUTES = [
        ("GET", r"/api/whoami-v2", "whoami"),
        ("POST", r"/oauth/token", "oauth_token"),
        ("POST", r"/api/repos/create", "create_repo"),
        ("POST", r"/api/validate-yaml", "validate_yaml"),
        ("GET|POST|DELETE", _BUCKET, "bucket"),
        ("PUT|DELETE", _SPACE + r"/volumes", "volumes"),
        ("GET", _SPACE + r"/tree/(?P<rev>[^/]+)(?:/(?P<path>.+))?", "tree"),
        ("GET", _SPACE + r"/commits/(?P<rev>[^/]+)", "commits"),
        ("POST", _SPACE + r"/paths-info/(?P<rev>[^/]+)", "paths_info"),
        ("GET", r"/spaces/(?P<ns>[^/]+)/(?P<name>[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)", "resolve"),
        ("POST", _SPACE + r"/preupload/(?P<rev>[^/]+)", "preupload"),
        ("POST", _SPACE + r"/commit/(?P<rev>[^/]+)", "commit"),
        ("GET|POST|DELETE", _SPACE + r"/variables", "variables"),
        ("GET|POST|DELETE", _SPACE + r"/secrets", "secrets"),
        ("PUT", _SPACE + r"/settings", "settings"),
        ("POST", _SPACE + r"/hardware", "hardware"),
        ("POST", _SPACE + r"/sleeptime", "sleeptime"),
        ("DELETE", r"/api/repos/delete", "delete_repo"),
        ("GET", _SPACE + r"/runtime", "runtime"),
        ("POST", _SPACE + r"/restart", "restart"),
        ("GET", _SPACE + r"/logs/(?P<kind>build|run)", "logs"),
        ("GET", _SPACE + r"/xet-write-token/(?P<rev>[^/]+)", "xet_token"),
        ("GET", _SPACE + r"(?:/revision/(?P<rev>[^/]+))?", "space_info"),
        ("POST", r"/spaces/(?P<ns>[^/]+)/(?P<name>[^/]+)\.git/info/lfs/objects/batch", "lfs_batch"),
        ("PUT", r"/lfs-upload/(?P<oid>[0-9a-f]{64})", "lfs_upload"),
        ("POST", r"/lfs-verify/(?P<oid>[0-9a-f]{64})", "lfs_verify"),
    ]


class _ValidationFailed(HubError):
    def __init__(self, errors: list[dict]) -> None:
        super().__init__(400, "Invalid metadata")
        self.errors = errors


@dataclass
class _Raw:
    body: bytes
    content_type: str


@dataclass
class _Stream:
    """A body sent as it is made, outside the Hub's lock, ended by closing the connection."""

    chunks: Iterator[bytes]
    content_type: str


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    standin: HubStandin

    def log_message(self, *args) -> None:
        pass

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(
        self, status: int, body: bytes, content_type: str = "application/json", headers: dict | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, result: _Stream) -> None:
        self.send_response(200)
        self.send_header("Content-Type", result.content_type)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for chunk in result.chunks:
                if chunk:
                    self.wfile.write(chunk)
                    self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading

    def _handle(self) -> None:
        hub = self.standin
        split = urlsplit(self.path)
        auth = self.headers.get("Authorization", "")
        req = Request(
            self.command,
            split.path,
            parse_qs(split.query),
            dict(self.headers),
            self._body(),
            auth[len("Bearer ") :] if auth.startswith("Bearer ") else None,
        )
        with hub.lock:
            hub.requests.append((req.method, req.path))
        for methods, pattern, handler in HubStandin.ROUTES:  # noqa: B007 - the match is used after the loop
            match = re.fullmatch(pattern, req.path)
            if match and req.method in methods.split("|"):
                break
        else:
            self._send(404, json.dumps({"error": f"no such endpoint: {req.method} {req.path}"}).encode())
            return
        try:
            with hub.lock:
                result = getattr(hub, handler)(req, **{k: v for k, v in match.groupdict().items() if v is not None})
        except _ValidationFailed as error:
            self._send(400, json.dumps({"errors": error.errors, "warnings": []}).encode())
            return
        except HubError as error:
            headers = {"X-Error-Message": error.message}
            if error.code:
                headers["X-Error-Code"] = error.code
            self._send(error.status, json.dumps({"error": error.message, **error.body}).encode(), headers=headers)
            return
        if isinstance(result, _Stream):
            self._stream(result)
        elif isinstance(result, _Raw):
            self._send(200, result.body, result.content_type)
        else:
            self._send(200, json.dumps(result).encode())

    do_GET = do_POST = do_PUT = do_DELETE = _handle
