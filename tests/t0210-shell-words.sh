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

# A command whose output depends on the host: case on the agent's config.
on_host() {
	printf "case \$MUSTER_AGENT_CONFIG in %s esac" "$1"
}

test_expect_success 'outputs that differ after their first line are told apart' '
	fleet_muster -w "$(fleet_range 1 8)" shell \
	    "$(on_host "*node0005*) printf \"v1\\nB\\n\";; *) printf \"v1\\nA\\n\";;")" >out &&
	grep "Outputs:" out >line &&
	d7=$(sed -n "s/.*7 \* v1 (+1 line, \(#[0-9a-f]*\)) node\[0001-0004,0006-0008\], .*/\1/p" line) &&
	d1=$(sed -n "s/.*, 1 \* v1 (+1 line, \(#[0-9a-f]*\)) node0005$/\1/p" line) &&
	test -n "$d7" && test -n "$d1" && test "$d7" != "$d1" &&
	test_grep "^---- node\[0001-0004,0006-0008\] (7) $d7 ----$" out &&
	test_grep "^---- node0005 (1) $d1 ----$" out
'

test_expect_success 'distinct first lines need no digest; few values all name their hosts' '
	fleet_muster -w "$(fleet_range 1 6)" shell \
	    "$(on_host "*node000[56]*) echo old;; *) printf \"new\\nmore\\nlines\\n\";;")" >out &&
	test_grep "Outputs: 4 \* new (+2 lines) node\[0001-0004\], 2 \* old node\[0005-0006\]$" out &&
	test_grep "^---- node\[0001-0004\] (4) ----$" out
'

test_expect_success 'outputs that differ only in exit code or stderr are told apart' '
	test_expect_code 2 fleet_muster -w "$(fleet_range 1 4)" shell \
	    "echo same; $(on_host "*node0004*) exit 1;;")" >out &&
	grep "Outputs:" out >line &&
	test_grep "3 \* same (#[0-9a-f]*) node\[0001-0003\], 1 \* same (#[0-9a-f]*) node0004$" line
'

test_expect_success 'many distinct outputs: only minorities name their hosts' '
	fleet_muster -w "$(fleet_range 1 8)" shell \
	    "$(on_host "*node000[6-8]*) echo \${MUSTER_AGENT_CONFIG##*node};; *) echo same;;")" >out &&
	test_grep "Outputs: 5 \* same, 1 \* 0006/agent.conf node0006, 1 \* " out
'

test_expect_success 'all outputs distinct: every one names its host, the first too' '
	fleet_muster -w "$(fleet_range 1 5)" shell "echo \$MUSTER_AGENT_CONFIG" >out &&
	grep "Outputs:" out >line &&
	for i in 1 2 3 4 5; do test_grep " node000$i\(,\|$\)" line || exit 1; done
'

test_expect_success 'ping shows connect and call times apart, in --json too' '
	fleet_muster -w "$(fleet_range 1 3)" ping >out &&
	test $(grep -c "^node000[1-3]  *connect=[0-9]* ms  *call=[0-9]* ms$" out) -eq 3 &&
	test_grep "Connect Times: min [0-9]* ms, avg [0-9]* ms, max [0-9]* ms$" out &&
	test_grep "Call Times: min [0-9]* ms, avg [0-9]* ms, max [0-9]* ms$" out &&
	fleet_muster -w "$(fleet_range 1 3)" --json ping >out.json &&
	jq -e "[.results[] | (.connect_ms | type) == \"number\" and
	    (.call_ms | type) == \"number\" and
	    .connect_ms + .call_ms <= .elapsed_ms + 1 and
	    .connect_ms + .call_ms >= .elapsed_ms - 1] | all" out.json
'

test_expect_success 'a host that never had a channel has no connect or call time' '
	port=$("$TOOLS/free-port") &&
	printf "Host refused\n\tHostName 127.0.0.1\n\tPort %s\n" "$port" >refused.conf &&
	test_expect_code 3 "$MUSTER" --ssh-config refused.conf -w refused --json ping >out.json &&
	jq -e ".results[0] | .connect_ms == null and .call_ms == null and
	    (.elapsed_ms | type) == \"number\"" out.json
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
