#!/bin/sh
test_description='scale: 300 hosts at the default window all answer, memory stays small'
TEST_OWN_FLEET=1
TEST_FLEET_N=300
. "$(dirname "$0")/test-lib.sh"

test_expect_success '300 hosts, default concurrency: every host answers' '
	fleet_muster -w "$(fleet_range 1 300)" ping --json >out.json &&
	jq -e ".summary.targeted == 300 and .summary.ok == 300" out.json &&
	jq -e "[.results[].host] | unique | length == 300" out.json
'

test_expect_success 'the client stays one process with bounded memory' '
	command -v /usr/bin/time >/dev/null || exit 0
	/usr/bin/time -f "%M" -o rss "$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" \
	    -w "$(fleet_range 1 300)" -c 300 --display none shell "echo hi" >out &&
	test_grep "Nodes: 300 / 300" out &&
	[ -n "${MUSTER_TEST_SANITIZED:-}" ] || test $(tail -n 1 rss) -lt 65536
'

test_done
