#!/bin/sh
test_description='ping, rpc and output formats against the fleet'
. "$(dirname "$0")/test-lib.sh"

all=$(fleet_range 1 50)

test_expect_success 'ping 50 hosts: every one answers, exit 0' '
	fleet_muster -w "$all" ping >out &&
	test $(grep -c "^node00[0-9][0-9]  *connect=[0-9]* ms  call=[0-9]* ms$" out) -eq 50 &&
	test_grep "Nodes: 50 / 50" out &&
	test_grep "Connect Times: min" out &&
	test_grep "Call Times: min" out
'

test_expect_success 'ping --json: one document, a result per host, counts' '
	fleet_muster -w "$all" ping --json >out.json &&
	jq -e ".results | length == 50" out.json &&
	jq -e "[.results[].status] | unique == [\"ok\"]" out.json &&
	jq -e ".summary.targeted == 50 and .summary.answered == 50 and .summary.ok == 50" out.json &&
	jq -e ".request.agent == \"rpcutil\" and .request.action == \"ping\"" out.json &&
	jq -e "[.results[].host] | unique | length == 50" out.json &&
	jq -e "[.results[] | .data.pong | type] | unique == [\"number\"]" out.json
'

test_expect_success 'ping --jsonl: one line per host, then the summary' '
	fleet_muster -w "$(fleet_range 1 10)" ping --jsonl >out &&
	test $(wc -l <out) -eq 11 &&
	head -n 10 out | jq -e -s "length == 10 and all(.status == \"ok\")" &&
	tail -n 1 out | jq -e ".summary.ok == 10"
'

test_expect_success '--senders prints the hosts that answered, to chain' '
	fleet_muster -w "$(fleet_range 1 5)" ping --senders >out &&
	printf "node0001\nnode0002\nnode0003\nnode0004\nnode0005\n" >expect &&
	test_cmp expect out &&
	fleet_muster -w - ping --senders <out >out2 &&
	test_cmp expect out2
'

test_expect_success '-x removes hosts; -w ^file reads them' '
	fleet_muster -w "$(fleet_range 1 10)" -x "node00[03-09]" ping --senders >out &&
	printf "node0001\nnode0002\nnode0010\n" >expect && test_cmp expect out &&
	printf "node0004\nnode0002 # db\n" >list &&
	fleet_muster -w ^list ping --senders >out &&
	printf "node0002\nnode0004\n" >expect && sort out >sorted &&
	test_cmp expect sorted
'

test_expect_success 'the inventory selects hosts without -w' '
	printf "[web]\nnode000[1-3] role=web\n[db]\nnode0004\n" >inv &&
	fleet_muster -i inv ping --json >out.json &&
	jq -e ".summary.targeted == 4 and .summary.ok == 4" out.json &&
	MUSTER_INVENTORY=$TRASH/inv fleet_muster ping >/dev/null &&
	tail -n 1 "$HOME/.local/state/muster/audit.jsonl" |
	    jq -e ".selection.inventory == \"$TRASH/inv\""
'

test_expect_success 'rpc rpcutil inventory --display all shows facts and classes under their DDL labels' '
	fleet_muster -w node0004 rpc rpcutil inventory --display all >out &&
	test_grep "Identity: node0004" out &&
	test_grep "role=db" out &&
	test_grep "role::db" out &&
	test_grep "os.family=debian" out
'

test_expect_success 'rpc get_fact returns the live fact' '
	fleet_muster -w node0002 rpc rpcutil get_fact fact=role --json >out.json &&
	jq -e ".results[0].data.value == \"web\"" out.json
'

test_expect_success 'each host answers as itself (per-host agent.conf)' '
	fleet_muster -w "$(fleet_range 1 20)" rpc rpcutil inventory --json >out.json &&
	jq -e "all(.results[]; .data.identity == .host)" out.json
'

test_expect_success 'dry run shows targets and the request, sends nothing' '
	before=$(cat "$FLEET_DIR"/hosts/node0001/audit.log 2>/dev/null | wc -l) &&
	fleet_muster -w "$(fleet_range 1 3)" -n rpc rpcutil get_fact fact=role >out &&
	test_grep "dry run: would run rpcutil.get_fact {\"fact\":\"role\"}" out &&
	test_grep "node\[0001-0003\]" out &&
	after=$(cat "$FLEET_DIR"/hosts/node0001/audit.log 2>/dev/null | wc -l) &&
	test "$before" = "$after"
'

test_expect_success 'every run is audited with the reason, on both sides' '
	fleet_muster -w "$(fleet_range 1 3)" --reason "CHG-1234 test" ping >/dev/null &&
	log="$HOME/.local/state/muster/audit.jsonl" &&
	tail -n 1 "$log" | jq -e ".reason == \"CHG-1234 test\" and .action == \"ping\"
	    and (.targets | length) == 3 and .counts.ok == 3 and .exit_code == 0
	    and (.caller | test(\"@\")) and (.id | length) == 32" &&
	id=$(tail -n 1 "$log" | jq -r .id) &&
	grep "$id" "$FLEET_DIR/hosts/node0002/audit.log" >agent.log &&
	test_grep "CHG-1234" agent.log
'

test_expect_success 'MUSTER_REASON is the reason when --reason is absent' '
	MUSTER_REASON="from env" fleet_muster -w node0001 ping --json >out.json &&
	jq -e ".request.reason == \"from env\"" out.json &&
	tail -n 1 "$HOME/.local/state/muster/audit.jsonl" | jq -e ".reason == \"from env\""
'

test_expect_success 'no colour when stdout is not a terminal; always on request' '
	fleet_muster -w node0001 -x node0001 -w node9999 --connect-timeout 2 ping >out || true &&
	test_grep ! "$(printf "\033")" out &&
	TERM=xterm fleet_muster -w node9999 --color=always --connect-timeout 2 ping >out || true &&
	test_grep "$(printf "\033")" out &&
	NO_COLOR=1 TERM=xterm fleet_muster -w node9999 --color=auto ping >out || true &&
	test_grep ! "$(printf "\033")" out
'

test_expect_success 'on a terminal: progress bar on stderr, then erased; colour on' '
	command -v script >/dev/null || exit 0
	TERM=xterm script -qec "$MUSTER --ssh-config $FLEET_DIR/ssh_config \
	    -w $(fleet_range 1 10) -c 2 --display failed ping" /dev/null >tty.out &&
	test_grep " \* \[ [=> ]* \] [0-9]* / 10" tty.out &&
	test_grep "$(printf "\033")\[K" tty.out &&
	test_grep "$(printf "\033")\[1m---- rpcutil ping summary" tty.out
'

test_expect_success 'no progress bar or anything else on stderr off a terminal' '
	fleet_muster -w "$(fleet_range 1 5)" ping >/dev/null 2>err &&
	test ! -s err
'

test_expect_success '-c 1 runs hosts one at a time and still finishes' '
	fleet_muster -w "$(fleet_range 1 5)" -c 1 ping --json >out.json &&
	jq -e ".summary.ok == 5 and .stats.concurrency == 1" out.json
'

test_done
