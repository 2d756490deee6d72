#!/bin/sh
# run.sh: the test suite as `make check` runs it (make has built everything).
#
# Runs every unit test binary $BUILD/tests/test-* (cmocka, TAP output), then
# brings up one fleet of $TEST_FLEET_N (60) hosts shared by every
# tests/tNNNN-*.sh, runs those in order, each under `timeout 300`, and takes
# the fleet down, also on failure or interruption. The last line is
# "N passed, N failed", summed over unit and integration test cases; the
# exit status is 1 if anything failed. A script or binary that crashes,
# times out or stops before its plan counts as one more failure.
#
# Scratch space is one directory, removed when everything passed; its
# location is printed otherwise.

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
CMOCKA_MESSAGE_OUTPUT=TAP
export BUILD CMOCKA_MESSAGE_OUTPUT
cd "$TOP" || exit 1

RUN=$(mktemp -d "${TMPDIR:-/tmp}/muster-check.XXXXXX") || exit 1
passed=0
failed=0
fleet_up=
tpid=

cleanup()
{
	if [ -n "$fleet_up" ]; then
		sh tests/fleet.sh down "$RUN/fleet"
		fleet_up=
	fi
	# Private fleets of scripts that were killed before their own trap ran.
	for env in "$RUN"/trash/*/fleet/fleet.env; do
		[ -f "$env" ] && sh tests/fleet.sh down "${env%/fleet.env}"
	done
}
trap cleanup EXIT
trap 'interrupted 130' INT
trap 'interrupted 143' TERM HUP

# On a signal, stop the running test first (timeout passes the signal on to
# its whole process group, which the terminal's Ctrl-C does not reach).
interrupted()
{
	[ -n "$tpid" ] && kill -TERM "$tpid" 2>/dev/null
	wait
	exit "$1"
}

# count LOG RC NAME: add LOG's ok / not ok lines to the totals; a non-zero
# RC that no "not ok" explains, or a missing plan, is one more failure.
count()
{
	p=$(grep -c '^ok ' "$1")
	f=$(grep -c '^not ok ' "$1")
	if [ "$2" -eq 124 ] || [ "$2" -eq 137 ]; then
		echo "not ok - $3: timed out after $TEST_TIMEOUT s"
		f=$((f + 1))
	elif [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $3: exited with status $2"
		f=$((f + 1))
	elif ! grep -q '^1\.\.[0-9]' "$1"; then
		echo "not ok - $3: ended before its plan"
		f=$((f + 1))
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

# run LOG COMMAND...: run COMMAND with a time limit, showing its output as
# it comes and keeping it in LOG; the status is in $rc.
run()
{
	log=$1
	shift
	: >"$log"
	timeout -k 10 "$TEST_TIMEOUT" "$@" >"$log" 2>&1 </dev/null &
	tpid=$!
	tail -s 0.1 -n +1 -f --pid="$tpid" "$log" &
	lpid=$!
	wait "$tpid"
	rc=$?
	tpid=
	wait "$lpid"
}

mkdir -p "$RUN/logs" "$RUN/trash"

for t in "$BUILD"/tests/test-*; do
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=${t##*/}
	echo "*** $name ***"
	run "$RUN/logs/$name" "$t"
	count "$RUN/logs/$name" "$rc" "$name"
done

scripts=$(ls tests/t[0-9][0-9][0-9][0-9]-*.sh 2>/dev/null)
if [ -n "$scripts" ]; then
	fleet_up=1
	if sh tests/fleet.sh up "$RUN/fleet" "${TEST_FLEET_N:-60}" \
	    >"$RUN/logs/fleet-up" 2>&1; then
		. "$RUN/fleet/fleet.env"
		MUSTER_FLEET=$RUN/fleet
		TEST_TRASH_ROOT=$RUN/trash
		export MUSTER_FLEET TEST_TRASH_ROOT
		echo "# fleet: $FLEET_N hosts on port $FLEET_PORT in $RUN/fleet"
	else
		cat "$RUN/logs/fleet-up"
		echo "not ok - the test fleet did not start"
		failed=$((failed + 1))
		scripts=
	fi
fi

for t in $scripts; do
	name=${t##*/}
	echo "*** $name ***"
	run "$RUN/logs/${name%.sh}" sh "$t"
	count "$RUN/logs/${name%.sh}" "$rc" "$name"
done

cleanup
if [ "$failed" -eq 0 ]; then
	rm -rf "$RUN"
else
	echo "# logs and scratch directories: $RUN"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
