#!/bin/sh
# The container's entrypoint: `cairn` with the mounted config, so `docker run IMAGE backup` means
# `cairn --config /config/cairn.config.yaml backup`. A --config or -c among the arguments wins.
set -eu

config="${CAIRN_CONFIG:-/config/cairn.config.yaml}"
for arg in "$@"; do
  case "$arg" in
    -c | --config | --config=* | -c*) exec cairn "$@" ;;
  esac
done

# exec: cairn becomes PID 1's program and gets SIGTERM itself, so `docker stop` stops a run cleanly.
exec cairn --config "$config" "$@"
