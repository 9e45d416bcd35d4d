"""storage=bucket: the promises, kept by real containers on a folder standing in for the mounted bucket.

A redeploy is what Spaces does: the old container stopped (SIGTERM, then SIGKILL after the grace period), a new
one started on the same bucket. Both runtimes keep their SQLite file the same way, so each test runs on both.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from harness import docker
from tests.conftest import TEST_SECRET, copy_node_backend, node_example_answers, python_example_answers, space_tools
from tests.support import figures
from tests.support.storage_apps import APPS, PASSWORD, data_folder, journal_mode, snapshots, sound

pytestmark = pytest.mark.docker

INTERVAL = 1  # snapshot_interval of these Spaces, seconds


HOURLY = 3600  # an interval no test waits for: what is kept then was kept on SIGTERM


def bucket_answers(runtime: str, backend, interval: int = INTERVAL) -> dict:
    if runtime == "node":
        return node_example_answers(backend, storage="bucket", snapshot_interval=interval)
    answers = python_example_answers(backend, storage="bucket", snapshot_interval=interval,
                                     sqlite_files=["$NOTES_DB_PATH"])
    answers["env_vars"]["NOTES_DB_PATH"]["default"] = "/home/user/data/notes.db"
    return answers


def _bucket_space(runtime, render_session, python_backends, node_backend, built_images, interval=INTERVAL):
    backend = node_backend if runtime == "node" else python_backends["uv-lock"]
    project = render_session(**bucket_answers(runtime, backend, interval))
    return APPS[runtime], built_images(f"{runtime}-bucket-{interval}s", project)


@pytest.fixture(scope="module", params=["python", "node"])
def space(request, render_session, python_backends, node_backend, built_images):
    return _bucket_space(request.param, render_session, python_backends, node_backend, built_images)


@pytest.fixture(scope="module", params=["python", "node"])
def hourly_space(request, render_session, python_backends, node_backend, built_images):
    return _bucket_space(request.param, render_session, python_backends, node_backend, built_images, HOURLY)


@pytest.fixture(scope="module")
def auth_space(render_session, python_backends, node_backend, built_images):
    return _bucket_space("node", render_session, python_backends, node_backend, built_images)


def _up(app, tag, bucket, **env):
    container, base = app.start(tag, bucket, **env)
    docker.wait_http(base + app.health, container=container, timeout=60)
    return container, base


def test_a_redeploy_keeps_every_write_and_says_which_snapshot_it_restored(hourly_space, tmp_path):
    app, tag = hourly_space
    bucket = data_folder(tmp_path / "bucket")
    first, base = _up(app, tag, bucket)
    with first:
        assert all(app.write(base, n) for n in range(5))
        first.stop()  # SIGTERM: the last snapshot is taken before exit, whatever the interval
        said = first.logs()
    assert f"space: storage: first start: no snapshot of {app.database} in /data yet" in said
    assert "space: storage: last snapshot before exit: " + app.database in said
    last = snapshots(bucket, app.database)[-1].name
    assert journal_mode(snapshots(bucket, app.database)[-1]) == "wal", "the app's writes never wait on a snapshot"

    second, base = _up(app, tag, bucket)
    with second:
        assert f"space: storage: restored {app.database} from {last}" in second.logs()
        assert app.survivors(base, 5) == set(range(5))


def test_a_kill_9_loses_at_most_the_last_interval_of_writes(space, tmp_path):
    app, tag = space
    bucket = data_folder(tmp_path / "bucket")
    container, base = _up(app, tag, bucket)
    acknowledged: list[float] = []
    with container:
        started = time.monotonic()
        # Several snapshots' worth of writes, and enough of them to tell (a busy machine slows Node's password hashing).
        while time.monotonic() < started + 3 * INTERVAL + 1 or len(acknowledged) <= 10:
            assert time.monotonic() < started + 60, f"only {len(acknowledged)} writes acknowledged in 60 s"
            assert app.write(base, len(acknowledged)), "a snapshot never makes one of the app's writes fail"
            acknowledged.append(time.monotonic())
        docker.docker("kill", "--signal", "KILL", container.name)
        killed = time.monotonic()

    second, base = _up(app, tag, bucket)
    with second:
        kept = app.survivors(base, len(acknowledged))
    assert kept == set(range(len(kept))), "a snapshot is consistent: what it holds is every write up to one point"
    lost = [at for n, at in enumerate(acknowledged) if n not in kept]
    window = killed - min(lost) if lost else 0.0
    figures.record(f"{app.runtime} kill -9: {len(lost)} of {len(acknowledged)} writes lost, "
                   f"the last {window:.1f} s (snapshot_interval {INTERVAL} s)")
    assert window <= INTERVAL + 1.0, "at most the last interval (plus one snapshot's time) is lost"


def test_a_corrupted_newest_snapshot_is_skipped_for_the_one_before_it(space, tmp_path):
    app, tag = space
    bucket = data_folder(tmp_path / "bucket")
    older, newest = _two_snapshots(app, tag, bucket)
    newest.write_bytes(newest.read_bytes()[:4096] + b"\0" * 512)  # torn, as a bad copy would leave it

    second, base = _up(app, tag, bucket)
    with second:
        assert app.survivors(base, 2) == {0}
        said = second.logs()
    assert f"space: storage: warning: snapshot {newest.name} of {app.database} fails its integrity check" in said
    assert f"space: storage: restored {app.database} from {older.name}" in said


def _two_snapshots(app, tag, bucket) -> tuple[Path, Path]:
    """Records 0, then 0 and 1: the bucket's two newest snapshots (older, newest)."""
    first, base = _up(app, tag, bucket)
    with first:
        app.write(base, 0)
        time.sleep(INTERVAL + 1)
        app.write(base, 1)
        first.stop()
    older, newest = snapshots(bucket, app.database)[-2:]
    return older, newest


