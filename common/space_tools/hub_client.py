# From this Space's Copier template; `copier update` brings its new versions and keeps your edits.
"""The Hub calls deploy makes, through huggingface_hub, with every failure turned into a message that says what to do.

Only deploy imports this module: the other commands run without huggingface_hub installed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import huggingface_hub
from huggingface_hub import CommitOperationAdd, CommitOperationCopy, CommitOperationDelete, HfApi, Volume
from huggingface_hub.errors import HfHubHTTPError

try:  # huggingface_hub re-exports its HTTP client: httpx (1.x) or httpx2 (2.x)
    from huggingface_hub.utils import httpx
except ImportError:  # pragma: no cover - older 1.x
    import httpx

from . import diagnosis, redaction
from .errors import SpaceError
from .upload_plan import RemoteFile, UploadPlan

TOKEN_HELP = (
    "create a token with write access at https://huggingface.co/settings/tokens, then `export HF_TOKEN=hf_...` "
    "(or run `hf auth login`)"
)


# huggingface_hub#4972: these calls answer 401 to a token made by `hf auth login`'s device flow, while reads work.
DEVICE_FLOW_401 = ("a token made by `hf auth login`'s device flow is refused here while reads work: use one made "
                   "at https://huggingface.co/settings/tokens")


def _server_message(error: HfHubHTTPError) -> str:
    response = error.response
    message = response.headers.get("X-Error-Message") if response is not None else None
    if not message and response is not None:
        with contextlib.suppress(Exception):
            body = response.json()
            message = body.get("error") if isinstance(body, dict) else None
    return f" (the Hub says: {message})" if message else ""


@contextlib.contextmanager
def translated(action: str, space_id: str, endpoint: str, on_401: str = "", bucket: bool = False) -> Iterator[None]:
    """Run one Hub call on a Space (or, `bucket`, a Storage Bucket); turn its failure into a SpaceError that names the
    cause and the fix."""
    try:
        yield
    except HfHubHTTPError as error:
        status = error.response.status_code if error.response is not None else None
        said = _server_message(error)
        owner = space_id.split("/")[0]
        if status == 401:
            raise SpaceError(f"{action}: the Hub rejected the token (401){said}; {on_401 or TOKEN_HELP}.") from None
        if status == 403:
            raise SpaceError(
                f"{action}: the token may not do this in {owner!r} (403){said}; use a token with write access "
                f"to {owner} (a fine-grained token needs write access to that user's or organization's repos)."
            ) from None
        if status == 402:
            paid = diagnosis.of("payment-required")
            raise SpaceError(f"{action}: the Hub answered 402 Payment Required{said}: {paid.cause}; {paid.fix}.") from None
        if status == 404 and bucket:
            raise SpaceError(
                f"{action}: the Hub answered 404{said}; check that {owner} is a user or organization the token can "
                f"write to and that it can hold Storage Buckets, or set storage_bucket in space.json to a bucket in "
                "another namespace. Nothing was created."
            ) from None
        if status == 404:
            raise SpaceError(
                f"{action}: {space_id} was not found (404){said}; check space_owner and space_name in "
                "space.json (or --space-id), and that the token can see the Space."
            ) from None
        if status == 409:
            raise SpaceError(
                f"{action}: conflict (409){said}; a repo named {space_id} may exist that this token can't see, or "
                "another operation on it is in progress: check the name, then retry."
            ) from None
        raise SpaceError(f"{action}: the Hub answered {status}{said}; retry later or check the Hub's status.") from None
    except (httpx.TransportError, ConnectionError) as error:
        raise SpaceError(
            f"{action}: could not reach {endpoint} ({type(error).__name__}: {error}); check the network, "
            "a proxy, or HF_ENDPOINT."
        ) from None
    except ValueError as error:  # huggingface_hub's own checks: a malformed repo id, invalid README metadata
        raise SpaceError(f"{action}: {error}") from None


class Hub:
    def __init__(self) -> None:
        try:
            self.token = huggingface_hub.get_token()  # HF_TOKEN, `hf auth login`, or a keyless OIDC exchange in CI
        except Exception as error:  # noqa: BLE001 - e.g. OIDCError: HF_OIDC_RESOURCE set but no id token
            raise SpaceError(f"could not get a Hugging Face token: {error}") from None
        if not self.token:
            raise SpaceError(f"no Hugging Face token: {TOKEN_HELP}.")
        redaction.register(self.token)
        self.api = HfApi(token=self.token)
        self.endpoint = self.api.endpoint

    def _call(self, action: str, space_id: str = "-/-", on_401: str = "", bucket: bool = False):
        return translated(action, space_id, self.endpoint, on_401, bucket)

    def whoami(self) -> dict:
        """The Hub's whoami-v2 answer: the token's user, its orgs, and (`auth`) what kind of token it is."""
        with self._call("checking the token"):
            return self.api.whoami()

    def username(self) -> str:
        return self.whoami()["name"]

    def without_paid_plan(self, owner: str) -> bool:
        """Whether whoami says `owner` is a user without PRO, who can't create a Docker Space. An organization's
        plan, and a token too narrow for whoami, are left to the Hub's own 402 at creation."""
        try:
            me = self.whoami()
        except SpaceError:
            return False
        return me.get("name") == owner and me.get("type") == "user" and me.get("isPro") is False

    def space_info(self, space_id: str):
        """The Space's info, or None when it does not exist yet."""
        with self._call(f"reading {space_id}", space_id):
            try:
                return self.api.space_info(space_id)
            except HfHubHTTPError as error:
                if error.response is not None and error.response.status_code == 404:
                    return None
                raise

    def create_space(self, space_id: str, want, *, volumes: list | None = None, variables: list | None = None,
                     secrets: list | None = None) -> None:
        """Create the Docker Space as `want` (deploy_settings.Wanted) says, with its Variables and Secrets
        ([{key, value, description}]) and `volumes` (from `bucket_volume`) there from its first build on."""
        with self._call(f"creating {space_id}", space_id):
            self.api.create_repo(
                space_id, repo_type="space", space_sdk="docker", visibility=want.visibility,
                space_hardware=want.hardware, space_sleep_time=want.managed_sleep, space_volumes=volumes or None,
                space_variables=variables or None, space_secrets=secrets or None,
            )

    def set_visibility(self, space_id: str, visibility: str) -> None:
        with self._call(f"making {space_id} {visibility}", space_id):
            self.api.update_repo_settings(space_id, repo_type="space", visibility=visibility)

    def request_hardware(self, space_id: str, hardware: str, sleep_time: int | None) -> None:
        with self._call(f"requesting {hardware} for {space_id}", space_id, DEVICE_FLOW_401):
            self.api.request_space_hardware(space_id, hardware, sleep_time=sleep_time)

    def set_sleep_time(self, space_id: str, seconds: int) -> None:
        with self._call(f"setting the sleep time of {space_id}", space_id, DEVICE_FLOW_401):
            self.api.set_space_sleep_time(space_id, seconds)

    @staticmethod
    def bucket_volume(bucket_id: str, mount_path: str):
        """A read-write mount of a Storage Bucket, as create_space and set_volumes take it."""
        return Volume(type="bucket", source=bucket_id, mount_path=mount_path)

    def bucket_info(self, bucket_id: str):
        """The bucket's BucketInfo (`private`, `size` in bytes, `total_files`), or None when there is none this token
        can see (the Hub answers 404 both for a missing bucket and for someone else's private one)."""
        with self._call(f"reading bucket {bucket_id}", bucket_id, bucket=True):
            try:
                return self.api.bucket_info(bucket_id)
            except HfHubHTTPError as error:
                if error.response is not None and error.response.status_code == 404:
                    return None
                raise

    def ensure_bucket(self, bucket_id: str) -> tuple[bool, object]:
        """The bucket, created private when it is missing: (whether it was created, its BucketInfo)."""
        info = self.bucket_info(bucket_id)
        if info is not None:
            return False, info
        action = f"creating bucket {bucket_id}"
        created = True
        with self._call(action, bucket_id, bucket=True):
            try:
                # Not exist_ok: with it the client reads a `url` from the 409's body; a 409 here (made meanwhile) is
                # read below instead.
                self.api.create_bucket(bucket_id, private=True)
            except HfHubHTTPError as error:
                status = error.response.status_code if error.response is not None else None
                if status == 409:
                    created = False
                elif status not in (401, 403):
                    raise
                else:
                    owner = bucket_id.split("/")[0]
                    raise SpaceError(
                        f"{action}: the token may not create buckets in {owner!r} ({status}){_server_message(error)}; "
                        f"use a token with write access to {owner} (a fine-grained token needs write access to "
                        f"{owner}'s repos), or set storage_bucket in space.json to a bucket in a namespace it can "
                        "write to. Nothing was created."
                    ) from None
        info = self.bucket_info(bucket_id)
        if info is None:  # pragma: no cover - the Hub just said it is there
            raise SpaceError(f"{action}: the Hub made it but does not show it yet; deploy again in a minute.")
        return created, info

    def delete_bucket(self, bucket_id: str) -> bool:
        """Delete the bucket and its files; False when there was none."""
        with self._call(f"deleting bucket {bucket_id}", bucket_id, bucket=True):
            try:
                self.api.delete_bucket(bucket_id)
            except HfHubHTTPError as error:
                if error.response is not None and error.response.status_code == 404:
                    return False
                raise
        return True

    def delete_space(self, space_id: str) -> None:
        with self._call(f"deleting {space_id}", space_id):
            self.api.delete_repo(space_id, repo_type="space")

    def space_volumes(self, space_id: str) -> list:
        """The volumes mounted in the Space (huggingface_hub Volumes), as its runtime reports them."""
        with self._call(f"reading the volumes of {space_id}", space_id):
            return list(self.api.get_space_runtime(space_id).volumes or [])

    def set_volumes(self, space_id: str, volumes: list) -> None:
        """Replace the Space's volumes with `volumes` (the Hub's API sets the whole list: pass the ones to keep)."""
        with self._call(f"mounting volumes in {space_id}", space_id):
            self.api.set_space_volumes(space_id, volumes)

    def variables(self, space_id: str) -> dict[str, str]:
        with self._call(f"reading the Variables of {space_id}", space_id):
            return {key: item.value for key, item in self.api.get_space_variables(space_id).items()}

    def secrets(self, space_id: str) -> dict[str, str | None]:
        """Each Secret's name and when it was last set (the Hub never shows a value)."""
        with self._call(f"reading the Secret names of {space_id}", space_id):
            found = self.api.get_space_secrets(space_id)
        return {name: item.updated_at.isoformat() if item.updated_at else None for name, item in found.items()}

    def set_variable(self, space_id: str, name: str, value: str, description: str) -> None:
        with self._call(f"setting Variable {name}", space_id):
            self.api.add_space_variable(space_id, name, value, description=description or None)

    def set_secret(self, space_id: str, name: str, value: str, description: str) -> None:
        with self._call(f"setting Secret {name}", space_id):
            self.api.add_space_secret(space_id, name, value, description=description or None)

    def delete_variable(self, space_id: str, name: str) -> None:
        with self._call(f"deleting Variable {name}", space_id):
            self.api.delete_space_variable(space_id, name)

    def delete_secret(self, space_id: str, name: str) -> None:
        with self._call(f"deleting Secret {name}", space_id):
            self.api.delete_space_secret(space_id, name)

    def remote_files(self, space_id: str, revision: str | None = None) -> list[RemoteFile]:
        """The Space's files now, or at `revision` (a commit id)."""
        with self._call(f"listing the files of {space_id}", space_id):
            entries = self.api.list_repo_tree(space_id, repo_type="space", recursive=True, revision=revision)
            return [
                RemoteFile(entry.path, entry.blob_id, entry.lfs.sha256 if entry.lfs else None)
                for entry in entries
                if hasattr(entry, "blob_id")  # files, not folders
            ]

    def commit(self, space_id: str, root: Path, plan: UploadPlan, message: str) -> str:
        """Upload the added and changed files and delete the removed ones, in one commit; return its id."""
        additions = [CommitOperationAdd(path, str(root / path)) for path in plan.to_upload]
        deletions = [CommitOperationDelete(path) for path in plan.removed]
        with self._call(f"uploading to {space_id}", space_id):
            # The Hub drops from an upload, silently, whatever the Space's own .gitignore matches (an old one may
            # list /backend/); deploy already chose the files, so it asks with an empty .gitignore.
            self.api.preupload_lfs_files(
                space_id, additions, repo_type="space", free_memory=False, gitignore_content=""
            )
            info = self.api.create_commit(space_id, [*deletions, *additions], commit_message=message, repo_type="space")
        return info.oid

    def commits(self, space_id: str) -> list:
        """The Space's history, newest first (GitCommitInfo: commit_id, title, created_at)."""
        with self._call(f"reading the history of {space_id}", space_id):
            return self.api.list_repo_commits(space_id, repo_type="space")

    def restore(self, space_id: str, revision: str, paths: list[str], removed: list[str], message: str) -> str:
        """One commit that makes `paths` what they were at `revision` (the Hub copies them) and deletes `removed`."""
        operations = [CommitOperationDelete(path) for path in removed] + [
            CommitOperationCopy(src_path_in_repo=path, path_in_repo=path, src_revision=revision) for path in paths]
        with self._call(f"committing to {space_id}", space_id):
            return self.api.create_commit(space_id, operations, commit_message=message, repo_type="space").oid

    def runtime(self, space_id: str) -> tuple[str, dict]:
        with self._call(f"reading the state of {space_id}", space_id):
            runtime = self.api.get_space_runtime(space_id)
        return runtime.stage, runtime.raw

    def restart(self, space_id: str, *, factory: bool) -> None:
        with self._call(f"restarting {space_id}", space_id, DEVICE_FLOW_401):
            self.api.restart_space(space_id, factory_reboot=factory)

    def log_tail(self, space_id: str, *, build: bool, lines: int = 30) -> list[str]:
        """The last lines of the build or run logs; a failure to read them is reported, not raised."""
        try:
            with self._call("reading logs", space_id):
                text = "".join(self.api.fetch_space_logs(space_id, build=build))
        except SpaceError as error:
            return [f"(logs unavailable: {error})"]
        return text.splitlines()[-lines:]

    def follow_logs(self, space_id: str, *, build: bool) -> Iterator[str]:
        """The logs as the Hub streams them, new lines as they come."""
        with self._call("reading logs", space_id):
            yield from self.api.fetch_space_logs(space_id, build=build, follow=True)

    def space_page(self, space_id: str) -> str:
        return f"{self.endpoint}/spaces/{space_id}"
