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

test_expect_success 'a missing agent says where muster looked and what to do' '
	test_expect_code 3 "$MUSTER" --ssh-config "$FLEET_DIR/ssh_config.plain" -w node0001 \
	    --agent-path /nonexistent/muster-agent ping >out &&
	test_grep "muster-agent not found at /nonexistent/muster-agent on the host (exit status 127): install it there or set --agent-path / agent_path" out
'

test_expect_success 'a name that does not resolve says no HostName matched' '
	printf "Host other\n\tHostName 127.0.0.1\n" >cfg &&
	test_expect_code 3 "$MUSTER" --ssh-config cfg -w nohost.invalid ping >out &&
	test_grep "cannot resolve .nohost.invalid.: .* (no HostName for it in ssh_config cfg)$" out &&
	printf "Host aliased\n\tHostName nohost.invalid\n" >cfg2 &&
	test_expect_code 3 "$MUSTER" --ssh-config cfg2 -w aliased ping >out &&
	test_grep "cannot resolve .nohost.invalid.: " out &&
	test_grep ! "no HostName" out
'

test_done
