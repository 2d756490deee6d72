#!/bin/sh
test_description='results from the DDL: aggregates with minorities, --expect drift checks, the sinks, and the question before a changing action hits a whole inventory'
. "$(dirname "$0")/test-lib.sh"

hosts=$(fleet_range 1 8)

test_expect_success 'a summary aggregate names the minority value and its hosts' '
	fleet_muster -w "$hosts" rpc rpcutil get_fact fact=role --display none >out &&
	test_grep "^ *Value: 6 \* web, 2 \* db node\[0004,0008\]$" out
'

test_expect_success 'the same aggregate in --json, with its minority' '
	fleet_muster -w "$hosts" rpc rpcutil get_fact fact=role --json >out.json &&
	jq -e ".summary.aggregates[0] | .function == \"summary\" and
	    .output == \"value\" and .label == \"Value\" and
	    .values == {\"web\": 6, \"db\": 2} and
	    .minority == {\"db\": \"node[0004,0008]\"}" out.json
'

test_expect_success 'reply fields are labelled by display_as' '
	fleet_muster -w node0001 rpc rpcutil get_fact fact=role --display all >out &&
	test_grep "^node0001 *Fact: role, Value: web$" out
'

test_expect_success 'a host whose data does not fit one line gets the block form' '
	fleet_muster -w node0001 rpc rpcutil inventory >out &&
	test_grep "^node0001$" out &&
	test_grep "^ *Identity: node0001$" out &&
	test_grep "^ *Classes: base, role::web$" out
'

test_expect_success 'a user DDL overriding the shipped one gives its labels' '
	mkdir -p "$HOME/.config/muster/ddl" &&
	jq ".actions |= map(if .action == \"get_fact\" then
	    .output.value.display_as = \"Fact Value\" else . end)" \
	    "$TOP/ddl/rpcutil.json" >"$HOME/.config/muster/ddl/rpcutil.json" &&
	fleet_muster -w "$hosts" rpc rpcutil get_fact fact=role >out &&
	rm -r "$HOME/.config/muster/ddl" &&
	test_grep "^node0001 *Fact: role, Fact Value: web$" out &&
	test_grep "^ *Fact Value: 6 \* web, 2 \* db node\[0004,0008\]$" out
'

test_expect_success '--expect fails the hosts that differ, naming field and values: exit 2' '
	test_expect_code 2 fleet_muster -w "$hosts" rpc rpcutil get_fact fact=role \
	    --expect value=web >out &&
	test_grep "^node0004 *expected value=web, got db$" out &&
	test_grep "^ *Failed: 2   node\[0004,0008\]$" out
'

test_expect_success '--expect in --json and --jsonl: the differing hosts are failed' '
	test_expect_code 2 fleet_muster -w "$hosts" rpc rpcutil get_fact fact=role \
	    --expect value=web --json >out.json &&
	jq -e "[.results[] | select(.status == \"failed\") | .host] ==
	    [\"node0004\", \"node0008\"] and .summary.exit_code == 2" out.json &&
	test_expect_code 2 fleet_muster -w "$hosts" rpc rpcutil get_fact fact=role \
	    --expect value=web --jsonl >out.jsonl &&
	test $(grep -c "\"status\":\"failed\"" out.jsonl) -eq 2 &&
	tail -n 1 out.jsonl | jq -e ".summary.failed == 2"
'

test_expect_success '--expect when every host matches: exit 0' '
	fleet_muster -w "node[0001-0003]" rpc rpcutil get_fact fact=role \
	    --expect value=web --expect fact=role >out
'

test_expect_success '--expect is typed by the DDL: an integer output wants an integer' '
	test_expect_code 64 fleet_muster -w node0001 rpc rpcutil ping \
	    --expect pong=soon 2>err &&
	test_grep "pong=soon: .pong. is integer output, the value must be an integer" err &&
	test_expect_code 2 fleet_muster -w node0001 rpc rpcutil ping --expect pong=1 >out &&
	test_grep "expected pong=1, got [0-9]" out
'

test_expect_success '--expect of an output the action lacks: one line, exit 64, nothing sent' '
	test_expect_code 64 fleet_muster -w node0001 rpc rpcutil get_fact fact=role \
	    --expect valu=web 2>err &&
	test_grep "has no output .valu. (outputs: fact, value)" err &&
	test $(wc -l <err) -eq 1 &&
	test_expect_code 64 fleet_muster -w node0001 rpc rpcutil ping --expect =x 2>err &&
	test_grep "FIELD=VALUE" err
'

# A DDL for an agent whose action changes hosts (the agent does not
# exist on the hosts: they answer Unknown Action, which is enough here).
mkdir -p ddl &&
cat >ddl/fleetsvc.json <<'EOD'
{
  "metadata": {"name": "fleetsvc", "description": "test", "version": "1.0", "timeout": 10},
  "actions": [
    {"action": "restart", "description": "restart", "display": "failed",
     "input": {}, "output": {}}
  ]
}
EOD

test_expect_success 'a changing action on the whole inventory is refused off a terminal' '
	before=$(cat "$FLEET_DIR"/hosts/node*/audit.log 2>/dev/null | wc -l) &&
	test_expect_code 64 env MUSTER_DDL_PATH="$TRASH/ddl" \
	    "$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" -i "$FLEET_INVENTORY" \
	    rpc fleetsvc restart </dev/null 2>err &&
	test_grep "fleetsvc restart would change all $FLEET_N hosts of the inventory" err &&
	test_grep "with --yes" err &&
	after=$(cat "$FLEET_DIR"/hosts/node*/audit.log 2>/dev/null | wc -l) &&
	test "$before" -eq "$after"
'

test_expect_success 'with -w, or --yes, it runs' '
	test_expect_code 2 env MUSTER_DDL_PATH="$TRASH/ddl" \
	    "$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" -i "$FLEET_INVENTORY" \
	    -w node0001 rpc fleetsvc restart </dev/null >out &&
	test_grep "Unknown Action" out &&
	test_expect_code 2 env MUSTER_DDL_PATH="$TRASH/ddl" \
	    "$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" -i "$FLEET_INVENTORY" \
	    --yes rpc fleetsvc restart --json </dev/null >out.json &&
	jq -e ".summary.targeted == $FLEET_N and .summary.failed == $FLEET_N" out.json
'

test_expect_success 'on a terminal it asks; no runs nothing, y runs' '
	before=$(cat "$FLEET_DIR"/hosts/node*/audit.log 2>/dev/null | wc -l) &&
	cmd="env MUSTER_DDL_PATH=$TRASH/ddl $MUSTER --ssh-config $FLEET_DIR/ssh_config -i $FLEET_INVENTORY rpc fleetsvc restart --display none" &&
	{ sleep 1; printf "n\r"; sleep 1; } | test_expect_code 64 script -qec "$cmd" /dev/null >out &&
	test_grep "Run fleetsvc restart on all $FLEET_N hosts of the inventory? \[y/N\]" out &&
	test_grep "not confirmed; nothing was run" out &&
	after=$(cat "$FLEET_DIR"/hosts/node*/audit.log 2>/dev/null | wc -l) &&
	test "$before" -eq "$after" &&
	{ sleep 1; printf "y\r"; sleep 5; } | test_expect_code 2 script -qec "$cmd" /dev/null >out &&
	test_grep "Failed: $FLEET_N " out
'

test_expect_success 'queries on the whole inventory never ask' '
	"$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" -i "$FLEET_INVENTORY" \
	    rpc rpcutil ping --display none </dev/null >out
'

test_done
