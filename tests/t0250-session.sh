#!/bin/sh
test_description='warm sessions on the fleet: calls through kept channels, drops, Ctrl-C, stale sockets, other users'
TEST_OWN_FLEET=1
TEST_FLEET_N=10
. "$(dirname "$0")/test-lib.sh"

# The session holds node0001-0006; node0007-0010 are never held by it.
held=$(fleet_range 1 6)
all=$(fleet_range 1 10)
sock=$TRASH/run/muster/session

# A holder outlives the command that started it, and neither test_done
# nor the fleet's teardown knows about it: every holder's pid goes into
# $TRASH/holders, and session_cleanup stops them whatever happened.

# holder_note FILE: remember the pid a `session start` printed in FILE.
holder_note()
{
	sed -n 's/^session: holding .* (pid \([0-9]*\),.*/\1/p' "$1" \
	    >>"$TRASH/holders"
}

# running PID: PID is a live (not zombie) process.
running()
{
	s=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
	[ -n "$s" ] && [ "$s" != Z ]
}

# is_holder PID: PID runs and is a muster session holder.
is_holder()
{
	running "$1" &&
	    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null |
	    grep -q "muster .*session start"
}

session_cleanup()
{
	for d in "$TRASH"/run*; do
		[ -d "$d/muster" ] || continue
		XDG_RUNTIME_DIR=$d "$MUSTER" session stop >/dev/null 2>&1
	done
	[ -f "$TRASH/holders" ] || return 0
	for p in $(cat "$TRASH/holders"); do
		is_holder "$p" && kill -TERM "$p" 2>/dev/null
	done
	sleep 0.5
	for p in $(cat "$TRASH/holders"); do
		is_holder "$p" && kill -KILL "$p" 2>/dev/null
	done
	return 0
}
trap 'session_cleanup; test_cleanup' EXIT
trap 'session_cleanup; test_cleanup; exit 130' INT
trap 'session_cleanup; test_cleanup; exit 143' TERM HUP

# agent_pids HOST: the muster-agent processes serving HOST (sshd gives
# each host's sessions its own MUSTER_AGENT_CONFIG).
agent_pids()
{
	grep -laF "MUSTER_AGENT_CONFIG=$FLEET_DIR/hosts/$1/agent.conf" \
	    /proc/[0-9]*/environ 2>/dev/null |
	    sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' |
	    while read -r p; do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = muster-agent ] &&
		    running "$p" && echo "$p"
	    done
	return 0
}

# calls: the calls the session has answered.
calls()
{
	"$MUSTER" session status --json | jq -e .calls
}

# logins: sshd sessions the fleet has accepted so far.
logins()
{
	grep -c "Accepted publickey" "$FLEET_DIR/sshd.log" || :
}

test_expect_success 'session start holds every host; status shows them' '
	fleet_muster -w "$held" session start >out 2>err &&
	holder_note out &&
	test_grep "^session: holding 6 of 6 hosts (pid [0-9]*, idle exit after 600 s)$" out &&
	test_must_be_empty err &&
	is_holder $(cat holders) &&
	test -S "$sock" &&
	"$MUSTER" session status >status &&
	test_grep "Hosts: 6 held, 6 connected, 0 dropped" status &&
	test_grep "Session: pid $(cat holders)," status &&
	"$MUSTER" session status --json >status.json &&
	jq -e ".hosts == 6 and .connected == 6 and .dropped == 0 and .opening == 0" status.json &&
	jq -e ".pid == $(cat holders) and .calls == 0" status.json &&
	jq -e ".ssh_config == \"$FLEET_DIR/ssh_config\"" status.json
'

test_expect_success 'ping through the session: every host ok, connect 0 ms, no login' '
	c0=$(calls) && l0=$(logins) &&
	fleet_muster -w "$held" ping --json >out.json &&
	jq -e ".summary.ok == 6" out.json &&
	jq -e "all(.results[]; .status == \"ok\" and .connect_ms == 0 and .call_ms != null)" out.json &&
	test $(calls) -eq $((c0 + 6)) &&
	test $(logins) -eq $l0 &&
	fleet_muster -w "$held" ping >out &&
	test $(grep -c "^node000[1-6]  *connect=0 ms  call=[0-9]* ms$" out) -eq 6
'

test_expect_success '--no-session connects directly: real logins, real connect times' '
	c0=$(calls) && l0=$(logins) &&
	fleet_muster -w "$held" --no-session ping --json >out.json &&
	jq -e ".summary.ok == 6" out.json &&
	jq -e "all(.results[]; .connect_ms != null)" out.json &&
	jq -e "[.results[].connect_ms] | max > 0" out.json &&
	test $(calls) -eq $c0 &&
	test $(logins) -eq $((l0 + 6))
