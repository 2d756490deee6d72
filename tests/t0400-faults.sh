#!/bin/sh
test_description='faults: every targeted host ends with a definitive status'
. "$(dirname "$0")/test-lib.sh"

port=$("$TOOLS/free-port")
hang=$("$TOOLS/free-port")
"$TOOLS/hang-listener" 127.0.0.1 "$hang" 120 >hang.out &
hang_pid=$!
trap 'kill $hang_pid 2>/dev/null; test_cleanup' EXIT

# A second host key: what a host presents after it was reinstalled.
ssh-keygen -q -t ed25519 -N "" -f otherkey
fleet_addr() {
	awk -v h="$1" '$1 == "Host" { on = ($2 == h) } on && $1 == "HostName" { print $2; exit }' \
	    "$FLEET_DIR/ssh_config"
}
printf "[%s]:%s %s\n" "$(fleet_addr node0003)" "$FLEET_PORT" \
    "$(cut -d" " -f1,2 otherkey.pub)" >bad_known_hosts

# Faulty aliases first: for each keyword the first value obtained wins.
cat >faults.conf <<EOC
Host refused1 refused2
	HostName 127.0.0.1
	Port $port
Host hung1
	HostName 127.0.0.1
	Port $hang
	ConnectTimeout 2
Host node0003
	UserKnownHostsFile $TRASH/bad_known_hosts
Host stranger1
	HostName $(fleet_addr node0004)
	Port $FLEET_PORT
	IdentityFile $FLEET_DIR/keys/stranger
Host ghost
	HostName ghost.invalid
Host *
	User $(id -un)
	IdentityAgent none
	IdentitiesOnly yes
	UserKnownHostsFile $FLEET_DIR/known_hosts
Host * !stranger1
	IdentityFile $FLEET_DIR/keys/fleet
Include $FLEET_DIR/ssh_config
EOC

test_expect_success 'a port with no listener is unreachable' '
	test_expect_code 3 "$MUSTER" --ssh-config faults.conf -w refused1 ping --json >out.json &&
	jq -e ".results[0].status == \"unreachable\" and (.results[0].statusmsg | test(\"refused\"))" out.json
'

test_expect_success 'a listener that never speaks times out within connect timeout + 1 s' '
	start=$(date +%s) &&
	test_expect_code 3 "$MUSTER" --ssh-config faults.conf -w hung1 ping --json >out.json &&
	end=$(date +%s) &&
	test $((end - start)) -le 3 &&
	jq -e ".results[0].status == \"timeout\"" out.json
'

test_expect_success 'ConnectTimeout from ssh_config is honoured' '
	printf "Host hung1\n\tConnectTimeout 1\n" >ct.conf && cat faults.conf >>ct.conf &&
	start=$(date +%s) &&
	test_expect_code 3 "$MUSTER" --ssh-config ct.conf -w hung1 ping >/dev/null &&
	end=$(date +%s) &&
	test $((end - start)) -le 2
'

test_expect_success 'a changed host key is hostkey and nothing runs' '
	rm -f "$TRASH/ran" &&
	test_expect_code 3 "$MUSTER" --ssh-config faults.conf -w node0003 \
	    --json shell "touch $TRASH/ran" >out.json &&
	jq -e ".results[0].status == \"hostkey\" and (.results[0].statusmsg | test(\"changed\"))" out.json &&
	test ! -e "$TRASH/ran"
'

test_expect_success 'an unknown host key is hostkey under strict checking' '
	: >empty_known &&
	printf "Host node0001\n\tUserKnownHostsFile $TRASH/empty_known\n" >unk.conf &&
	cat faults.conf >>unk.conf &&
	test_expect_code 3 "$MUSTER" --ssh-config unk.conf -w node0001 ping --json >out.json &&
	jq -e ".results[0].status == \"hostkey\"" out.json
'

test_expect_success 'accept-new records an unknown key, then matches it' '
	: >new_known &&
	printf "Host node0001\n\tUserKnownHostsFile $TRASH/new_known\n\tStrictHostKeyChecking accept-new\n" >an.conf &&
	cat faults.conf >>an.conf &&
	"$MUSTER" --ssh-config an.conf -w node0001 ping >/dev/null &&
	test $(wc -l <new_known) -eq 1 &&
	"$MUSTER" --ssh-config an.conf -w node0001 ping >/dev/null &&
	test $(wc -l <new_known) -eq 1 &&
	printf "Host node0001\n\tUserKnownHostsFile $TRASH/bad_known_hosts\n\tStrictHostKeyChecking accept-new\n" >an2.conf &&
	cat faults.conf >>an2.conf &&
	test_expect_code 3 "$MUSTER" --ssh-config an2.conf -w node0003 ping >/dev/null
