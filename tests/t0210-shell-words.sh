#!/bin/sh
test_description='rough edges on the fleet: shell words, distinct outputs, ping times, agent and name errors'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'shell uname -a: the words after the command are its own' '
	fleet_muster -w node0001 shell uname -a >out 2>err &&
	test_grep "^Linux " out &&
	fleet_muster -w node0001 shell echo -a --json -- -x >out &&
	test_grep "^-a --json -- -x$" out
'

test_expect_success 'options before the command word still parse, after shell too' '
	fleet_muster shell -w node0001 --json uname -a >out.json &&
	jq -e ".results[0].data.stdout | startswith(\"Linux \")" out.json &&
	fleet_muster -w node0001 shell -- echo -n x y >out &&
	test_grep "^x y$" out
'

test_done