'

test_expect_success 'two calls on one channel: the same agent process answers both' '
	for i in 1 2 3 4 5 6; do
		h=node000$i &&
		agent_pids $h >pids.$h &&
		test $(wc -l <pids.$h) -eq 1 &&
		wc -l <"$FLEET_DIR/hosts/$h/audit.log" >audit.$h || return 1
	done &&
	c0=$(calls) && l0=$(logins) &&
	fleet_muster -w "$held" ping >/dev/null &&
	fleet_muster -w "$held" ping >/dev/null &&
	test $(calls) -eq $((c0 + 12)) &&
	test $(logins) -eq $l0 &&
	for i in 1 2 3 4 5 6; do
		h=node000$i &&
		agent_pids $h >after.$h &&
		test_cmp pids.$h after.$h &&
		test $(wc -l <"$FLEET_DIR/hosts/$h/audit.log") -eq $(($(cat audit.$h) + 2)) ||
		return 1
	done &&
	tail -n 2 "$FLEET_DIR/hosts/node0003/audit.log" >lines &&
	test $(grep -c "agent=rpcutil action=ping .*statuscode=0" lines) -eq 2
'

test_expect_success 'a killed sshd session shows as dropped; the next command opens it again' '
	ss -tnpH state established "( sport = :$FLEET_PORT )" >conns &&
	grep "127\.0\.10\.3:$FLEET_PORT " conns >conn &&
	test $(wc -l <conn) -eq 1 &&
	pid=$(sed -n "s/.*pid=\([0-9]*\),.*/\1/p" conn) &&
	test -n "$pid" &&
	kill -TERM $pid &&
	n=0 &&
	while ! "$MUSTER" session status --json | jq -e ".dropped == 1" >/dev/null &&
	    [ $n -lt 20 ]; do
		sleep 0.5; n=$((n + 1))
	done &&
	"$MUSTER" session status --json >status.json &&
	jq -e ".dropped == 1 and .dropped_hosts == \"node0003\" and .connected == 5" status.json &&
	"$MUSTER" session status >status &&
	test_grep "5 connected, 1 dropped node0003" status &&
	l0=$(logins) &&
	fleet_muster -w "$held" ping --json >out.json &&
	jq -e ".summary.ok == 6" out.json &&
	jq -e "all(.results[]; .connect_ms == 0)" out.json &&
	test $(logins) -eq $((l0 + 1)) &&
	"$MUSTER" session status --json >status.json &&
	jq -e ".dropped == 0 and .connected == 6" status.json
'

test_expect_success 'Ctrl-C through the session: cancelled, nothing left on the hosts, the session serves on' '
	"$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" -w "$held" --json \
	    rpc shell run "command=sleep 251" timeout=120 >out.json &
	pid=$! &&
	n=0 &&
	while [ $(pgrep -fc "^sleep 251") -lt 6 ] && [ $n -lt 40 ]; do
		sleep 0.5; n=$((n + 1))
	done &&
	test $(pgrep -fc "^sleep 251") -eq 6 &&
	c0=$(calls) &&
	kill -INT $pid &&
	code=0 && wait $pid || code=$? &&
	test $code -eq 130 &&
	jq -e ".summary.cancelled == 6" out.json &&
	jq -e "all(.results[]; .status == \"cancelled\")" out.json &&
	gone "sleep 251" &&
	fleet_muster -w "$held" ping --json >out.json &&
	jq -e ".summary.ok == 6" out.json &&
	jq -e "all(.results[]; .connect_ms == 0)" out.json &&
	test $(calls) -ge $((c0 + 6))
'

test_expect_success 'a caller killed mid-call (-9): its processes on the hosts are stopped too' '
	"$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" -w "$(fleet_range 1 3)" \
	    rpc shell run "command=sleep 254" timeout=120 >/dev/null 2>&1 &
	pid=$! &&
	n=0 &&
	while [ $(pgrep -fc "^sleep 254") -lt 3 ] && [ $n -lt 40 ]; do
		sleep 0.5; n=$((n + 1))
	done &&
	test $(pgrep -fc "^sleep 254") -eq 3 &&
	kill -KILL $pid &&
	gone "sleep 254" &&
	fleet_muster -w "$held" ping --json >out.json &&
	jq -e "all(.results[]; .status == \"ok\" and .connect_ms == 0)" out.json
'

