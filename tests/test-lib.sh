# test-lib.sh: the small library every tests/tNNNN-*.sh sources, after
# git's t/test-lib.sh.
#
#	#!/bin/sh
#	test_description='what this script covers'
#	. "$(dirname "$0")/test-lib.sh"
#
#	test_expect_success 'ping answers' '
#		fleet_muster -w node0001 ping >out &&
#		test_grep node0001 out
#	'
#	test_done
#
# Each body runs in a subshell with `set -e`, in the scratch directory
# $TRASH, so a cd or a variable set in one test does not reach the next:
# keep state in files. The body's exit status decides; its output is shown
# only when it fails (or always with -v, --verbose or TEST_VERBOSE=1).
#
# The environment: TOP (repository), BUILD, MUSTER, AGENT, TOOLS (where
# tests/tools/*.c are built: $TOOLS/hang-listener), TRASH, HOME (in
# TRASH, so audit logs, caches and configs never touch the real home), and
# a fleet described by FLEET_DIR, FLEET_N, FLEET_PORT, FLEET_SSH_CONFIG,
# FLEET_SSH_CONFIG_PLAIN, FLEET_SSH_CONFIG_STRANGER, FLEET_INVENTORY (see
# tests/fleet.sh). With MUSTER_FLEET set (by tests/run.sh) the fleet in that
# directory is shared by all scripts: a script that changes hosts' files
# sets TEST_OWN_FLEET=1 before sourcing this file to get a private fleet of
# ${TEST_FLEET_N:-50} hosts, as does every script run on its own. A script
# that needs no fleet sets TEST_NO_FLEET=1.

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case "$BUILD" in
/*) test_build=$BUILD ;;
*) test_build=$TOP/$BUILD ;;
esac
MUSTER=$test_build/muster
AGENT=$test_build/muster-agent
TOOLS=$test_build/tests
TEST_NAME=$(basename "$0" .sh)
export TOP BUILD MUSTER AGENT TOOLS

case "${1:-}" in
-v|--verbose) TEST_VERBOSE=1 ;;
esac

# A predictable environment: nothing from the caller's muster or ssh setup.
unset NO_COLOR MUSTER_SSH_CONFIG MUSTER_INVENTORY MUSTER_REASON \
    SSH_AUTH_SOCK XDG_CONFIG_HOME XDG_CACHE_HOME XDG_STATE_HOME \
    XDG_DATA_HOME CDPATH
LC_ALL=C
TZ=UTC
TERM=dumb
export LC_ALL TZ TERM
# The agents' DDLs from this tree, whatever is installed.
MUSTER_DDL_PATH=$TOP/ddl
export MUSTER_DDL_PATH
# Nor from the machine's /etc/ssh/ssh_config.
MUSTER_SYSTEM_SSH_CONFIG=none
export MUSTER_SYSTEM_SSH_CONFIG

TRASH=$(mktemp -d "${TEST_TRASH_ROOT:-${TMPDIR:-/tmp}}/muster-$TEST_NAME.XXXXXX") ||
    { echo "Bail out! cannot create a scratch directory"; exit 1; }
HOME=$TRASH/home
mkdir -p "$HOME"
# A warm session of the user running the tests is never used: each test
# has its own runtime directory (and session socket).
XDG_RUNTIME_DIR=$TRASH/run
mkdir -m 700 "$XDG_RUNTIME_DIR"
export TRASH HOME XDG_RUNTIME_DIR

# Names are resolved by a nameserver on loopback that never answers, so no
# test sends a query off this machine and a lookup fails in a second.
printf 'nameserver 127.0.0.1:%s\noptions timeout:0.5 attempts:1 max-timeouts:1\n' \
    "$("$TOOLS/free-port" 2>/dev/null || echo 9)" >"$TRASH/resolv.conf"
MUSTER_RESOLV_CONF=$TRASH/resolv.conf
export MUSTER_RESOLV_CONF

test_count=0
test_failed=0
test_fleet_own=

test_cleanup()
{
	if [ -n "$test_fleet_own" ]; then
		sh "$TOP/tests/fleet.sh" down "$FLEET_DIR"
		test_fleet_own=
	fi
}
trap test_cleanup EXIT
trap 'test_cleanup; exit 130' INT
trap 'test_cleanup; exit 143' TERM HUP

if [ -n "${TEST_NO_FLEET:-}" ]; then
	:
elif [ -n "${MUSTER_FLEET:-}" ] && [ -z "${TEST_OWN_FLEET:-}" ]; then
	. "$MUSTER_FLEET/fleet.env" ||
	    { echo "Bail out! no fleet in $MUSTER_FLEET"; exit 1; }
else
	test_fleet_own=1
	sh "$TOP/tests/fleet.sh" up "$TRASH/fleet" "${TEST_FLEET_N:-50}" \
	    >"$TRASH/fleet-up.log" 2>&1 ||
	    { cat "$TRASH/fleet-up.log"; echo "Bail out! fleet did not start";
	      exit 1; }
	. "$TRASH/fleet/fleet.env"
fi
export FLEET_DIR FLEET_N FLEET_PORT FLEET_SSH_CONFIG FLEET_SSH_CONFIG_PLAIN \
    FLEET_SSH_CONFIG_STRANGER FLEET_INVENTORY 2>/dev/null

cd "$TRASH" || exit 1

# test_expect_success DESCRIPTION BODY
test_expect_success()
{
	test_count=$((test_count + 1))
	(set -e; cd "$TRASH"; eval "$2") >"$TRASH/.out" 2>&1 </dev/null
	test_rc=$?
	if [ "$test_rc" -eq 0 ]; then
		echo "ok $test_count - $1"
		[ -n "${TEST_VERBOSE:-}" ] && sed 's/^/#   /' "$TRASH/.out"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TRASH/.out"
		echo "#   (exit status $test_rc) test body:"
		printf '%s\n' "$2" | sed 's/^/#   /'
	fi
	return 0
}

# test_expect_code CODE COMMAND [ARGS...]: COMMAND must exit with CODE.
test_expect_code()
{
	want=$1
	shift
	# Tested, so that a body's set -e does not end the test here.
	got=0
	"$@" || got=$?
	[ "$got" = "$want" ] && return 0
	echo "test_expect_code: '$*' exited $got, expected $want" >&2
	return 1
}

# test_must_fail COMMAND [ARGS...]: COMMAND must fail, but not by a signal
# or by not being found.
test_must_fail()
{
	got=0
	"$@" || got=$?
	if [ "$got" -eq 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ "$got" -gt 128 ] && [ "$got" -le 192 ]; then
		echo "test_must_fail: '$*' died of signal $((got - 128))" >&2
		return 1
	elif [ "$got" -eq 126 ] || [ "$got" -eq 127 ]; then
		echo "test_must_fail: '$*' could not run ($got)" >&2
		return 1
	fi
	return 0
}

# test_cmp EXPECTED ACTUAL
test_cmp()
{
	diff -u "$1" "$2"
}

# test_must_be_empty FILE: show FILE when it is not empty.
test_must_be_empty()
{
	[ -s "$1" ] || return 0
	echo "test_must_be_empty: $1 is not empty:" >&2
	sed 's/^/| /' "$1" >&2
	return 1
}

# test_grep [!] [GREP-OPTIONS] PATTERN FILE: show FILE when it does not
# (or with !, when it does) match.
test_grep()
{
	neg=
	if [ "$1" = "!" ]; then
		neg=1
		shift
	fi
	file=
	eval "file=\${$#}"
	if [ -n "$neg" ]; then
		grep -q "$@" || return 0
		echo "test_grep: '$*' matched; $file:" >&2
	else
		grep -q "$@" && return 0
		echo "test_grep: '$*' did not match; $file:" >&2
	fi
	sed 's/^/| /' "$file" >&2
	return 1
}

# fleet_muster ARGS...: muster against the fleet, with the fleet key.
fleet_muster()
{
	"$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" "$@"
}

# gone PATTERN: no process matches within ten seconds (on the fleet's
# hosts, that is this machine); those still there are printed.
gone()
{
	n=0
	while pgrep -f "$1" >/dev/null && [ $n -lt 10 ]; do
		sleep 1
		n=$((n + 1))
	done
	! pgrep -fa "$1"
}

# fleet_range FIRST LAST: the host list node[FIRST-LAST], zero-padded.
fleet_range()
{
	printf 'node[%04d-%04d]\n' "$1" "$2"
}

# test_skip_all REASON: skip the whole script (call before any test).
test_skip_all()
{
	echo "1..0 # SKIP $1"
	test_cleanup
	rm -rf "$TRASH"
	exit 0
}

# test_done: the plan and a closing line; the exit status says whether all
# passed. TRASH stays when something failed.
test_done()
{
	echo "1..$test_count"
	echo "# $TEST_NAME: $((test_count - test_failed)) of $test_count ok"
	test_cleanup
	if [ "$test_failed" -eq 0 ]; then
		cd / && rm -rf "$TRASH"
		exit 0
	fi
	echo "# $TEST_NAME: scratch directory kept: $TRASH"
	exit 1
}
