#!/usr/bin/env bash
# Makes sure a Docker engine answers on this machine: installs Debian's docker.io when missing and
# starts dockerd without a bridge (builds and containers here use --network host).
# Idempotent: does nothing when the engine already answers. Prints one line on what it did.
# Env: DOCKER (client, default /usr/bin/docker), DOCKERD_LOG (default /var/log/dockerd.log).
set -euo pipefail

DOCKER="${DOCKER:-/usr/bin/docker}"  # the 20.10 client; a newer one on PATH refuses BuildKit without buildx
LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
WAIT_SECONDS=60

engine_answers() { "$DOCKER" info >/dev/null 2>&1; }

installed=""
if [[ ! -x "$DOCKER" ]] || ! command -v dockerd >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq docker.io >/dev/null
  installed="installed docker.io, "
fi

if engine_answers; then
  echo "docker engine: ${installed}already running ($("$DOCKER" version --format '{{.Server.Version}}'))"
  exit 0
fi

# No bridge and no iptables: this machine may not allow them, and nothing here needs them.
# setsid: the engine outlives the shell (and process group) that started it.
setsid dockerd --bridge=none --iptables=false --ip6tables=false </dev/null >>"$LOG" 2>&1 &
pid=$!

for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
  if engine_answers; then
    echo "docker engine: ${installed}started dockerd (pid $pid) in $((i / 2)) s, log $LOG"
    exit 0
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "docker engine: dockerd exited at start; see the end of $LOG:" >&2
    tail -n 20 "$LOG" >&2
    exit 1
  fi
  sleep 0.5
done
echo "docker engine: dockerd (pid $pid) did not answer within ${WAIT_SECONDS} s; see $LOG" >&2
exit 1
