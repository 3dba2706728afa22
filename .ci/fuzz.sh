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

# corpus DIR NAME lists the files of the target's corpus directory, so that a
# run can tell whether go test wrote a failing input.
corpus() { ls -1 "${1}testdata/fuzz/$2" 2>/dev/null || true; }

# Go's fuzzing coordinator can fail a duration-bounded run with "context
# deadline exceeded" and no failing input when -fuzztime expires while a worker
# is mid-call (a race in internal/fuzz, golang/go#75804, fixed in go1.27; seen
# here on a loaded 2-core runner). Such a run found nothing: it is retried once,
# and if it races again it is reported as a harness flake, not a failure. A run
# that writes a new input to the corpus directory always fails.
flakes=0
echo "fuzz.sh: ${#targets[@]} targets, $duration each"
for t in "${targets[@]}"; do
	read -r dir name <<<"$t"
	for try in 1 2; do
		echo "=== fuzz $dir $name ($duration)$( ((try == 2)) && echo ", retry")"
		before=$(corpus "$dir" "$name")
		log=$(mktemp)
		rc=0
		go test -run='^$' -fuzz="^${name}\$" -fuzztime="$duration" ${parallel[@]+"${parallel[@]}"} "$dir" 2>&1 | tee "$log" || rc=$?
		after=$(corpus "$dir" "$name")
		raced=0
		if ((rc != 0)) && [[ $before == "$after" ]] && grep -q '^    context deadline exceeded$' "$log"; then
			raced=1
		fi
		rm -f "$log"
		if ((rc == 0)); then
			break
		fi
		if ((raced == 0)); then
			echo "fuzz.sh: $name in $dir failed; the input is in ${dir}testdata/fuzz/$name/" >&2
			exit 1
		fi
		echo "fuzz.sh: $name in $dir stopped on Go's fuzztime deadline race with no failing input (try $try)" >&2
		if ((try == 2)); then
			flakes=$((flakes + 1))
		fi
	done
done
echo "fuzz.sh: all ${#targets[@]} targets ran $duration without a failing input ($flakes deadline races after a retry)"
