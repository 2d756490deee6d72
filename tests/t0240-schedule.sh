#!/bin/sh
test_description='scheduling: --batch waves with --batch-sleep, the --max-fail budget, when each host started'
. "$(dirname "$0")/test-lib.sh"

refused=$("$TOOLS/free-port")
{
	printf "Host down1 down2 down3\n\tHostName 127.0.0.1\n\tPort %s\n" "$refused"
	cat "$FLEET_DIR/ssh_config"
} >sched.conf

test_expect_success '--batch 2 --batch-sleep 1: waves of two, each after the last ended and a pause' '
	fleet_muster -w "$(fleet_range 1 6)" --batch 2 --batch-sleep 1 --json \
	    shell "sleep 1" >out.json &&
	jq -r ".results | sort_by(.host) | .[] | \"\(.start_ms) \(.start_ms + .elapsed_ms)\"" \
	    out.json >times &&
	awk "{ start[NR] = \$1; end[NR] = \$2 }
	    END {
		for (w = 3; w <= NR; w++) {
			p = w % 2 ? w - 2 : w - 3
			last = end[p] > end[p + 1] ? end[p] : end[p + 1]
			if (start[w] < last + 1000) {
				print \"host\", w, \"started at\", start[w],
				    \"before the last wave ended (\" last \") + 1 s\"
				bad = 1
			}
		}
		exit bad
	    }" times
'

test_expect_success '--batch 50% of four hosts: two waves of two' '
	fleet_muster -w "$(fleet_range 1 4)" --batch 50% --json shell "sleep 1" >out.json &&
	jq -e "[.results[] | .start_ms] | sort | .[2] >= .[0] + 1000" out.json
'

test_expect_success '--max-fail 1: past two failures nothing new starts, the rest cancelled (exit 3)' '
	test_expect_code 3 "$MUSTER" --ssh-config sched.conf -w "down[1-3],$(fleet_range 1 5)" \
	    -c 1 --max-fail 1 --json ping >out.json &&
	jq -e ".summary.unreachable == 2 and .summary.cancelled == 6" out.json &&
	jq -e "[.results[] | select(.status == \"cancelled\") | .statusmsg] | unique ==
	    [\"not started: 2 hosts failed, more than --max-fail allows (1)\"]" out.json &&
	jq -e "[.results[] | select(.status == \"cancelled\") | .start_ms] | unique == [null]" out.json
'

test_expect_success '--max-fail within budget: every host runs' '
	test_expect_code 3 "$MUSTER" --ssh-config sched.conf -w "down1,$(fleet_range 1 3)" \
	    -c 1 --max-fail 1 --json ping >out.json &&
	jq -e ".summary.ok == 3 and .summary.unreachable == 1 and .summary.cancelled == 0" out.json
'

test_expect_success '--max-fail 0: the first failure stops the run' '
	test_expect_code 3 "$MUSTER" --ssh-config sched.conf -w "down1,$(fleet_range 1 3)" \
	    -c 1 --max-fail 0 --json ping >out.json &&
	jq -e ".summary.unreachable == 1 and .summary.cancelled == 3" out.json
'

test_expect_success 'bad values are one line, exit 64, before anything is sent' '
	for v in x 0 -1 101% 0% 5x; do
		test_expect_code 64 fleet_muster -w node0001 --batch "$v" ping 2>err &&
		test_grep "^muster: --batch needs N or N%" err || exit 1
	done &&
	test_expect_code 64 fleet_muster -w node0001 --max-fail "1.5" ping 2>err &&
	test_grep "^muster: --max-fail needs N or N%" err &&
	test_expect_code 64 fleet_muster -w node0001 --batch-sleep soon ping 2>err &&
	test_grep "batch-sleep" err
'

test_done
