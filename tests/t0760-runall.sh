#!/bin/sh
test_description='puppet runall: a rolling run of real puppet with a cap on concurrent runs'
TEST_OWN_FLEET=1
TEST_FLEET_N=12
. "$(dirname "$0")/test-lib.sh"

all=$(fleet_range 1 12)
sh "$TOP/tests/fleet-agents.sh" up "$FLEET_DIR" 1 12 puppet >agents.log 2>&1 ||
    { cat agents.log; echo "Bail out! puppet hosts"; exit 1; }

hostdir() { printf '%s/hosts/node%04d\n' "$FLEET_DIR" "$1"; }

# sleeps SECONDS FIRST LAST: how long those hosts' runs take.
sleeps()
{
	i=$2
	while [ "$i" -le "$3" ]; do
		echo "$1" >"$(hostdir "$i")/puppet/sleep"
		i=$((i + 1))
	done
}

# forget: no run recorded on any host.
forget()
{
	for h in "$FLEET_DIR"/hosts/node*; do
		rm -f "$h/puppet/runs.log"
	done
}

# overlap FILE...: the most runs.log start-end intervals open at once
# (a run without its end is open till the end of time).
overlap()
{
	for f in "$@"; do
		[ -f "$f" ] || continue
		awk '$1 == "start" { s = $2 } $1 == "end" { print s, "1"; print $2, "-1"; s = "" }
		    END { if (s != "") print s, "1" }' "$f"
	done | sort -n -k1,1 -k2,2n | awk '{ n += $2; if (n > m) m = n } END { print m + 0 }'
}

# runs FILE: how many runs it records, begun and ended.
runs()
{
	grep -c '^end' "$1" 2>/dev/null || echo 0
}