test_expect_success 'two callers on one host: the second waits its turn, and one caller'"'"'s Ctrl-C does not fail the other' '
	"$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" -w node0001 \
	    rpc shell run "command=sleep 253" timeout=120 >a.out &
	a=$! &&
	n=0 &&
	while [ $(pgrep -fc "^sleep 253") -lt 1 ] && [ $n -lt 40 ]; do
		sleep 0.5; n=$((n + 1))
	done &&
	test $(pgrep -fc "^sleep 253") -eq 1 || { kill -INT $a; exit 1; }
	fleet_muster -w "$(fleet_range 1 2)" ping --json >b.json &
	b=$!
	sleep 1 &&
	running $b &&
	kill -INT $a &&
	code=0 && wait $a || code=$? &&
	test $code -eq 130 &&
	code=0 && wait $b || code=$? &&
	test $code -eq 0 &&
	jq -e "all(.results[]; .status == \"ok\" and .connect_ms == 0)" b.json &&
	gone "sleep 253"
'

test_expect_success 'a call past -t through the session ends timeout, and its process is stopped' '
	start=$(date +%s) &&
	test_expect_code 3 fleet_muster -w "$(fleet_range 1 3)" -t 2 --json \
	    rpc shell run "command=sleep 252" timeout=120 >out.json &&
	test $(($(date +%s) - start)) -lt 30 &&
	jq -e ".summary.timeout == 3" out.json &&
	jq -e "all(.results[]; .status == \"timeout\" and .connect_ms == 0)" out.json &&
	gone "sleep 252" &&
	fleet_muster -w "$held" ping --json >out.json &&
	jq -e ".summary.ok == 6" out.json
'

test_expect_success 'another ssh_config is not served by the session' '
	cp "$FLEET_DIR/ssh_config" other_config &&
	c0=$(calls) && l0=$(logins) &&
	"$MUSTER" --ssh-config other_config -w "$held" ping --json >out.json &&
	jq -e ".summary.ok == 6" out.json &&
	test $(calls) -eq $c0 &&
	test $(logins) -eq $((l0 + 6))
'

test_expect_success 'held and not held hosts in one run: both answer' '
	c0=$(calls) && l0=$(logins) &&
	fleet_muster -w "$all" ping --json >out.json &&
	jq -e ".summary.ok == 10" out.json &&
	jq -e "[.results[] | select(.connect_ms == 0) | .host] | length >= 6" out.json &&
	test $(calls) -eq $((c0 + 6)) &&
	test $(logins) -eq $((l0 + 4))
'

test_expect_success 'session start while one runs: exit 2, already running' '
	test_expect_code 2 fleet_muster -w "$held" session start >out 2>err &&
	test_must_be_empty out &&
	test $(wc -l <err) -eq 1 &&
	test_grep "already running" err &&
	is_holder $(tail -n 1 holders)
'

test_expect_success 'a stale socket: commands connect directly; start replaces it' '
	pid=$(tail -n 1 holders) &&
	is_holder $pid &&
	kill -KILL $pid &&
	n=0 && while running $pid && [ $n -lt 20 ]; do sleep 0.5; n=$((n + 1)); done &&
	! running $pid &&
	test -S "$sock" &&
	l0=$(logins) &&
	fleet_muster -w "$held" ping --json >out.json 2>err &&
	jq -e ".summary.ok == 6" out.json &&
	test_must_be_empty err &&
	test $(logins) -eq $((l0 + 6)) &&
	test_expect_code 1 "$MUSTER" session status >out 2>err &&
	test_grep "no session running" err &&
	fleet_muster -w "$held" session start >out 2>err &&
	holder_note out &&
	test_grep "replacing the stale session socket $sock" err &&
	test_grep "^session: holding 6 of 6 hosts" out &&
	"$MUSTER" session status --json >status.json &&
	jq -e ".connected == 6 and .pid == $(tail -n 1 holders)" status.json &&
	fleet_muster -w "$held" ping --json >out.json &&
	jq -e "all(.results[]; .status == \"ok\" and .connect_ms == 0)" out.json
'

# Another user: nobody, with a home of its own (it cannot enter ours) and
# our runtime directory.
as_nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME=/"

test_expect_success 'another user cannot use the session' '
	"$MUSTER" session status >/dev/null &&
	test_must_fail $as_nobody "$MUSTER" session status >out 2>err &&
	test_must_be_empty out &&
	test_grep "$TRASH/run/muster" err
'

