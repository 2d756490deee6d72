#!/bin/sh
test_description='authorization: the hosts'"'"' policies decide who may run what'
TEST_OWN_FLEET=1
TEST_FLEET_N=8
. "$(dirname "$0")/test-lib.sh"

# node0004 and node0008 are role=db with class role::db, the others web.
all=$(fleet_range 1 8)
me=$(id -un)

# pol AGENT TEXT: the same AGENT.policy on every host (printf's format).
pol()
{
	for h in "$FLEET_DIR"/hosts/node000[1-8]; do
		mkdir -p "$h/policy" &&
		printf "$2" >"$h/policy/$1.policy" || return 1
	done
}

# nopol: no policy file on any host.
nopol()
{
	rm -rf "$FLEET_DIR"/hosts/node000[1-8]/policy
}

# nodefault: the fleet's "policy_default = allow" removed everywhere.
nodefault()
{
	sed -i '/^policy_default/d' "$FLEET_DIR"/hosts/node000[1-8]/agent.conf
}

# plain ARGS...: muster with the plain key, a full login (which runs the
# agent muster names, not a forced command).
plain()
{
	"$MUSTER" --ssh-config "$FLEET_SSH_CONFIG_PLAIN" --agent-path "$AGENT" "$@"
}

# hosts FILE STATUS: the hosts of a --json run with that status, folded.
hosts()
{
	jq -r ".results[] | select(.status == \"$2\") | .host" "$1" |
	    sort | tr '\n' ' '
}

test_expect_success 'no policy, policy_default allow: the fleet key runs shell' '
	fleet_muster -w "$all" --json shell true >out.json &&
	jq -e "all(.results[]; .status == \"ok\")" out.json
'