# quiet: no puppet run left on any host (a dropped one goes on), within
# two minutes.
quiet()
{
	n=0
	while pgrep -f "tests/tools/puppet-run $FLEET_DIR" >/dev/null &&
	    [ $n -lt 1200 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	! pgrep -fa "tests/tools/puppet-run $FLEET_DIR"
}

# started FILE: wait (two minutes at most) for a run to begin there.
started()
{
	n=0
	while ! grep -q "^start" "$1" 2>/dev/null && [ $n -lt 1200 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	grep -q "^start" "$1"
}

test_expect_success 'runall 3 over 12 hosts: each runs once, never more than 3 at once' '
	forget &&
	sleeps 1 1 12 && sleeps 2 5 6 &&
	fleet_muster -w "$all" puppet runall 3 >out &&
	test_grep "Nodes: 12 / 12" out &&
	test_grep "Runs Started: 12 of 12 hosts, at most 3 applying at once (cap 3)" out &&
	test_grep "Slot Use: " out &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		test "$(runs "$(hostdir $i)/puppet/runs.log")" -eq 1 || exit 1
	done &&
	test "$(overlap "$FLEET_DIR"/hosts/node*/puppet/runs.log)" -le 3 &&
	test_grep "node0001  *changed [0-9]*, failed 0 of [0-9]* resources" out
'

test_expect_success 'a run begun on a host beforehand counts against the cap' '
	quiet && forget &&
	sleeps 1 1 3 && sleeps 4 1 1 &&
	h1=$(hostdir 1) &&
	( MUSTER_AGENT_CONFIG=$h1/agent.conf; export MUSTER_AGENT_CONFIG;
	  "$TOP/tests/tools/puppet-run" "$h1/puppet" >/dev/null 2>&1 & ) &&
	started "$h1/puppet/runs.log" &&
	fleet_muster -w "$(fleet_range 1 3)" puppet runall 2 >out &&
	test_grep "Nodes: 3 / 3" out &&
	test "$(overlap "$FLEET_DIR"/hosts/node000[1-3]/puppet/runs.log)" -le 2 &&
	test "$(runs "$h1/puppet/runs.log")" -eq 2
'

test_expect_success 'a disabled host is skipped and reported, the others run' '
	quiet && forget &&
	sleeps 1 3 3 &&
	fleet_muster -w node0002 puppet disable "upgrading, ask ops" &&
	fleet_muster -w "node000[2-3]" puppet runall 2 >out &&
	fleet_muster -w node0002 puppet enable &&
	test_grep "node0002  *skipped: puppet is disabled: upgrading, ask ops" out &&
	test ! -e "$(hostdir 2)/puppet/runs.log" &&
	test "$(runs "$(hostdir 3)/puppet/runs.log")" -eq 1
'

test_expect_success 'a run of its own past --run-timeout is dropped; the run ends' '
	quiet && forget &&
	sleeps 300 2 2 &&
	test_expect_code 3 fleet_muster -w node0002 --run-timeout 10 \
	    puppet runall 1 >out &&
	test_grep "node0002  *timeout: still applying after --run-timeout 10 s" out &&
	sh "$TOP/tests/fleet-agents.sh" down "$FLEET_DIR" 2 2 puppet &&
	sh "$TOP/tests/fleet-agents.sh" up "$FLEET_DIR" 2 2 puppet
'

test_expect_success 'a host applying forever (its lock held) is dropped, not waited for' '
	quiet && forget &&
	sleeps 1 4 4 &&
	sleep 600 & echo $! >holder &&
	cat holder >"$(hostdir 3)/puppet/state/agent_catalog_run.lock" &&
	test_expect_code 3 fleet_muster -w "node000[3-4]" --run-timeout 6 \
	    puppet runall 1 >out; rc=$?;
	kill "$(cat holder)"; rm -f "$(hostdir 3)/puppet/state/agent_catalog_run.lock";
	test $rc -eq 0 &&
	test_grep "node0003  *timeout: applying a run of its own for more than --run-timeout 6 s" out &&
	test "$(runs "$(hostdir 4)/puppet/runs.log")" -eq 1
'

test_expect_success 'a host whose ssh session is killed mid-run is reported, not waited for' '
	quiet && forget &&
	sleeps 1 1 1 && sleeps 8 3 3 &&
	{ fleet_muster -w "node000[1,3]" puppet runall 2 >out && echo 0 >rc ||
	    echo $? >rc; } &
	started "$(hostdir 3)/puppet/runs.log" &&
	for p in $(pgrep -f "muster-agent --caller fleet"); do
		if tr "\0" "\n" <"/proc/$p/environ" 2>/dev/null |
		    grep -q "node0003/agent.conf"; then
			kill "$(ps -o ppid= -p "$p")"
		fi
	done &&
	n=0; while [ ! -s rc ] && [ $n -lt 1200 ]; do sleep 0.1; n=$((n + 1)); done &&
	test "$(cat rc)" -eq 3 &&
	test_grep "node0003  *connection lost" out &&
	test_grep "Unreachable: 1   node0003" out &&
	test_grep "node0001  *changed" out
'

test_expect_success 'runall: bad N and bad runonce inputs are one line, exit 64' '
	test_expect_code 64 fleet_muster -w node0001 puppet runall 0 2>err &&
	test_grep "N must be 1 to" err &&
	test_expect_code 64 fleet_muster -w node0001 puppet runall x 2>err &&
	test_expect_code 64 fleet_muster -w node0001 puppet runall 2>err &&
	test_grep "expected N" err &&
	test_expect_code 64 fleet_muster -w node0001 puppet runall 2 --tags "a b" 2>err &&
	test_expect_code 64 fleet_muster -w node0001 puppet status --run-timeout 5 2>err &&
	test_grep "run-timeout is for runall" err &&
	test_expect_code 64 fleet_muster -i "$FLEET_INVENTORY" puppet runall 2 </dev/null 2>err &&
	test_grep "puppet runall would change all 12 hosts of the inventory" err
'

test_done
