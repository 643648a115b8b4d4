#!/usr/bin/env bash
# Runs the project's tus-js-client uploader (ingester-server/src/test/node/tus/upload.js) with Node.
#
#   scripts/tus-node.sh install          install the pinned npm packages (npm ci) when they are missing or stale
#   scripts/tus-node.sh upload ARGS...   install if needed, then upload: ARGS as upload.js takes them
#                                        (--endpoint URL --file PATH [--chunk-size BYTES] ...), one JSON line out
#
# The packages come from package-lock.json only (npm ci), into node_modules beside it, which git ignores.
# Needs node >= 18 and npm (Debian's nodejs and npm packages; .ci/run installs them).
set -euo pipefail

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../ingester-server/src/test/node/tus" && pwd)"

install() {
    command -v node >/dev/null 2>&1 || { echo "node is not installed (Debian package nodejs)" >&2; exit 3; }
    command -v npm >/dev/null 2>&1 || { echo "npm is not installed (Debian package npm)" >&2; exit 3; }
    local wanted stamp="$dir/node_modules/.installed-from"
    wanted=$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        return 0
    fi
    # Several test JVMs may ask at once: one installs, the others wait for it.
    exec 9>"$dir/.install.lock"
    flock 9
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
        return 0
    fi
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2)
    echo "$wanted" >"$stamp"
}

case "${1:-}" in
    install)
        install
        ;;
    upload)
        shift
        install
        exec node "$dir/upload.js" "$@"
        ;;
    *)
        echo "usage: $0 install | upload ARGS..." >&2
        exit 2
        ;;
esac