test_expect_success 'no policy and no policy_default: a forced-command key runs rpcutil only' '
	nodefault &&
	test_expect_code 2 fleet_muster -w "$all" --json shell touch "$TRASH/ran" >out.json &&
	test ! -e ran &&
	jq -e "all(.results[]; .status == \"failed\" and .statuscode == 1 and
	    (.statusmsg | test(\"caller fleet has a forced-command key and no shell.policy\")))" out.json &&
	fleet_muster -w "$all" ping >out &&
	test_grep "Nodes: 8 / 8" out
'

test_expect_success 'no policy and no policy_default: a full login runs anything' '
	plain -w node0001 shell touch "$TRASH/ran-plain" &&
	test -e ran-plain
'

test_expect_success 'the fleet key runs the agent and nothing else over ssh' '
	ssh -F "$FLEET_DIR/ssh_config" node0001 id >out 2>&1 </dev/null || : &&
	test_must_fail grep "uid=" out
'

test_expect_success 'first match wins, per action, fact and class; default deny' '
	pol rpcutil "policy default deny\nallow  fleet  ping  role=web  *\nallow  fleet  get_fact  *  role::db\ndeny  fleet  inventory  *  *\nallow  fleet  inventory  *  *\n" &&
	test_expect_code 2 fleet_muster -w "$all" --json ping >out.json &&
	test "$(hosts out.json ok)" = "node0001 node0002 node0003 node0005 node0006 node0007 " &&
	test "$(hosts out.json failed)" = "node0004 node0008 " &&
	jq -e "all(.results[] | select(.status == \"failed\");
	    .statusmsg == \"denied by policy rpcutil.policy line 1\")" out.json &&
	test_expect_code 2 fleet_muster -w "$all" --json rpc rpcutil get_fact fact=role >out.json &&
	test "$(hosts out.json ok)" = "node0004 node0008 " &&
	test_expect_code 2 fleet_muster -w "$all" --json rpc rpcutil inventory >out.json &&
	jq -e "all(.results[]; .statusmsg == \"denied by policy rpcutil.policy line 4\")" out.json
'

test_expect_success 'callers: several names, and the full login is its Unix user' '
	pol rpcutil "policy default deny\nallow  ops $me  ping  *  *\n" &&
	plain -w "$all" ping >out &&
	test_grep "Nodes: 8 / 8" out &&
	test_expect_code 2 fleet_muster -w node0001 --json ping >out.json &&
	jq -e ".results[0].statusmsg == \"denied by policy rpcutil.policy line 1\"" out.json &&
	pol rpcutil "allow fleet ping * *\n" &&
	fleet_muster -w node0001 ping &&
	test_expect_code 2 fleet_muster -w node0001 rpc rpcutil inventory >out &&
	test_grep "no rule matched and no .policy default." out
'

test_expect_success 'default allow with a deny rule: denied hosts run nothing, and are audited' '
	nopol &&
	pol rpcutil "policy default allow\n" &&
	pol shell "policy default allow\ndeny\tfleet\trun\trole=db\n" &&
	rm -f ran.* &&
	test_expect_code 2 fleet_muster -w "$all" --reason CHG-7 --json \
	    shell touch "$TRASH/ran.\$\$" >out.json &&
	test "$(hosts out.json failed)" = "node0004 node0008 " &&
	test "$(ls ran.* | wc -l)" -eq 6 &&
	tail -n 1 "$FLEET_DIR/hosts/node0004/audit.log" >line &&
	test_grep "caller=fleet" line &&
	test_grep "reason=CHG-7" line &&
	test_grep "action=run" line &&
	test_grep "touch" line &&
	test_grep "policy=\"deny shell.policy:2\"" line &&
	test_grep "statuscode=1" line &&
	tail -n 1 "$FLEET_DIR/hosts/node0001/audit.log" | test_grep "policy=\"allow shell.policy:1\"" -
'

test_expect_success 'a malformed policy denies every action of its agent, naming file and line' '
	pol shell "policy default allow\n\nallow fleet\n" &&
	test_expect_code 2 fleet_muster -w node0001 --json shell touch "$TRASH/ran-bad" >out.json &&
	test ! -e ran-bad &&
	jq -e ".results[0].statusmsg | test(\"denied: policy .*/node0001/policy/shell.policy line 3: expected CALLERS\")" out.json &&
	fleet_muster -w node0001 ping
'

test_expect_success 'a policy that is not a file denies; so does a bad policy_default' '
	nopol &&
	mkdir -p "$FLEET_DIR/hosts/node0001/policy/shell.policy" &&
	test_expect_code 2 fleet_muster -w node0001 shell true >out &&
	test_grep "not a regular file" out &&
	nopol &&
	cp "$FLEET_DIR/hosts/node0002/agent.conf" conf.saved &&
	echo "policy_default = maybe" >>"$FLEET_DIR/hosts/node0002/agent.conf" &&
	test_expect_code 2 fleet_muster -w node0002 ping >out &&
	test_grep "policy_default must be allow or deny" out &&
	cp conf.saved "$FLEET_DIR/hosts/node0002/agent.conf"
'

test_expect_success 'policy check: each host says allow or deny, and agrees with a real run' '
	nopol &&
	pol shell "policy default deny\nallow  fleet ops  run  role=web  *\n" &&
	fleet_muster -w "$all" policy check fleet shell run >out &&
	test_grep "Decision: 6 \* allow, 2 \* deny node\[0004,0008\]" out &&
	test_grep "denied by policy shell.policy line 1" out &&
	fleet_muster -w "$all" --json policy check fleet shell run >check.json &&
	jq -r ".results[] | select(.data.decision == \"allow\") | .host" check.json |
	    sort | tr "\n" " " >allowed &&
	test_expect_code 2 fleet_muster -w "$all" --json shell true >run.json &&
	test "$(hosts run.json ok)" = "$(cat allowed)" &&
	test_expect_code 2 fleet_muster -w "$all" --expect decision=allow \
	    policy check ops shell run >out &&
	test_grep "node0004" out
'

test_expect_success 'policy check: bad names are one line and exit 64' '
	test_expect_code 64 fleet_muster -w node0001 policy check "a b" shell run 2>err &&
	test_grep "not a caller name" err &&
	test_expect_code 64 fleet_muster -w node0001 policy check ops shel run 2>err &&
	test_grep "no agent .shel." err &&
	test_expect_code 64 fleet_muster -w node0001 policy check ops shell walk 2>err &&
	test_grep "no action .walk." err &&
	test_expect_code 64 fleet_muster -w node0001 policy ops 2>err &&
	test_grep "expected check CALLER AGENT ACTION" err
'

test_expect_success 'policy check is itself an rpcutil action the policy may deny' '
	pol rpcutil "policy default deny\nallow  fleet  ping  *  *\n" &&
	test_expect_code 2 fleet_muster -w node0001 policy check fleet shell run >out &&
	test_grep "denied by policy rpcutil.policy line 1" out
'

test_done
