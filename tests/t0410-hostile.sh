#!/bin/sh
test_description='hostile and silent servers never hold the event loop'
. "$(dirname "$0")/test-lib.sh"

pids=
for mode in bytes lines drip banner; do
	port=$("$TOOLS/free-port")
	"$TOOLS/flood-listener" $mode 127.0.0.1 "$port" 600 >/dev/null &
	pids="$pids $!"
	eval "port_$mode=$port"
done
hang=$("$TOOLS/free-port")
"$TOOLS/hang-listener" 127.0.0.1 "$hang" 600 >/dev/null &
pids="$pids $!"
trap 'kill $pids 2>/dev/null; test_cleanup' EXIT
sleep 0.3

cat >hostile.conf <<EOC
Host fbytes*
	HostName 127.0.0.1
	Port $port_bytes
Host flines*
	HostName 127.0.0.1
	Port $port_lines
Host fdrip*
	HostName 127.0.0.1
	Port $port_drip
Host fbanner*
	HostName 127.0.0.1
	Port $port_banner
Host hung*
	HostName 127.0.0.1
	Port $hang
Host *
	User $(id -un)
	IdentityAgent none
	IdentitiesOnly yes
	IdentityFile $FLEET_DIR/keys/fleet
	UserKnownHostsFile $FLEET_DIR/known_hosts
Include $FLEET_DIR/ssh_config
EOC

# How soon SIGINT must end a run: the issue asks 0.5 s; 2 s leaves room
# for a loaded machine, 10 s for the sanitizers' slowness on one.
sigint_ms=2000
[ -n "${MUSTER_TEST_SANITIZED:-}" ] && sigint_ms=10000

# Every run is under a hard limit: a frozen client must fail the test, not
# hang it. now_ms: milliseconds since the epoch.
now_ms() { echo $(($(date +%s%N) / 1000000)); }

test_expect_success 'a server that streams bytes or non-SSH lines fails unreachable, fast' '
	start=$(now_ms) &&
	test_expect_code 3 timeout -s KILL 40 "$MUSTER" --ssh-config hostile.conf --connect-timeout 20 \
	    -w "fbytes1,flines1,node0001" ping --json >out.json &&
	test $(($(now_ms) - start)) -lt 10000 &&
	jq -e ".results[] | select(.host == \"fbytes1\") |
	    .status == \"unreachable\" and (.statusmsg | test(\"no SSH key exchange after 64 KiB\"))" out.json &&
	jq -e ".results[] | select(.host == \"flines1\") |
	    .status == \"unreachable\" and (.statusmsg | test(\"no SSH key exchange\"))" out.json &&
	jq -e ".results[] | select(.host == \"node0001\") | .status == \"ok\"" out.json
'

test_expect_success 'garbage after a valid banner is unreachable' '
	test_expect_code 3 timeout -s KILL 40 "$MUSTER" --ssh-config hostile.conf -w fbanner1 ping --json >out.json &&
	jq -e ".results[0].status == \"unreachable\"" out.json
'

test_expect_success 'a server that drips bytes times out at the connect timeout' '
	start=$(now_ms) &&
	test_expect_code 3 timeout -s KILL 40 "$MUSTER" --ssh-config hostile.conf --connect-timeout 2 \
	    -w "fdrip1,node0002" ping --json >out.json &&
	test $(($(now_ms) - start)) -lt 8000 &&
	jq -e ".results[] | select(.host == \"fdrip1\") | .status == \"timeout\"" out.json &&
	jq -e ".results[] | select(.host == \"node0002\") | .status == \"ok\"" out.json
'

test_expect_success 'floods mixed with healthy hosts: all healthy ok, each host once' '
	test_expect_code 3 timeout -s KILL 40 "$MUSTER" --ssh-config hostile.conf --connect-timeout 20 \
	    -w "fbytes[1-15],flines[1-15],fbanner[1-5],$(fleet_range 1 20)" \
	    ping --json >floods.json &&
	jq -e ".results | length == 55" floods.json &&
	jq -e "[.results[] | select(.host | test(\"^node\")) | .status] | unique == [\"ok\"]" floods.json &&
	jq -e ".summary.ok == 20 and .summary.unreachable == 35" floods.json
'

test_expect_success 'SIGINT during floods and drips is honoured at once' '
	"$MUSTER" --ssh-config hostile.conf --connect-timeout 60 -t 60 \
	    -w "fbytes[1-20],flines[1-20],fdrip[1-10],$(fleet_range 1 10)" \
	    --json shell "sleep 30" >sigint.json &
	pid=$! &&
	sleep 1.5 &&
	start=$(now_ms) &&
	kill -INT $pid &&
	code=0 && wait $pid || code=$? &&
	took=$(($(now_ms) - start)) &&
	echo "exited $took ms after SIGINT" &&
	test $code -eq 130 &&
	test $took -lt $sigint_ms &&
	jq -e ".results | length == 60" sigint.json &&
	jq -e "[.results[] | select(.host | test(\"^fdrip\")) | .status] | unique == [\"cancelled\"]" sigint.json &&
	jq -e "[.results[] | select(.host | test(\"^node\")) | .status] | unique == [\"cancelled\"]" sigint.json
'

# SIGINT while hosts are in the key exchange (seen in -v's state log).
# Under check-asan a leak makes the client exit 1 instead of 130.
test_expect_success 'SIGINT in the middle of the handshake ends cleanly' '
	for d in 0 0.01 0.02 0.04; do
		rm -f err
		"$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" -v -w "$(fleet_range 1 8)" \
		    --json shell "sleep 10" >out.json 2>err &
		pid=$!
		n=0
		until grep -q -- "-> handshake" err; do
			n=$((n + 1)); test $n -lt 500; sleep 0.01
		done
		sleep $d
		kill -INT $pid
		code=0 && wait $pid || code=$?
		test $code -eq 130 || { echo "SIGINT $d s into the handshake: exit $code"; cat err; exit 1; }
		jq -e ".results | length == 8" out.json >/dev/null
	done
'

test_expect_success 'the audit line is written after an interrupted flood run' '
	test -s "$HOME/.local/state/muster/audit.jsonl" &&
	jq -s -e "map(select(.argv | map(test(\"fdrip\\\\[\")) | any)) |
	    length == 1 and .[0].exit_code == 130" "$HOME/.local/state/muster/audit.jsonl"
'

# Silent hosts first, healthy ones after: healthy hosts must not wait for
# the silent ones to time out before they may start connecting.
test_expect_success 'silent hosts stop holding the connect window' '
	test_expect_code 3 timeout -s KILL 40 "$MUSTER" --ssh-config hostile.conf --connect-timeout 8 -c 250 \
	    -w "hung[001-128],$(fleet_range 1 10)" ping --jsonl >out.jsonl &&
	test $(wc -l <out.jsonl) -eq 139 &&
	first_timeout=$(grep -n "\"timeout\"" out.jsonl | head -n 1 | cut -d: -f1) &&
	last_node=$(grep -n "\"host\": *\"node" out.jsonl | tail -n 1 | cut -d: -f1) &&
	echo "last healthy line $last_node, first timeout line $first_timeout" &&
	test "$last_node" -lt "$first_timeout" &&
	tail -n 1 out.jsonl | jq -e ".summary.ok == 10 and .summary.timeout == 128"
'

test_done