'

test_expect_success 'an unauthorised key is auth' '
	test_expect_code 3 "$MUSTER" --ssh-config faults.conf -w stranger1 ping --json >out.json &&
	jq -e ".results[0].status == \"auth\"" out.json &&
	test_expect_code 3 "$MUSTER" --ssh-config "$FLEET_SSH_CONFIG_STRANGER" -w node0004 ping >out &&
	test_grep "Auth Failed: 1   node0004" out
'

test_expect_success 'a name that does not resolve is unreachable' '
	test_expect_code 3 "$MUSTER" --ssh-config faults.conf -w ghost ping --json >out.json 2>err &&
	jq -e ".results[0].status == \"unreachable\"" out.json &&
	jq -e ".results[0].statusmsg | test(\"cannot resolve\")" out.json &&
	test_must_be_empty err
'

test_expect_success 'the resolver speaks through muster'"'"'s log, behind -v' '
	test_expect_code 3 "$MUSTER" -v --ssh-config faults.conf -w ghost ping >out 2>err &&
	test_grep "^muster: .*libevent: Nameserver 127.0.0.1:[0-9]* has failed" err &&
	test_grep ! "^\[" err
'

test_expect_success 'a resolver configuration with no nameserver says so' '
	echo "# nothing" >empty.resolv &&
	test_expect_code 3 env MUSTER_RESOLV_CONF=$TRASH/empty.resolv "$MUSTER" \
	    --ssh-config faults.conf -w ghost ping >out &&
	test_grep "no DNS configuration ($TRASH/empty.resolv)" out
'

plain() { "$MUSTER" --ssh-config "$FLEET_DIR/ssh_config.plain" "$@"; }

test_expect_success 'a missing muster-agent is agent, with the shell message' '
	test_expect_code 3 plain -w node0001 --agent-path /nonexistent/muster-agent ping --json >out.json &&
	jq -e ".results[0].status == \"agent\" and (.results[0].statusmsg | test(\"exit status 127\"))" out.json
'

test_expect_success 'an agent that crashes without a reply is agent' '
	test_expect_code 3 plain -w node0001 --agent-path "$TOP/tests/tools/crash-agent" ping --json >out.json &&
	jq -e ".results[0].status == \"agent\" and (.results[0].statusmsg | test(\"SIGSEGV\"))" out.json
'

test_expect_success 'an agent that says nothing is agent' '
	test_expect_code 3 plain -w node0001 --agent-path "$TOP/tests/tools/silent-agent" ping --json >out.json &&
	jq -e ".results[0].status == \"agent\"" out.json
'

test_expect_success 'an agent that answers garbage is agent' '
	test_expect_code 3 plain -w node0001 --agent-path "$TOP/tests/tools/garbage-agent" ping --json >out.json &&
	jq -e ".results[0].status == \"agent\" and (.results[0].statusmsg | test(\"reply\"))" out.json
'

test_expect_success 'an agent that floods is stopped at the limit; memory stays bounded' '
	command -v /usr/bin/time >/dev/null || exit 0
	test_expect_code 3 /usr/bin/time -f "%M" -o rss "$MUSTER" \
	    --ssh-config "$FLEET_DIR/ssh_config.plain" -w "$(fleet_range 1 4)" \
	    --agent-path "$TOP/tests/tools/flood-agent" ping --json >out.json &&
	jq -e "[.results[].status] | unique == [\"agent\"]" out.json &&
	jq -e "all(.results[]; .statusmsg | test(\"larger than\"))" out.json &&
	# ASan multiplies memory use: the bound holds for the real build.
	[ -n "${MUSTER_TEST_SANITIZED:-}" ] || test $(tail -n 1 rss) -lt 200000
'

