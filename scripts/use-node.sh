# Puts Node 24 LTS first on PATH for this shell, fetching it from the npm registry (package
# `node@24`) into .tools/ inside the checkout when the machine's own `node` is older. The system's
# Node is never changed. Use it with `source` (or `.`) so the PATH change stays in your shell:
#
#   . scripts/use-node.sh && npm ci && npm test
#
# Nothing happens when `node` is already 24 or newer.
_jc_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_jc_tools="$_jc_root/.tools/node24"
_jc_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(_jc_major node)" -lt 24 ]; then
  if [ ! -x "$_jc_tools/bin/node" ] || [ "$(_jc_major "$_jc_tools/bin/node")" -lt 24 ]; then
    echo "use-node: fetching Node 24 from the npm registry into .tools/node24 (once)" >&2
    npm install --global --prefix "$_jc_tools" --no-audit --no-fund --loglevel=error node@24 >&2 ||
      { echo "use-node: could not install node@24 from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_jc_tools/bin:$PATH"
  hash -r 2>/dev/null || true
fi
unset -f _jc_major
unset _jc_root _jc_tools
