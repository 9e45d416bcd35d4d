"""`deploy` with `storage: bucket`: a private Storage Bucket on the Hub, made before the Space, mounted in it at
/data, against the stand-in Hub (tests/hub_standin). The scripted runtime makes these fast; the last test lets the
stand-in run the Space with Docker, the bucket's folder mounted, across a redeploy."""

from __future__ import annotations

import json
import uuid

import pytest

from harness import docker
from tests.conftest import AUTH_SECRET, copy_node_backend, node_example_answers
from tests.hub_standin import RealRuntime
from tests.hub_standin.fixtures import APP, SpaceRepo
from tests.support.storage_apps import PASSWORD

FAST = ("--poll-interval", "0.1", "--yes")
BILLED = "buckets are billed per TB stored: https://huggingface.co/storage"


@pytest.fixture
def deploy(cli, hub):
    def _deploy(repo, *args, **kwargs):
        return cli(repo, "deploy", *FAST, *args, hub=hub, **kwargs)

    return _deploy


def _storage(repo, storage: str = "bucket", bucket: str = "") -> str:
    """space.json's storage answers, as the template renders them; the bucket deploy uses."""
    settings = repo.settings
    settings["storage"] = storage
    if storage == "bucket":
        settings.update({"storage_bucket": bucket, "storage_mount": "/data", "sqlite_files": ["/home/user/app.db"],
                         "snapshot_interval": 5})
    repo.write_settings(settings)
    return bucket or f"{repo.space_id}-data"


def _bucket_requests(hub) -> list[tuple[str, str]]:
    return [(m, p) for m, p in hub.requests if p.startswith("/api/buckets/") or p.endswith("/volumes")]


def _writes(hub, since: int = 0) -> list[tuple[str, str]]:
    """The requests that could change something, from request number `since` on."""
    return [(m, p) for m, p in hub.requests[since:] if m != "GET" and p != "/api/validate-yaml"]


def _ours(bucket_id: str) -> dict:
    return {"type": "bucket", "source": bucket_id, "mountPath": "/data"}


def test_a_hand_edited_storage_mount_is_refused_before_the_hub_is_asked_anything(hub, make_space, deploy):
    repo = make_space(name="notes-api")
    _storage(repo)
    repo.write_settings({**repo.settings, "storage_mount": "/data,source=/etc,readonly=false"})

    result = deploy(repo)

    assert result.returncode == 2
    assert 'space.json: storage_mount "/data,source=/etc,readonly=false" is not a folder path' in result.output
    assert hub.mutating_requests() == [] and _bucket_requests(hub) == []


def test_a_first_deploy_creates_a_private_bucket_first_and_the_space_with_it_mounted_at_data(hub, make_space, deploy):
    repo = make_space(name="notes-api")
    bucket_id = _storage(repo)

    result = deploy(repo)

    assert result.returncode == 0, result.output
    assert bucket_id == "alice/notes-api-data"
    assert hub.buckets[bucket_id].private
    assert hub.space(repo.space_id).volumes == [_ours(bucket_id)]  # mounted from the first build on
    made = _writes(hub)
    assert made.index(("POST", f"/api/buckets/{bucket_id}")) < made.index(("POST", "/api/repos/create"))
    assert not any(path.endswith("/volumes") for _, path in made)  # create_repo carried the volume
    assert (f"Bucket {bucket_id}: created (private), mounted at /data; {BILLED}") in result.output.splitlines()
    folder = hub.bucket_folder(bucket_id)
    assert folder.is_dir() and folder.stat().st_uid == 1000  # the Space's user writes there


def test_an_empty_storage_bucket_is_named_after_the_space_deployed_to_so_a_staging_space_has_its_own(
    hub, make_space, deploy
):
    repo = make_space(name="notes-api")
    _storage(repo)

    result = deploy(repo, "--space-id", "acme/notes-staging")

    assert result.returncode == 0, result.output
    assert set(hub.buckets) == {"acme/notes-staging-data"}
    assert hub.space("acme/notes-staging").volumes == [_ours("acme/notes-staging-data")]


def test_the_first_deploy_confirmation_names_the_bucket_it_would_create_and_creates_nothing_unconfirmed(
    hub, make_space, cli
):
    repo = make_space()
    bucket_id = _storage(repo)

    result = cli(repo, "deploy", "--poll-interval", "0.1", hub=hub)

    assert result.returncode == 2
    assert result.output.strip().splitlines()[-1] == (
        f"error: a first deploy creates {repo.space_id}: a public Docker Space, license none, hardware cpu-basic, "
        f"and a private Storage Bucket {bucket_id} mounted at /data ({BILLED}); confirm with --yes (as CI must), or "
        "deploy once from a terminal. Nothing was created.")
    assert hub.buckets == {} and repo.space_id not in hub.spaces


