#!/usr/bin/env bash
# Fuzz every fuzz target of the module for DURATION each (default 10s; any
# value go test's -fuzztime takes: 30s, 2m, 5000x), one after another, and
# stop at the first failure.
#
#   .ci/fuzz.sh [DURATION]
#
# The targets are found, not listed: every `func FuzzXxx(f *testing.F)` in a
# _test.go file. Each run starts from the target's committed seed corpus
# (f.Add calls and PACKAGE/testdata/fuzz/FuzzXxx/). When a target fails, go
# test writes the failing input to PACKAGE/testdata/fuzz/FuzzXxx/ and prints
# how to rerun it; fix the bug and commit that file with the fix, so that
# plain `go test` keeps checking it. FUZZ_PARALLEL sets the number of fuzzing
# workers (default: GOMAXPROCS).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-10s}
parallel=()
if [[ -n ${FUZZ_PARALLEL:-} ]]; then
	parallel=(-parallel "$FUZZ_PARALLEL")
fi

# "./DIR/ NAME" for every fuzz target ("./ NAME" at the module root).
mapfile -t targets < <(
	grep -rEo --include='*_test.go' --exclude-dir=.git --exclude-dir=testdata --exclude-dir=vendor \
		'^func Fuzz[A-Za-z0-9_]*\([A-Za-z_][A-Za-z0-9_]* \*testing\.F\)' . |
		sed -E 's|^(\./([^:]*/)?)[^/:]+:func (Fuzz[A-Za-z0-9_]*)\(.*$|\1 \3|' |
		sort -u
)
if ((${#targets[@]} == 0)); then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi

echo "fuzz.sh: ${#targets[@]} targets, $duration each"
for t in "${targets[@]}"; do
	read -r dir name <<<"$t"
	echo "=== fuzz $dir $name ($duration)"
	if ! go test -run='^$' -fuzz="^${name}\$" -fuzztime="$duration" ${parallel[@]+"${parallel[@]}"} "$dir"; then
		echo "fuzz.sh: $name in $dir failed; the input is in ${dir}testdata/fuzz/$name/" >&2
		exit 1
	fi
done
echo "fuzz.sh: all ${#targets[@]} targets ran $duration without failing"
