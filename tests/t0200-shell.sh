#!/bin/sh
test_description='shell: folded outputs, exit codes, timeouts'
. "$(dirname "$0")/test-lib.sh"

all=$(fleet_range 1 50)

test_expect_success 'identical outputs fold into one block' '
	fleet_muster -w "$all" shell "uname -s; echo same" >out &&
	test_grep "^---- node\[0001-0050\] (50) ----$" out &&
	test $(grep -c "^Linux$" out) -eq 1 &&
	test_grep "Exit Codes: 50 \* 0" out
'

test_expect_success 'a minority output is its own block, named in the summary' '
	fleet_muster -w "$(fleet_range 1 8)" shell \
	    "case \$MUSTER_AGENT_CONFIG in *node0005*) echo 5.8-1;; *) echo 5.9-4;; esac" >out &&
	test_grep "^---- node\[0001-0004,0006-0008\] (7) ----$" out &&
	test_grep "^---- node0005 (1) ----$" out &&
	test_grep "^5.8-1$" out &&
	test_grep "Outputs: 7 \* 5.9-4 node\[0001-0004,0006-0008\], 1 \* 5.8-1 node0005$" out
'

test_expect_success 'a non-zero exit is a failed host: exit 2, code shown' '
	test_expect_code 2 fleet_muster -w "$(fleet_range 1 6)" shell \
	    "case \$MUSTER_AGENT_CONFIG in *node000[56]*) echo bad >&2; exit 3;; esac; echo fine" >out &&
	test_grep "^---- node\[0005-0006\] (2) exit code 3 ----$" out &&
	test_grep "^bad$" out &&
	test_grep "Failed: 2   node\[0005-0006\]" out &&
	test_grep "Exit Codes: 4 \* 0, 2 \* 3 node\[0005-0006\]" out
'

test_expect_success 'stdout, stderr and the exit code are in --json' '
	test_expect_code 2 fleet_muster -w node0001 --json shell "echo out; echo err >&2; exit 7" >out.json &&
	jq -e ".results[0] | .status == \"failed\" and .statuscode == 1 and
	    .data.stdout == \"out\n\" and .data.stderr == \"err\n\" and .data.exitcode == 7" out.json
'

test_expect_success 'invalid UTF-8 in output still gives valid JSON' '
	fleet_muster -w node0001 --json shell "printf \"\\377\\376ok\"" >out.json &&
	jq -e ".results[0].data.stdout | endswith(\"ok\")" out.json
'

test_expect_success 'terminal escapes from a host are neutralised in the table' '
	fleet_muster -w node0001 shell "printf \"a\\033]0;pwned\\007b\\033[2Jc\\n\"" >out &&
	test_grep ! "$(printf "\033")" out &&
	test_grep "^a?\]0;pwned?b?\[2Jc$" out &&
	fleet_muster -w node0001 --json shell "printf \"\\033[2J\"" >out.json &&
	jq -e ".results[0].data.stdout == \"\\u001b[2J\"" out.json
'

test_expect_success 'the command runs through /bin/sh on the host, quoting intact' '
	fleet_muster -w node0001 shell "printf \"%s|\" \"a b\" \"c;d\" \"\$(echo e)\"" >out &&
	test_grep "^a b|c;d|e|$" out
'

test_expect_success 'an action past -t ends as timeout (exit 3), process group killed' '
	start=$(date +%s) &&
	test_expect_code 3 fleet_muster -w "$(fleet_range 1 3)" -t 2 --json shell \
	    "sleep 41 & sleep 42; echo never" >out.json &&
	end=$(date +%s) &&
	test $((end - start)) -le 8 &&
	jq -e "[.results[].status] | unique == [\"timeout\"]" out.json &&
	# The agent kills the group at its own timeout, which starts a little
	# after the client'"'"'s on a loaded machine: give it a few seconds.
	n=0 &&
	while pgrep -f "sleep 4[12]" >/dev/null && [ $n -lt 10 ]; do
		sleep 1; n=$((n + 1))
	done &&
	if pgrep -f "sleep 4[12]" >left; then
		ps -o pid,ppid,pgid,sid,etime,args -p "$(paste -sd, left)"
		false
	fi
'

test_expect_success 'large output is kept whole up to the limit' '
	fleet_muster -w node0001 --json shell "head -c 300000 /dev/zero | tr \"\\0\" x" >out.json &&
	jq -e ".results[0].data.stdout | length == 300000" out.json
'

test_expect_success 'an empty command is refused before connecting' '
	test_expect_code 64 fleet_muster -w node0001 shell "" 2>err &&
	test_grep "empty" err &&
	test_expect_code 64 fleet_muster -w node0001 shell 2>err &&
	test_grep "empty" err
'

test_expect_success 'several words are joined as ssh does; -- protects options' '
	fleet_muster -w node0001 shell -- echo -n a b >out &&
	test_grep "^a b$" out
'

test_expect_success '--display failed hides identical successes' '
	fleet_muster -w "$(fleet_range 1 4)" --display failed shell "echo hi" >out &&
	test_grep ! "^hi$" out &&
	test_grep "Nodes: 4 / 4" out
'

test_done
