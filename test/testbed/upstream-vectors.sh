#!/usr/bin/env bash
# Fetches the upstream test-vector files that internal/version's tests read
# (dpkg's t-version.c, rpm's rpmvercmp.at, Maven's ComparableVersionTest,
# RubyGems' test_gem_version.rb) from Debian bookworm's source packages, and
# keeps only those files. Nothing is copied into the repository; tests read
# them from the cache and skip, saying so, when they are absent.
# Usage: upstream-vectors.sh [DEST]   (default $HOME/.cache/bulwark-ci/upstream)
set -euo pipefail
dest=${1:-${BULWARK_CI_CACHE:-$HOME/.cache/bulwark-ci}/upstream}
mkdir -p "$dest"
# package  file inside its upstream tarball (first path component dropped)
files=(
  "dpkg lib/dpkg/t/t-version.c"
  "rpm tests/rpmvercmp.at"
  "maven maven-artifact/src/test/java/org/apache/maven/artifact/versioning/ComparableVersionTest.java"
  "ruby3.1 test/rubygems/test_gem_version.rb"
)
missing=()
for f in "${files[@]}"; do
  read -r pkg file <<<"$f"
  [ -s "$dest/$pkg/$file" ] || missing+=("$f")
done
[ ${#missing[@]} -eq 0 ] && { echo "upstream vectors: present in $dest"; exit 0; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/src.sources" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
mkdir -p "$work/lists/partial"
apt=(apt-get -qq -o "Dir::Etc::SourceList=$work/src.sources" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists" -o APT::Sandbox::User=root)
"${apt[@]}" update
for f in "${missing[@]}"; do
  read -r pkg file <<<"$f"
  mkdir -p "$work/$pkg"
  (cd "$work/$pkg" && "${apt[@]}" source --download-only "$pkg" >/dev/null)
  tarball=$(ls "$work/$pkg"/*.orig.tar.* 2>/dev/null | grep -v '\.asc$' | head -1 || true)
  [ -n "$tarball" ] || tarball=$(ls "$work/$pkg"/*.tar.* | grep -v 'debian\.tar' | head -1)
  mkdir -p "$dest/$pkg"
  tar --no-same-owner -xf "$tarball" -C "$dest/$pkg" --strip-components=1 --wildcards "*/$file"
  echo "upstream vectors: $pkg $file"
done
