#!/usr/bin/env bash
# The whole test suite: formatting, vet, staticcheck, then every test
# (unit, integration against the real test bed, end to end).
# Usage: bash test/all.sh [go test flags...]   e.g. bash test/all.sh -short
set -euo pipefail
cd "$(dirname "$0")/.."
cache=${BULWARK_CI_CACHE:-$HOME/.cache/bulwark-ci}
export PATH=$cache/bin:$PATH

unformatted=$(gofmt -l cmd internal test)
if [ -n "$unformatted" ]; then echo "gofmt would change: $unformatted" >&2; exit 1; fi
go vet ./...
if ! command -v staticcheck >/dev/null; then
  GOBIN=$cache/bin go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
fi
staticcheck ./...
go test -count=1 ./test/deps   # go list output is not part of the test cache key
go test -timeout 40m "$@" ./...
