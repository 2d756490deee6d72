#!/bin/sh
test_description='muster-agent on its own: the request stream, status codes, hostile input'
TEST_NO_FLEET=1
. "$(dirname "$0")/test-lib.sh"

REQ=$TOOLS/mkrequest
DUMP=$TOOLS/msgdump

mkdir facts.d
printf "role=web\n# comment\nenv=prod\n" >facts.d/role.txt
printf "base\nrole::web\n" >classes.txt
cat >agent.conf <<EOC
# test agent
identity = test01
facts_dir = $TRASH/facts.d
classes_file = $TRASH/classes.txt
audit_log = $TRASH/audit.log
EOC
MUSTER_AGENT_CONFIG=$TRASH/agent.conf
export MUSTER_AGENT_CONFIG

test_expect_success 'ping answers with statuscode 0 as the configured identity' '
	"$REQ" rpcutil ping | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 0 and .sender == \"test01\" and .v == 1 and (.data.pong > 0)" out
'

test_expect_success 'requests back to back on one stdin get replies in order' '
	{ "$REQ" -i 11111111111111111111111111111111 rpcutil ping &&
	  "$REQ" -i 22222222222222222222222222222222 rpcutil get_fact fact=role &&
	  "$REQ" -i 33333333333333333333333333333333 shell run command="echo x"; } |
	    "$AGENT" | "$DUMP" >out &&
	test $(wc -l <out) -eq 3 &&
	jq -s -e ".[0].id == \"11111111111111111111111111111111\" and
	    .[1].data.value == \"web\" and .[2].data.stdout == \"x\n\"" out
'

test_expect_success 'a mixed stream: exit 0 and nothing on stderr (sanitizers too)' '
	{ "$REQ" rpcutil ping && "$REQ" rpcutil inventory &&
	  "$REQ" rpcutil agent_inventory && "$REQ" rpcutil get_fact fact=nosuch &&
	  "$REQ" nosuch thing && "$REQ" shell run command="echo x; echo y >&2"; } >reqs &&
	"$AGENT" <reqs >raw 2>err &&
	test ! -s err &&
	"$DUMP" <raw >out &&
	test $(wc -l <out) -eq 6
'

test_expect_success 'empty input: no reply, exit 0' '
	"$AGENT" </dev/null >out &&
	test ! -s out
'

test_expect_success 'inventory: built-in and external facts, classes, agents' '
	"$REQ" rpcutil inventory | "$AGENT" | "$DUMP" >out &&
	jq -e ".data.facts.role == \"web\" and .data.facts.env == \"prod\" and
	    .data.facts.identity == \"test01\" and (.data.facts[\"os.family\"] | length > 0) and
	    .data.classes == [\"base\", \"role::web\"] and (.data.agents | index(\"shell\"))" out
'

test_expect_success 'unknown agent or action is status 2' '
	"$REQ" nosuch ping | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 2" out &&
	"$REQ" rpcutil nosuch | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 2" out
'

test_expect_success 'an undeclared input is status 4, checked before the action runs' '
	"$REQ" rpcutil ping extra=1 | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 4 and (.statusmsg | test(\"extra\"))" out &&
	"$REQ" shell run command="touch $TRASH/ran" also=x | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 4 and (.statusmsg | test(\"also\"))" out &&
	test ! -e ran &&
	"$REQ" shell run command="touch $TRASH/ran" timeout:=0 | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 4 and (.statusmsg | test(\"timeout\"))" out &&
	test ! -e ran
'

test_expect_success 'missing input is status 3, wrong type status 4' '
	"$REQ" rpcutil get_fact | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 3 and (.statusmsg | test(\"fact\"))" out &&
	"$REQ" rpcutil get_fact fact:=7 | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 4" out &&
	"$REQ" shell run command=true timeout=soon | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 4" out
'

test_expect_success 'a request of another protocol version is refused' '
	"$REQ" -V 9 rpcutil ping | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 4 and (.statusmsg | test(\"version\"))" out
'

test_expect_success 'garbage input: one error reply (status 4), exit 1, no crash' '
	code=0 && printf "\301\301garbage" | "$AGENT" >raw || code=$? &&
	test $code -eq 1 &&
	"$DUMP" <raw >out &&
	jq -e ".statuscode == 4" out
'

test_expect_success 'a request over 1 MiB is refused without reading it all into a reply' '
	code=0 &&
	{ printf "\333\000\040\000\000"; head -c 2200000 /dev/zero; } | "$AGENT" >raw || code=$? &&
	test $code -eq 1 &&
	"$DUMP" <raw >out &&
	jq -e ".statuscode == 4" out
'

test_expect_success 'truncated request at end of input: an error, not a hang' '
	"$REQ" rpcutil ping | head -c 20 >part &&
	code=0 && timeout 10 "$AGENT" <part >raw || code=$? &&
	test $code -ne 124
'

test_expect_success 'shell run: exit code, stderr, and a timeout kills the group' '
	"$REQ" shell run command="echo e >&2; exit 3" | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 1 and .data.exitcode == 3 and .data.stderr == \"e\n\"" out &&
	"$REQ" shell run command="sleep 37 & sleep 38" timeout:=1 | "$AGENT" | "$DUMP" >out &&
	jq -e ".timed_out == true and .statuscode == 1" out &&
	sleep 0.5 && ! pgrep -f "^sleep 3[78]\$"
'

test_expect_success 'shell output past output_max is truncated, memory bounded' '
	printf "output_max = 1000\n" >>agent.conf &&
	"$REQ" shell run command="head -c 50000000 /dev/zero" | "$AGENT" | "$DUMP" >out &&
	jq -e ".data.truncated == true and (.data.stdout | length) == 1000" out
'

test_expect_success 'arguments reach the command intact (no second shell)' '
	"$REQ" shell run command="printf %s \"\$(echo \"a;b\")\"" | "$AGENT" | "$DUMP" >out &&
	jq -e ".data.stdout == \"a;b\"" out
'

test_expect_success 'every request is audited with caller and reason' '
	"$REQ" -c alice@admin -r "CHG-9" rpcutil ping | "$AGENT" >/dev/null &&
	tail -n 1 audit.log >line &&
	test_grep "alice@admin" line && test_grep "CHG-9" line && test_grep "ping" line
'

test_expect_success '--caller (forced command) overrides the claimed caller' '
	"$REQ" -c mallory@evil rpcutil ping | "$AGENT" --caller fleetkey >/dev/null &&
	tail -n 1 audit.log | test_grep "fleetkey" -
'

test_expect_success 'an unknown key in agent.conf is reported in every reply' '
	printf "identity = x\ncolour = red\n" >bad.conf &&
	"$REQ" rpcutil ping | MUSTER_AGENT_CONFIG=$TRASH/bad.conf "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 5 and (.statusmsg | test(\"bad.conf:2\"))" out
'

test_done
