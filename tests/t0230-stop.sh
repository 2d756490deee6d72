#!/bin/sh
test_description='stopping for real: when muster gives up on a host (timeout, Ctrl-C), the action stops on the host too'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'a client timeout shorter than the action: the action is stopped' '
	test_expect_code 3 fleet_muster -w "$(fleet_range 1 3)" -t 2 --json \
	    rpc shell run "command=sleep 431 & sleep 432" timeout=120 >out.json &&
	jq -e "[.results[].status] | unique == [\"timeout\"]" out.json &&
	gone "sleep 43[12]"
'

test_expect_success 'Ctrl-C: cancelled, and nothing keeps running on the hosts' '
	"$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" -w "$(fleet_range 4 8)" --json \
	    rpc shell run "command=sleep 433" timeout=120 >out.json &
	pid=$! &&
	n=0 &&
	while [ $(pgrep -fc "sleep 433") -lt 5 ] && [ $n -lt 40 ]; do
		sleep 0.5; n=$((n + 1))
	done &&
	kill -INT $pid &&
	code=0 && wait $pid || code=$? &&
	test $code -eq 130 &&
	jq -e ".summary.cancelled == 5" out.json &&
	gone "sleep 433"
'

test_expect_success 'the agent says why when it ran for no one (its audit line)' '
	tail -n 1 "$FLEET_DIR/hosts/node0004/audit.log" >line &&
	test_grep "action=run" line &&
	test_grep "statuscode=1" line
'

test_done
