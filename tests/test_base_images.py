"""The base images the templates build FROM behave like the official ones where Dockerfiles rely on them.

On machines without a Docker registry these are the local stand-ins that
tools/docker/standin-images.sh builds under the official tags; elsewhere they are the real images.
The same assertions hold for both.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from harness.docker import (
    build,
    docker,
    free_port,
    http_get,
    image_exists,
    inspect_image,
    remove_image,
    run,
    unique_tag,
    wait_http,
)
from harness.images import BUN_IMAGE, NODE_IMAGE, PYTHON_IMAGE, PYTHON_IMAGES

FIXTURES = Path(__file__).parent / "fixtures"

pytestmark = pytest.mark.docker


@pytest.fixture(scope="module", autouse=True)
def base_images_present() -> None:
    missing = [tag for tag in (*PYTHON_IMAGES, NODE_IMAGE, BUN_IMAGE) if not image_exists(tag)]
    assert not missing, f"base images missing: {missing}; run tools/docker/standin-images.sh first"


def sh(image: str, script: str, *, volumes: dict[str, str] | None = None) -> str:
    """Run a shell script in a throwaway container of `image`; returns its stdout."""
    mounts = [arg for host, target in (volumes or {}).items() for arg in ("--volume", f"{host}:{target}")]
    return docker("run", "--rm", "--network", "host", *mounts, image, "sh", "-c", script).stdout


def env_of(image: str) -> dict[str, str]:
    return dict(item.split("=", 1) for item in inspect_image(image)["Config"]["Env"])


def tiny_wheel(directory: Path) -> Path:
    """A pure-Python wheel built by hand, so pip can be exercised without a package index."""
    files = {
        "standin_probe.py": "VALUE = 42\n",
        "standin_probe-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: standin-probe\nVersion: 1.0\n",
        "standin_probe-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    record.append("standin_probe-1.0.dist-info/RECORD,,")
    files["standin_probe-1.0.dist-info/RECORD"] = "\n".join(record) + "\n"
    wheel = directory / "standin_probe-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return wheel


# --- python:<version>-slim, every version the template offers ---

every_python = pytest.mark.parametrize("image", PYTHON_IMAGES)


def minor(image: str) -> str:
    return image.removeprefix("python:").removesuffix("-slim")


@every_python
def test_python_and_pip_are_on_path_at_usr_local_bin(image: str) -> None:
    out = sh(image, "for c in python python3 pip pip3; do command -v $c; done; python --version")
    *paths, version = out.splitlines()
    assert paths == ["/usr/local/bin/python", "/usr/local/bin/python3", "/usr/local/bin/pip", "/usr/local/bin/pip3"]
    assert version.startswith(f"Python {minor(image)}."), version


@every_python
def test_pip_installs_system_wide_into_the_official_site_packages(image: str, tmp_path: Path) -> None:
    wheel = tiny_wheel(tmp_path)
    out = sh(
        image,
        f"pip install --no-index --no-cache-dir --root-user-action=ignore /wheels/{wheel.name} >&2 && "
        "python -c 'import os, standin_probe as p; print(p.VALUE); print(os.path.realpath(p.__file__)); "
        f'print(os.path.realpath("/usr/local/lib/python{minor(image)}/site-packages/standin_probe.py"))\'',
        volumes={str(tmp_path): "/wheels:ro"},
    )
    value, installed_at, official_path = out.splitlines()
    assert value == "42"
    # Multi-stage Dockerfiles copy /usr/local/lib/python3.X/site-packages: it must be where pip installs.
    assert installed_at == official_path


@every_python
def test_python_venv_works_and_the_standard_library_is_whole(image: str) -> None:
    out = sh(
        image,
        "python -m venv /tmp/venv && /tmp/venv/bin/python -c 'import sys; print(sys.prefix)' && /tmp/venv/bin/pip -V"
        " && python -c 'import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid, decimal, hashlib; print(\"stdlib ok\")'",
    )
    prefix, pip_version, stdlib = out.splitlines()
    assert prefix == "/tmp/venv"
    assert pip_version.startswith("pip ") and "/tmp/venv/" in pip_version
    assert stdlib == "stdlib ok"


@every_python
def test_python_image_holds_the_headers_a_source_build_compiles_against(image: str) -> None:
    out = sh(image, "python -c 'import sysconfig; print(sysconfig.get_paths()[\"include\"])' | xargs -I{} ls {}/Python.h")
    assert out.strip().endswith(f"/python{minor(image)}/Python.h"), out


@every_python
def test_python_image_runs_python3_by_default_as_root_in_utf8(image: str) -> None:
    config = inspect_image(image)["Config"]
    assert config["Cmd"] == ["python3"]
    assert not config.get("Entrypoint")
    assert config.get("User", "") in ("", "root")
    env = env_of(image)
    assert env["LANG"] == "C.UTF-8"
    assert "/usr/local/bin" in env["PATH"].split(":")
    # The default command reads a script from stdin, as `docker run -i python:3.13-slim` does.
    out = docker("run", "--rm", "-i", "--network", "host", image, input="print(6 * 7)\n").stdout
    assert out.strip() == "42"


@every_python
def test_hugging_face_docs_example_builds_and_answers_over_http(image: str, tmp_path: Path) -> None:
    example = tmp_path / "hf-docs-example"
    shutil.copytree(FIXTURES / "hf-docs-example", example)
    dockerfile = example / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text().replace(f"FROM {PYTHON_IMAGE}", f"FROM {image}"))
    tag = unique_tag("hf-docs-example")
    try:
        build(example, tag)
        port = free_port()
        command = ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", str(port)]
        with run(tag, command=command) as container:
            wait_http(f"http://127.0.0.1:{port}/", container=container, timeout=120)
            status, body = http_get(f"http://127.0.0.1:{port}/")
            assert (status, json.loads(body)) == (200, {"Hello": "World!"})
            assert container.exec("id", "-u").stdout.strip() == "1000"
    finally:
        remove_image(tag)


# --- node:24-slim ---


def test_node_24_npm_and_npx_are_on_path_at_usr_local_bin() -> None:
    out = sh(NODE_IMAGE, "for c in node npm npx; do command -v $c; done; node -v; npm -v; npx -v")
    node_path, npm_path, npx_path, node_version, npm_version, npx_version = out.splitlines()
    assert (node_path, npm_path, npx_path) == ("/usr/local/bin/node", "/usr/local/bin/npm", "/usr/local/bin/npx")
    assert node_version.startswith("v24."), node_version
    assert npm_version.startswith("11."), npm_version
    assert npx_version == npm_version


def test_node_image_has_a_node_user_with_uid_and_gid_1000() -> None:
    out = sh(NODE_IMAGE, "getent passwd node; getent group node")
    passwd, group = out.splitlines()
    name, _, uid, gid, _, home, _ = passwd.split(":")
    assert (name, uid, gid, home) == ("node", "1000", "1000", "/home/node")
    assert group.split(":")[::2] == ["node", "1000"]


def test_node_image_refuses_a_second_uid_1000_user() -> None:
    # Why generated Node Dockerfiles use `USER node` instead of Hugging Face's `useradd -u 1000 user`.
    result = docker("run", "--rm", "--network", "host", NODE_IMAGE, "useradd", "-m", "-u", "1000", "user", check=False)
    assert result.returncode != 0
    assert "not unique" in result.stderr


def test_node_image_runs_node_by_default_and_passes_flags_to_it() -> None:
    config = inspect_image(NODE_IMAGE)["Config"]
    assert config["Cmd"] == ["node"]
    assert config["Entrypoint"] == ["docker-entrypoint.sh"]
    assert env_of(NODE_IMAGE)["NODE_VERSION"].startswith("24.")
    out = docker("run", "--rm", "-i", "--network", "host", NODE_IMAGE, input="console.log(6 * 7)\n").stdout
    assert out.strip() == "42"
    # The entrypoint hands arguments that are not commands to node.
    out = docker("run", "--rm", "--network", "host", NODE_IMAGE, "-e", "console.log(process.version)").stdout
    assert out.strip().startswith("v24.")


# --- oven/bun:1-slim ---


def test_bun_image_is_laid_out_as_the_official_one() -> None:
    # A bun user with uid and gid 1000 (the Dockerfile's USER bun), bun and bunx on PATH, the app's folder its own.
    out = sh(BUN_IMAGE, "getent passwd bun; command -v bun; command -v bunx; bun --version; "
                        "stat -c %u:%g /home/bun/app")
    passwd, bun, bunx, version, owner = out.splitlines()
    name, _, uid, gid, _, home, _ = passwd.split(":")
    assert (name, uid, gid, home) == ("bun", "1000", "1000", "/home/bun")
    assert (bun, bunx, owner) == ("/usr/local/bin/bun", "/usr/local/bin/bunx", "1000:1000")
    assert version.startswith(BUN_IMAGE.split(":")[1].split("-")[0] + "."), version
    config = inspect_image(BUN_IMAGE)["Config"]
    assert (config["WorkingDir"], config["Cmd"]) == ("/home/bun/app", ["/usr/local/bin/bun"])
    # The entrypoint hands arguments that are not commands to bun.
    out = docker("run", "--rm", "--network", "host", BUN_IMAGE, "-e", "console.log(typeof Bun.serve)").stdout
    assert out.strip() == "function"


def test_npm_installs_from_the_registry_as_the_node_user(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(
        f"FROM {NODE_IMAGE}\nUSER node\nWORKDIR /home/node/app\nRUN npm init -y && npm install is-number\n"
    )
    tag = unique_tag("npm-as-node")
    try:
        build(tmp_path, tag)
        out = docker(
            "run", "--rm", "--network", "host", tag, "node", "-e",
            "console.log(require('is-number')(7), process.getuid())",
        ).stdout  # fmt: skip
        assert out.split() == ["true", "1000"]
    finally:
        remove_image(tag)