test_expect_success '50 hosts with faults: each once in table, JSON and counts' '
	hosts="$(fleet_range 1 44),refused1,refused2,hung1,ghost,stranger1" &&
	test_expect_code 3 "$MUSTER" --ssh-config faults.conf -w "$hosts" \
	    ping >table &&
	test_expect_code 3 "$MUSTER" --ssh-config faults.conf -w "$hosts" \
	    ping --json >out.json &&
	jq -e ".results | length == 49" out.json &&
	jq -e "[.results[].host] | unique | length == 49" out.json &&
	jq -e ".summary | .ok == 43 and .hostkey == 1 and .auth == 1 and
	    .unreachable == 3 and .timeout == 1 and .targeted == 49 and .answered == 43" out.json &&
	for h in node0001 node0003 node0004 node0044 refused1 hung1 ghost stranger1; do
		test $(grep -c "^$h " table) -eq 1 || { echo "$h"; exit 1; }
	done &&
	test_grep "Nodes: 43 / 49" table &&
	test_grep "Host Key: 1   node0003" table &&
	test_grep "Auth Failed: 1   stranger1" table &&
	test_grep "Timeout: 1   hung1" table &&
	test_grep "Unreachable: 3   ghost,refused\[1-2\]" table
'

test_expect_success 'SIGINT: pending hosts cancelled, JSON printed, exit 130' '
	"$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" -w "$(fleet_range 1 20)" -c 5 \
	    --json shell "sleep 5" >out.json &
	pid=$! &&
	sleep 2 &&
	kill -INT $pid &&
	code=0 && wait $pid || code=$? &&
	test $code -eq 130 &&
	jq -e ".results | length == 20" out.json &&
	jq -e ".summary.cancelled == 20 and .summary.exit_code == 130" out.json &&
	jq -e "[.results[] | select(.statusmsg | test(\"not started\"))] | length == 15" out.json
'

test_expect_success 'SIGINT with --jsonl: a line for every host, then the summary' '
	"$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" -w "$(fleet_range 1 8)" -c 2 \
	    --jsonl shell "sleep 5" >out.jsonl &
	pid=$! &&
	sleep 2 &&
	kill -INT $pid &&
	code=0 && wait $pid || code=$? &&
	test $code -eq 130 &&
	test $(wc -l <out.jsonl) -eq 9 &&
	head -n 8 out.jsonl | jq -s -e "map(.host) | unique | length == 8" &&
	tail -n 1 out.jsonl | jq -e ".summary.cancelled == 8"
'

test_expect_success 'hosts that vanish mid-run are unreachable; others finish' '
	fleet_muster -w "$(fleet_range 1 6)" --json shell \
	    "n=\${MUSTER_AGENT_CONFIG##*node000}; sleep 6.2\${n%%/*}; echo done" \
	    >vanish.json &
	pid=$! &&
	i=0 &&
	while [ $(pgrep -f "^sleep 6.2[1-6]\$" | wc -l) -lt 6 ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done &&
	for a in $(pgrep -f "muster-agent --caller fleet"); do
		if cat "/proc/$a/environ" 2>/dev/null | tr "\\0" "\\n" |
		    grep -q "^MUSTER_AGENT_CONFIG=$FLEET_DIR/hosts/node000[1-3]/"; then
			kill -9 $(ps -o ppid= -p "$a") || true
		fi
	done &&
	code=0 && wait $pid || code=$? &&
	test $code -eq 3 &&
	jq -e "[.results[] | select(.status == \"unreachable\")] | length == 3" vanish.json &&
	jq -e "[.results[] | select(.status == \"ok\")] | length == 3" vanish.json &&
	jq -e ".results[0].statusmsg | test(\"connection lost\")" vanish.json
'

test_expect_success 'ProxyJump and ProxyCommand are reported, not ignored; none is none' '
	printf "Host jumped\n\tHostName 127.0.0.1\n\tProxyJump bastion\n" >pj.conf &&
	test_expect_code 3 "$MUSTER" --ssh-config pj.conf -w jumped ping --json >out.json &&
	jq -e ".results[0].statusmsg | test(\"ProxyJump\")" out.json &&
	printf "Host pc\n\tProxyCommand nc -q0 %%h %%p\nHost *\n\tProxyJump none\n" >pc.conf &&
	test_expect_code 3 "$MUSTER" --ssh-config pc.conf -w pc ping --json >out.json &&
	jq -e ".results[0].statusmsg | test(\"ProxyCommand nc\")" out.json &&
	printf "Host %s\n\tProxyJump none\n" node0001 >pn.conf &&
	cat "$FLEET_DIR/ssh_config" >>pn.conf &&
	"$MUSTER" --ssh-config pn.conf -w node0001 ping >/dev/null
'

test_done