# To reach the socket, another user needs to enter every directory above
# it, and $TRASH may be inside directories only we may enter (make check):
# it is given $TRASH/run as its descriptor 3 and goes through
# /proc/self/fd/3, where only run/ and run/muster are searched.
test_expect_success 'the holder hangs up on another user even if the socket is reachable' '
	python=/usr/bin/python3 &&
	cat >client.py <<-\EOF &&
	import socket, sys
	s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	s.connect(sys.argv[1])
	s.settimeout(5)
	try:
	    s.sendall(b"\x81\xa2op\xa6status")
	    got = s.recv(65536)
	except (BrokenPipeError, ConnectionResetError):
	    got = b""
	sys.stdout.write("%d bytes\n" % len(got))
	EOF
	"$python" - "$sock" <client.py >mine &&
	test_grep -v "^0 bytes" mine &&
	code=0 &&
	(
		chmod 711 run run/muster &&
		chmod 666 "$sock" &&
		$as_nobody "$python" - /proc/self/fd/3/muster/session \
		    <client.py >theirs 3<run &&
		test_grep "^0 bytes" theirs &&
		test_must_fail $as_nobody XDG_RUNTIME_DIR=/proc/self/fd/3 \
		    "$MUSTER" session status >out 2>err 3<run &&
		test_grep "/proc/self/fd/3/muster is not a directory only this user may use (owner $(id -u), mode 711)" err
	) || code=$?
	chmod 700 run run/muster &&
	chmod 600 "$sock" &&
	test $code -eq 0 &&
	"$MUSTER" session status --json | jq -e ".connected == 6"
'

test_expect_success 'a socket directory others may enter is refused, naming it and its mode' '
	mkdir -m 700 run-open &&
	mkdir -m 755 run-open/muster &&
	XDG_RUNTIME_DIR=$TRASH/run-open &&
	export XDG_RUNTIME_DIR &&
	test_expect_code 1 "$MUSTER" session status >out 2>err &&
	test $(wc -l <err) -eq 1 &&
	test_grep "$TRASH/run-open/muster is not a directory only this user may use (owner $(id -u), mode 755)" err &&
	test_expect_code 2 fleet_muster -w node0007 session start >out 2>err &&
	test_grep "$TRASH/run-open/muster is not a directory only this user may use" err &&
	test ! -e run-open/muster/session &&
	fleet_muster -w node0007 ping --json >out.json 2>err &&
	jq -e ".summary.ok == 1" out.json
'

test_expect_success '--idle 2: the holder exits on its own and removes its socket' '
	mkdir -m 700 run-idle &&
	XDG_RUNTIME_DIR=$TRASH/run-idle &&
	export XDG_RUNTIME_DIR &&
	fleet_muster -w node0007 --idle 2 session start >out &&
	holder_note out &&
	test_grep "idle exit after 2 s" out &&
	pid=$(tail -n 1 holders) &&
	is_holder $pid &&
	test -S run-idle/muster/session &&
	n=0 && while running $pid && [ $n -lt 30 ]; do sleep 0.5; n=$((n + 1)); done &&
	! running $pid &&
	test ! -e run-idle/muster/session &&
	test_expect_code 1 "$MUSTER" session status 2>err
'

test_expect_success 'SIGTERM: the holder exits and removes its socket' '
	XDG_RUNTIME_DIR=$TRASH/run-idle &&
	export XDG_RUNTIME_DIR &&
	fleet_muster -w node0007 session start >out &&
	holder_note out &&
	pid=$(tail -n 1 holders) &&
	is_holder $pid &&
	kill -TERM $pid &&
	n=0 && while running $pid && [ $n -lt 20 ]; do sleep 0.5; n=$((n + 1)); done &&
	! running $pid &&
	test ! -e run-idle/muster/session
'

test_expect_success 'bad usage of session: exit 64, one line' '
	for args in "" "bogus" "status -w node0001" "stop -t 5" "status --idle 5"; do
		# shellcheck disable=SC2086
		test_expect_code 64 "$MUSTER" session $args >out 2>err &&
		test_must_be_empty out &&
		test $(wc -l <err) -eq 1 || return 1
	done &&
	test_expect_code 64 "$MUSTER" session status -w node0001 2>err &&
	test_grep "session status: -w does not apply" err &&
	test_expect_code 64 "$MUSTER" session bogus 2>err &&
	test_grep "say start, status or stop, not .bogus." err
'

test_expect_success 'session stop: stopped, the socket gone, a second stop exits 1' '
	pid=$("$MUSTER" session status --json | jq -e .pid) &&
	is_holder $pid &&
	"$MUSTER" session stop >out 2>err &&
	echo "session stopped" >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	n=0 && while running $pid && [ $n -lt 20 ]; do sleep 0.5; n=$((n + 1)); done &&
	! running $pid &&
	test ! -e "$sock" &&
	test_expect_code 1 "$MUSTER" session stop >out 2>err &&
	test_must_be_empty out &&
	test_grep "no session running" err &&
	fleet_muster -w "$held" ping --json >out.json &&
	jq -e ".summary.ok == 6" out.json
'

test_expect_success 'no holder is left running' '
	for p in $(cat holders); do
		if running $p; then echo "holder $p still runs" >&2; exit 1; fi
	done
'

session_cleanup
test_done