@pytest.mark.parametrize("shows_up", [True, False], ids=["shows up late", "never shows"])
def test_a_restore_waits_for_the_newest_snapshot_the_bucket_recorded(space, tmp_path, shows_up):
    """A bucket is eventually consistent: a new container may not see the old one's last snapshot at once."""
    app, tag = space
    bucket = data_folder(tmp_path / "bucket")
    older, newest = _two_snapshots(app, tag, bucket)
    unseen = newest.with_name("." + newest.name)  # listed by no one, as a file not visible yet
    newest.rename(unseen)

    container, base = app.start(tag, bucket)
    with container:
        if shows_up:
            time.sleep(2)
            unseen.rename(newest)
        docker.wait_http(base + app.health, container=container, timeout=60)
        kept = app.survivors(base, 2)
        said = container.logs()
    assert f"space: storage: waiting up to 10 s for {newest.name}, the newest snapshot of {app.database}" in said
    if shows_up:
        assert kept == {0, 1} and f"restored {app.database} from {newest.name}" in said
    else:
        assert f"space: storage: warning: {newest.name}, the newest snapshot of {app.database} the bucket recorded, " \
               "is still not visible after 10 s; restoring the newest one that is" in said
        assert kept == {0} and f"restored {app.database} from {older.name}" in said


def test_an_emptied_bucket_on_a_space_that_had_data_refuses_to_start_unless_told_to(space, tmp_path):
    app, tag = space
    bucket = data_folder(tmp_path / "bucket")
    first, base = _up(app, tag, bucket)
    with first:
        app.write(base, 0)
        first.stop()
    for snapshot in snapshots(bucket, app.database):
        snapshot.unlink()  # the marker stays: this bucket held the database

    refused, _ = app.start(tag, bucket)
    with refused:
        assert refused.wait_exit(30) == 78
        said = refused.logs()
    refusal = said.strip().splitlines()[-1]  # after waiting, in vain, for the snapshot the bucket recorded
    assert refusal.startswith(f"space: /data held snapshots of {app.database} (since ")
    assert refusal.endswith("set the Variable STORAGE_ALLOW_EMPTY=1")

    allowed, base = _up(app, tag, bucket, STORAGE_ALLOW_EMPTY="1")
    with allowed:
        assert app.survivors(base, 1) == set()
        assert "STORAGE_ALLOW_EMPTY=1: " + app.database + " starts empty" in allowed.logs()


def test_a_container_without_the_bucket_mounted_refuses_to_start(space):
    app, tag = space
    container, _ = app.start(tag, None)
    with container:
        assert container.wait_exit(30) == 78
        said = container.logs().strip()
    assert said == ("space: storage=bucket, but nothing is mounted at /data: `./space deploy` mounts the Space's "
                    "bucket there (`./space run` a local folder); with plain docker run, add -v <folder>:/data")