def test_a_second_deploy_creates_nothing_and_mounts_nothing_again_and_says_what_the_bucket_holds(
    hub, make_space, deploy
):
    repo = make_space()
    bucket_id = _storage(repo)
    assert deploy(repo).returncode == 0
    (hub.bucket_folder(bucket_id) / "app.db.snapshot").write_bytes(b"x" * 1_500_000)  # what the app saved
    before = len(hub.requests)

    again = deploy(repo)

    assert again.returncode == 0, again.output
    assert f"Bucket {bucket_id}: exists (1 file, 1.5 MB), mounted at /data" in again.output.splitlines()
    assert _bucket_requests(hub)[-1:] == [("GET", f"/api/buckets/{bucket_id}")]  # read, never written
    assert [r for r in _writes(hub, before) if "/buckets/" in r[1] or r[1].endswith("/volumes")] == []
    assert hub.space(repo.space_id).volumes == [_ours(bucket_id)]
    assert "Nothing changed, so nothing restarts" in again.output


def test_an_existing_space_gets_the_bucket_mounted_and_keeps_the_volumes_its_owner_set(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0  # storage: none, as before the answer changed
    hub.add_bucket("alice/model-cache")
    theirs = {"type": "bucket", "source": "alice/model-cache", "mountPath": "/cache"}
    hub.space(repo.space_id).volumes = [dict(theirs)]  # set by hand in the Space's settings
    bucket_id = _storage(repo)
    before = len(hub.requests)

    result = deploy(repo)

    assert result.returncode == 0, result.output
    assert hub.space(repo.space_id).volumes == [theirs, _ours(bucket_id)]
    made = _writes(hub, before)
    assert made.index(("POST", f"/api/buckets/{bucket_id}")) < made.index(("PUT", f"/api/spaces/{repo.space_id}/volumes"))
    assert (f"Bucket {bucket_id}: created (private), mounted at /data (added to the Space's volumes; kept bucket "
            f"alice/model-cache at /cache); {BILLED}") in result.output.splitlines()
    # No file changed, but the running container has no /data: it restarts to get it.
    assert ("POST", f"/api/spaces/{repo.space_id}/restart") in made
    assert "Restarted the Space so it sees the new volume" in result.output


def test_an_existing_bucket_is_mounted_in_an_existing_space_without_being_created_again(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    bucket_id = _storage(repo, bucket="acme/shared-notes")
    hub.add_bucket(bucket_id)
    before = len(hub.requests)

    result = deploy(repo)

    assert result.returncode == 0, result.output
    assert ("POST", f"/api/buckets/{bucket_id}") not in hub.requests[before:]
    assert hub.space(repo.space_id).volumes == [_ours(bucket_id)]
    assert (f"Bucket {bucket_id}: exists (0 files, 0.0 MB), mounted at /data (added to the Space's volumes)"
            in result.output.splitlines())


@pytest.mark.parametrize("space_exists", [False, True], ids=["new-space", "existing-space"])
def test_a_public_bucket_is_refused_with_one_line_and_nothing_changed(hub, make_space, deploy, space_exists):
    repo = make_space()
    if space_exists:
        assert deploy(repo).returncode == 0
    bucket_id = _storage(repo)
    hub.add_bucket(bucket_id, private=False)
    before = len(hub.requests)

    result = deploy(repo)

    assert result.returncode == 2
    assert result.output.strip().splitlines()[-1].startswith(
        f"error: bucket {bucket_id} is public, and it would hold the Space's user data: make it private")
    assert "Traceback" not in result.output
    assert _writes(hub, before) == []
    assert (repo.space_id in hub.spaces) == space_exists
    if space_exists:
        assert hub.space(repo.space_id).volumes == []


def test_another_volume_at_data_is_refused_rather_than_replaced(hub, make_space, deploy):
    repo = make_space()
    assert deploy(repo).returncode == 0
    hub.add_bucket("alice/old-data")
    theirs = {"type": "bucket", "source": "alice/old-data", "mountPath": "/data"}
    hub.space(repo.space_id).volumes = [dict(theirs)]
    bucket_id = _storage(repo)
    before = len(hub.requests)

    result = deploy(repo)

    assert result.returncode == 2
    assert result.output.strip().splitlines()[-1].startswith(
        f"error: the Space already mounts bucket alice/old-data at /data, where space.json puts bucket {bucket_id}")
    assert _writes(hub, before) == []
    assert hub.space(repo.space_id).volumes == [theirs] and bucket_id not in hub.buckets


def test_a_dry_run_says_which_bucket_it_would_create_and_mount_and_asks_the_hub_nothing(hub, make_space, cli):
    repo = make_space()
    bucket_id = _storage(repo)

    result = cli(repo, "deploy", "--dry-run", hub=hub)

    assert result.returncode == 0, result.output
    assert (f"Bucket {bucket_id}: would be mounted at /data, and first created (private) if it does not exist "
            f"({BILLED}); a public one is refused") in result.output.splitlines()
    assert hub.requests == [] and hub.buckets == {} and hub.spaces == {}


@pytest.mark.parametrize("storage", ["none", "external"])
def test_storage_none_or_external_makes_no_bucket_or_volume_request(hub, make_space, deploy, storage):
    repo = make_space()
    _storage(repo, storage)

    first, again = deploy(repo), deploy(repo)

    assert first.returncode == 0 and again.returncode == 0, first.output + again.output
    assert _bucket_requests(hub) == []
    assert hub.space(repo.space_id).volumes == [] and "Bucket" not in first.output + again.output


def test_a_403_on_bucket_creation_is_one_line_and_no_space_is_created(hub, make_space, deploy):
    repo = make_space()
    _storage(repo, bucket="bob/notes-data")  # a namespace the token can't write to

    result = deploy(repo)

    assert result.returncode == 2
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == [result.output.strip().splitlines()[-1]]
    assert errors[0].startswith(
        "error: creating bucket bob/notes-data: the token may not create buckets in 'bob' (403) (the Hub says: ")
    assert "use a token with write access to bob" in errors[0] and errors[0].endswith("Nothing was created.")
    assert repo.space_id not in hub.spaces and ("POST", "/api/repos/create") not in hub.requests
    assert "bob/notes-data" not in hub.buckets


def test_a_404_on_bucket_creation_names_the_bucket_not_the_space(hub, make_space, deploy):
    repo = make_space()
    bucket = _storage(repo)
    hub.buckets_missing = True

    result = deploy(repo)

    assert result.returncode == 2 and "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: creating bucket {bucket}: the Hub answered 404")
    assert "storage_bucket" in errors[0] and "space_name" not in errors[0]
    assert repo.space_id not in hub.spaces, "nothing was created"


# --- real mode: the stand-in runs the Space with Docker, the bucket's folder mounted at /data -------------

# The test app, also counting its starts in /data/boots.txt (what a real app's snapshots would be).
BOOTING_APP = APP.replace(
    'print("app starting on port"',
    'open("/data/boots.txt", "a").write("boot\\n")\nprint("app starting on port"',
).replace(
    'elif self.path == "/info":',
    'elif self.path == "/boots":\n            body = {"boots": open("/data/boots.txt").read().count("boot")}\n'
    '        elif self.path == "/info":',
)


@pytest.mark.docker
def test_end_to_end_what_the_app_writes_to_data_survives_a_redeploy(hub, make_space, deploy):
    hub.runtime_factory = lambda space: RealRuntime(stale_s=0.5, startup_timeout_s=60)
    repo = make_space()
    repo.write("backend/app.py", BOOTING_APP)
    bucket_id = _storage(repo)

    first = deploy(repo)

    assert first.returncode == 0, first.output
    url = first.output.split("Live at ")[1].split()[0]
    assert json.loads(docker.http_get(url + "/boots")[1]) == {"boots": 1}

    repo.write("backend/app.py", BOOTING_APP.replace('"ok"', '"ok-v2"'))
    second = deploy(repo)  # a new container, on the same bucket

    assert second.returncode == 0, second.output
    assert json.loads(docker.http_get(url + "/health")[1]) == {"status": "ok-v2"}
    assert json.loads(docker.http_get(url + "/boots")[1]) == {"boots": 2}
    saved = hub.bucket_folder(bucket_id) / "boots.txt"
    assert saved.read_text() == "boot\nboot\n" and saved.stat().st_uid == 1000


@pytest.mark.docker
def test_a_user_who_answers_storage_bucket_deploys_redeploys_and_keeps_every_account(hub, render, deploy, auth_client,
                                                                                    tmp_path):
    hub.runtime_factory = lambda space: RealRuntime(stale_s=0.5, startup_timeout_s=120)
    backend = copy_node_backend(tmp_path / "backend")
    name = f"auth-{uuid.uuid4().hex[:6]}"
    project = render(**{**node_example_answers(backend, storage="bucket"), "space_name": name, "space_owner": "acme"})
    (project / ".env").write_text(f"BETTER_AUTH_SECRET={AUTH_SECRET}\n")
    repo = SpaceRepo(project, f"acme/{name}")
    emails = [f"member-{n}@example.test" for n in range(3)]

    first = deploy(repo)
    assert first.returncode == 0, first.output
    assert f"Bucket acme/{name}-data: created (private), mounted at /data" in first.output
    url = first.output.split("Live at ")[1].split()[0]
    for email in emails:
        assert auth_client.run("full", baseURL=url, origin=url, email=email, password=PASSWORD, name="M")["signUp"]["ok"]

    (backend / "auth-server.ts").write_text((backend / "auth-server.ts").read_text() + "// v2\n")
    second = deploy(repo)  # the new build's container replaces the old one, on the same bucket

    assert second.returncode == 0, second.output
    assert "backend/auth-server.ts" in hub.space(repo.space_id).commits[-1].uploaded
    for email in emails:
        report = auth_client.run("sign-in", baseURL=url, origin=url, email=email, password=PASSWORD)
        assert report["signIn"]["ok"] and report["session"]["email"] == email, report
    assert list((hub.bucket_folder(f"acme/{name}-data") / "snapshots" / "auth.db").glob("*.sqlite"))
