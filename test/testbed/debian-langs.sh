#!/usr/bin/env bash
# Build (once) a Debian bookworm rootfs that holds language packages as Debian
# installs them: Python (python3-requests and its dependencies), Java
# (jackson-core, commons-lang3), Ruby (ruby-rack) and Node (lodash, minimist).
# It is the test bed's minbase rootfs (../shared/testbed/rootfs/debian.sh)
# copied, then `apt-get install` run inside it with chroot.
# Usage: debian-langs.sh [DIR]  (default ~/.cache/bulwark-testbed/bookworm-langs). Prints DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tb=${BULWARK_TESTBED:-$here/../../../shared/testbed}
dir=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/bulwark-testbed/bookworm-langs}
pkgs="python3-requests libjackson2-core-java libcommons-lang3-java ruby-rack node-lodash node-minimist"
log() { echo "debian-langs.sh: $*" >&2; }

mkdir -p "$(dirname "$dir")"
exec 9>"$dir.lock"
flock 9
if [ -f "$dir/.bulwark-langs" ]; then echo "$dir"; exit 0; fi
base=$("$tb/rootfs/debian.sh")
rm -rf "$dir" "$dir.tmp"
cp -a "$base" "$dir.tmp"
cp /etc/resolv.conf "$dir.tmp/etc/resolv.conf" 2>/dev/null || true
log "apt-get install $pkgs (chroot)"
# shellcheck disable=SC2086
chroot "$dir.tmp" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs" >"$dir.log" 2>&1 ||
  { log "apt-get failed, see $dir.log"; exit 1; }
touch "$dir.tmp/.bulwark-langs"
mv "$dir.tmp" "$dir"
echo "$dir"