def test_two_overlapping_containers_the_newer_keeps_the_snapshots_and_the_older_stops(space, tmp_path):
    app, tag = space
    bucket = data_folder(tmp_path / "bucket")
    old, old_base = _up(app, tag, bucket)
    with old:
        app.write(old_base, 0)
        time.sleep(INTERVAL + 1)
        new, new_base = _up(app, tag, bucket)  # a redeploy's new container, the old one still running
        with new:
            assert app.survivors(new_base, 1) == {0}
            app.write(old_base, 1)  # the old one still serves, but no longer keeps
            app.write(new_base, 2)
            time.sleep(INTERVAL + 1)
            old.stop()
            new.stop()
            old_said = old.logs()
    assert "this one stops snapshotting, so what it writes from now on is not kept" in old_said
    assert "last snapshot before exit" not in old_said
    kept = snapshots(bucket, app.database)
    assert kept and all(sound(path) for path in kept), "every snapshot in the bucket is whole"

    third, base = _up(app, tag, bucket)
    with third:
        assert app.survivors(base, 3) == {0, 2}, "the newer container's data wins"


def test_old_snapshots_are_pruned_to_the_newest_three(space, tmp_path):
    app, tag = space
    bucket = data_folder(tmp_path / "bucket")
    container, base = _up(app, tag, bucket)
    with container:
        for n in range(4):  # four snapshots, and a last one on stop
            app.write(base, n)
            time.sleep(INTERVAL + 0.3)
        container.stop()
    assert len(snapshots(bucket, app.database)) == 3


def test_users_signed_up_through_better_auths_client_sign_in_after_a_redeploy(auth_space, auth_client, tmp_path):
    app, tag = auth_space
    bucket = data_folder(tmp_path / "bucket")
    emails = [f"reader-{n}@example.test" for n in range(3)]
    first, base = _up(app, tag, bucket)
    with first:
        for email in emails:
            report = auth_client.run("full", baseURL=base, origin=base, email=email, password=PASSWORD, name="Rea")
            assert report["signUp"]["ok"], report
        first.stop()
    second, base = _up(app, tag, bucket)
    with second:
        for email in emails:
            report = auth_client.run("sign-in", baseURL=base, origin=base, email=email, password=PASSWORD)
            assert report["signIn"]["ok"] and report["session"]["email"] == email, report


def test_space_run_mounts_a_local_folder_in_place_of_the_bucket_and_never_ships_it(render, python_backends):
    app = APPS["python"]
    project = render(**{**bucket_answers("python", python_backends["uv-lock"]), "space_name": "kept-notes"})
    (project / ".env").write_text(f"APP_SECRET_KEY={TEST_SECRET}\n")
    port = docker.free_port()
    base = f"http://127.0.0.1:{port}"
    run = ("run", "--network", "host", "--detach", "--port", str(port))
    try:
        first = space_tools(project, *run)
        assert "Storage: .space-data mounted at /data, in place of the Space's bucket" in first.stdout
        assert app.write(base, 0)
        space_tools(project, "stop")  # SIGTERM: the last snapshot
        space_tools(project, *run)
        assert app.survivors(base, 1) == {0}
    finally:
        docker.docker("rm", "--force", "kept-notes-local", check=False)
        docker.remove_image("kept-notes:local")
    assert snapshots(project / ".space-data", "notes.db")
    assert ".space-data/" in (project / ".gitignore").read_text().splitlines()
    assert "**/.space-data" in (project / ".dockerignore").read_text().splitlines()
    assert ".space-data" not in space_tools(project, "deploy", "--dry-run", "--space-id", "alice/kept-notes").stdout


def test_a_backend_that_exits_in_its_own_sigterm_handler_still_gets_its_last_snapshot(render_session, built_images,
                                                                                       tmp_path):
    backend = copy_node_backend(tmp_path / "backend")
    server = backend / "auth-server.ts"
    server.write_text(server.read_text() + '\nprocess.on("SIGTERM", () => process.exit(0));\n')
    app = APPS["node"]
    tag = built_images("node-bucket-own-sigterm", render_session(**bucket_answers("node", backend, HOURLY)))
    bucket = data_folder(tmp_path / "bucket")
    first, base = _up(app, tag, bucket)
    with first:
        assert all(app.write(base, n) for n in range(3))
        first.stop()
        assert "space: storage: last snapshot before exit: auth.db (" in first.logs()
    second, base = _up(app, tag, bucket)
    with second:
        assert app.survivors(base, 3) == {0, 1, 2}
