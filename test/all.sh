#!/usr/bin/env bash
# The whole test suite: formatting, vet, staticcheck, then every test
# (unit, integration against the real test bed, end to end), ending with a
# table of the tests that skipped and why.
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
# -json through test/skipreport: the usual package lines and failed tests'
# output, then a table of every skipped test and why. Under CI
# (BULWARK_CI=1, set by .ci/run) a missing component fails its test
# instead, so CI's table has no row of components.
go build -o "$cache/bin/skipreport" ./test/skipreport
go test -json -timeout 40m "$@" ./... | skipreport
