#!/bin/sh
test_description='service agent: SysV init scripts that start and stop a real daemon on several hosts, LSB status codes, failures with their reasons, hostile names'
. "$(dirname "$0")/test-lib.sh"

REQ=$TOOLS/mkrequest
DUMP=$TOOLS/msgdump
DAEMON=$TOOLS/pid-daemon

# Six hosts of the fleet; tests/fleet-agents.sh gives each HOST/init.d/demo
# (the fleet's agent.conf has service_provider = sysv and initd_dir =
# HOST/init.d), an LSB init script around pid-daemon with exit codes 0
# (running), 1 (dead, pidfile remains), 3 (stopped) and 4 (unknown), its
# daemon's pidfile in HOST/run, and HOST/demo.mode to make it misbehave.
first=31
last=36
hosts=$(fleet_range $first $last)

svc_dirs()
{
	i=$first
	while [ $i -le $last ]; do
		printf '%s/hosts/node%04d\n' "$FLEET_DIR" $i
		i=$((i + 1))
	done
}

# Stop every daemon this script started, by its pidfile, and remove what
# the script put on the hosts: the fleet goes on to other scripts.
svc_cleanup()
{
	sh "$TOP/tests/fleet-agents.sh" down "$FLEET_DIR" $first $last service
	[ -f "$TRASH/small/fleet.env" ] && sh "$TOP/tests/fleet.sh" down "$TRASH/small"
	return 0
}
trap 'svc_cleanup; test_cleanup' EXIT
trap 'svc_cleanup; test_cleanup; exit 130' INT
trap 'svc_cleanup; test_cleanup; exit 143' TERM HUP

# svc_daemons: the pids of this script's live daemons, one a line.
svc_daemons()
{
	pgrep -f "^$DAEMON .*$FLEET_DIR/hosts/node00[0-9][0-9]/run/" || true
}

# svc ACTION [MUSTER OPTIONS]: the action on the six hosts, as JSON in out.json.
svc()
{
	action=$1
	shift
	fleet_muster -w "$hosts" "$@" rpc service "$action" service=demo --json \
	    >out.json
}

test_expect_success 'setup: an init script and a run directory on six hosts' '
	test -x "$DAEMON" &&
	sh "$TOP/tests/fleet-agents.sh" up "$FLEET_DIR" $first $last service &&
	for h in $(svc_dirs); do
		test -x "$h/init.d/demo" && test -d "$h/run" || return 1
	done &&
	test -z "$(svc_daemons)"
'

test_expect_success 'status before any start: stopped everywhere, and OK' '
	svc status &&
	jq -e "(.results | length) == 6 and
	    all(.results[]; .statuscode == 0 and .data.status == \"stopped\")" out.json
'

test_expect_success 'start: running on six hosts, one real daemon each' '
	svc start &&
	jq -e "all(.results[]; .statuscode == 0 and .data.status == \"running\")" out.json &&
	for h in $(svc_dirs); do
		kill -0 "$(cat "$h/run/demo.pid")" || return 1
	done &&
	test $(svc_daemons | wc -l) -eq 6
'

test_expect_success 'start again: still running, the same daemons' '
	svc_daemons | sort >before &&
	svc start &&
	jq -e "all(.results[]; .statuscode == 0 and .data.status == \"running\")" out.json &&
	svc_daemons | sort >after &&
	test_cmp before after
'

test_expect_success 'stop one host: the status distribution shows it' '
	fleet_muster -w node0033 rpc service stop service=demo --json >stop.json &&
	jq -e ".results[0].data.status == \"stopped\"" stop.json &&
	test ! -e "$FLEET_DIR/hosts/node0033/run/demo.pid" &&
	svc status &&
	jq -r ".results[] | \"\(.host) \(.data.status)\"" out.json | sort >dist &&
	test $(grep -c " running$" dist) -eq 5 &&
	test_grep "^node0033 stopped$" dist
'

test_expect_success 'restart: running everywhere, with new daemons' '
	svc_daemons | sort >before &&
	svc restart &&
	jq -e "all(.results[]; .statuscode == 0 and .data.status == \"running\")" out.json &&
	svc_daemons | sort >after &&
	test $(wc -l <after) -eq 6 &&
	test -z "$(comm -12 before after)"
'

test_expect_success 'stop: stopped everywhere, no daemon left' '
	svc stop &&
	jq -e "all(.results[]; .statuscode == 0 and .data.status == \"stopped\")" out.json &&
	test -z "$(svc_daemons)" &&
	svc status &&
	jq -e "all(.results[]; .data.status == \"stopped\")" out.json
'

test_expect_success 'a daemon that dies once started: that host fails, with why' '
	echo dies >"$FLEET_DIR/hosts/node0034/demo.mode" &&
	test_expect_code 2 svc start &&
	jq -e "[.results[] | select(.statuscode != 0) | .host] == [\"node0034\"]" out.json &&
	jq -e ".results[] | select(.host == \"node0034\") |
	    .status == \"failed\" and .data.status == \"stopped\" and
	    (.statusmsg | test(\"start demo: stopped afterwards .dead, but its pid file remains.: Starting demo\"))" \
	    out.json &&
	jq -e "[.results[] | select(.host != \"node0034\") | .data.status] |
	    length == 5 and all(. == \"running\")" out.json
'

test_expect_success 'its status: stopped (LSB 1), OK, the stale pid file named' '
	fleet_muster -w node0034 rpc service status service=demo --json >st.json &&
	jq -e ".results[0] | .statuscode == 0 and .data.status == \"stopped\" and
	    (.statusmsg | test(\"demo is stopped: dead, but its pid file remains\"))" st.json
'

test_expect_success 'a start script that exits 1: failed with its message' '
	echo refuses >"$FLEET_DIR/hosts/node0035/demo.mode" &&
	fleet_muster -w node0035 rpc service stop service=demo --json >/dev/null &&
	test_expect_code 2 fleet_muster -w node0035 rpc service start service=demo --json >st.json &&
	jq -e ".results[0] | .statuscode == 1 and .data.status == \"stopped\" and
	    (.statusmsg | test(\"start demo failed .exit code 1., now stopped: demo: cannot bind 127.0.0.1:8080: address already in use\"))" st.json
'

test_expect_success 'muster service NAME start: only the host not running is listed' '
	rm -f "$FLEET_DIR/hosts/node0034/demo.mode" &&
	test_expect_code 2 fleet_muster -w "$hosts" service demo start >out &&
	test_grep "^node0035 " out &&
	! grep "^node003[12346] " out &&
	test_grep "^ *Failed: 1   node0035$" out &&
	test_grep "^ *Service Status: 5 \* running, 1 \* stopped node0035$" out
'

test_expect_success 'muster service status NAME (either order) lists every host' '
	test_expect_code 0 fleet_muster -w "$hosts" service status demo >out &&
	test $(grep -c "^node003[1-6] *Service Status: \(running\|stopped\)" out) -eq 6 &&
	test_grep "^node0035 *Service Status: stopped" out
'

test_expect_success 'muster service NAME stop: stopped is what was asked, all OK' '
	fleet_muster -w "$hosts" service demo stop >out &&
	test_grep "^ *Service Status: 6 \* stopped$" out &&
	! grep "^node" out &&
	rm "$FLEET_DIR/hosts/node0035/demo.mode"
'

test_expect_success 'muster service: an action that is not one, or a hostile name: exit 64' '
	test_expect_code 64 fleet_muster -w node0031 service demo reload 2>err &&
	test_grep "agent .service. has no action .reload." err &&
	test_expect_code 64 fleet_muster -w node0031 service -- -x start 2>err &&
	test_grep "service" err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'a status the script cannot tell (LSB 4): failed, no status' '
	echo unknown >"$FLEET_DIR/hosts/node0036/demo.mode" &&
	test_expect_code 2 fleet_muster -w node0036 rpc service status service=demo --json >st.json &&
	jq -e ".results[0] | .statuscode == 1 and .data.status == null and
	    (.statusmsg | test(\"demo: status unknown .LSB status 4.: demo: cannot tell\"))" st.json &&
	rm "$FLEET_DIR/hosts/node0036/demo.mode"
'

test_expect_success 'a service a host does not have: failed, naming it' '
	test_expect_code 2 fleet_muster -w "$hosts" rpc service status service=nosuch --json >out.json &&
	jq -e "all(.results[]; .statuscode == 1 and
	    (.statusmsg | test(\"^service nosuch not found: no .*/init.d/nosuch$\")))" out.json
'

test_expect_success 'odd but valid names pass both checks and reach the host' '
	for v in getty@tty1.service a:b+c_d.e-f 9x; do
		test_expect_code 2 fleet_muster -w node0031 rpc service status \
		    "service=$v" --json >out.json &&
		jq -e ".results[0].statuscode == 1 and
		    (.results[0].statusmsg | test(\"not found\"))" out.json || return 1
	done
'

# Scripts with the hostile names, which would leave a mark if run.
for n in -x "a;b"; do
	h=$FLEET_DIR/hosts/node0031
	printf '#!/bin/sh\ntouch %s/ran\n' "$TRASH" >"$h/init.d/$n"
	chmod +x "$h/init.d/$n"
done

test_expect_success 'hostile names are refused before sending: exit 64, one line' '
	long=$(printf "%0256d" 0) &&
	for v in -x "a;b" "a b" "$(printf "a\nb")" "$long" "" "../demo"; do
		test_expect_code 64 fleet_muster -w node0031 rpc service start \
		    "service=$v" 2>err &&
		test_grep "service" err &&
		test $(wc -l <err) -eq 1 || return 1
	done &&
	test_expect_code 64 fleet_muster -w node0031 rpc service start 2>err &&
	test_grep "service" err &&
	test_expect_code 64 fleet_muster -w node0031 rpc service start service=demo extra=1 2>err &&
	test_grep "extra" err &&
	test ! -e ran
'

test_expect_success 'sent raw, the agent refuses them itself: 4, or 3 when missing' '
	MUSTER_AGENT_CONFIG=$FLEET_DIR/hosts/node0031/agent.conf &&
	export MUSTER_AGENT_CONFIG &&
	long=$(printf "%0256d" 0) &&
	for v in -x "a;b" "a b" "$(printf "a\nb")" "$long" "" "../demo"; do
		"$REQ" service start "service=$v" | "$AGENT" | "$DUMP" >raw.json &&
		jq -e ".statuscode == 4 and (.statusmsg | test(\"service\"))" raw.json ||
		return 1
	done &&
	"$REQ" service start | "$AGENT" | "$DUMP" >raw.json &&
	jq -e ".statuscode == 3 and (.statusmsg | test(\"service\"))" raw.json &&
	"$REQ" service start service=demo extra=1 | "$AGENT" | "$DUMP" >raw.json &&
	jq -e ".statuscode == 4 and (.statusmsg | test(\"extra\"))" raw.json &&
	"$REQ" service start service:=7 | "$AGENT" | "$DUMP" >raw.json &&
	jq -e ".statuscode == 4" raw.json &&
	test ! -e ran &&
	test -z "$(svc_daemons | grep node0031)"
'

# The agent alone, with a configuration of its own: timeouts and providers.
mkdir -p solo/init.d
cat >solo/init.d/slow <<'EOF'
#!/bin/sh
case "$1" in
start) sleep 30.0720 ;;
status) exit 3 ;;
esac
EOF
chmod +x solo/init.d/slow

test_expect_success 'a script past service_timeout is killed and the call fails' '
	printf "service_provider = sysv\ninitd_dir = %s\nservice_timeout = 1\naudit_log = %s\n" \
	    "$TRASH/solo/init.d" "$TRASH/solo/audit.log" >solo/agent.conf &&
	MUSTER_AGENT_CONFIG=$TRASH/solo/agent.conf &&
	export MUSTER_AGENT_CONFIG &&
	"$REQ" service start service=slow | timeout 20 "$AGENT" | "$DUMP" >raw.json &&
	jq -e ".statuscode == 1 and .timed_out == true and
	    (.statusmsg | test(\"start slow: timed out after 1 s\"))" raw.json &&
	! pgrep -fx "sleep 30.0720"
'

test_expect_success 'nor past the request timeout, when that is shorter' '
	printf "service_provider = sysv\ninitd_dir = %s\naudit_log = %s\n" \
	    "$TRASH/solo/init.d" "$TRASH/solo/audit.log" >solo/agent.conf &&
	MUSTER_AGENT_CONFIG=$TRASH/solo/agent.conf &&
	export MUSTER_AGENT_CONFIG &&
	"$REQ" -t 2 service start service=slow | timeout 20 "$AGENT" | "$DUMP" >raw.json &&
	jq -e ".statuscode == 1 and .timed_out == true and
	    (.statusmsg | test(\"start slow: timed out after 2 s\"))" raw.json &&
	! pgrep -fx "sleep 30.0720"
'

test_expect_success 'an unknown service_provider names itself' '
	printf "service_provider = upstart\naudit_log = %s\n" "$TRASH/solo/audit.log" \
	    >solo/agent.conf &&
	MUSTER_AGENT_CONFIG=$TRASH/solo/agent.conf &&
	export MUSTER_AGENT_CONFIG &&
	"$REQ" service status service=cron | "$AGENT" | "$DUMP" >raw.json &&
	jq -e ".statuscode != 0 and
	    (.statusmsg | test(\"unknown service_provider .upstart.\"))" raw.json
'

test_expect_success 'the DDL and the agent accept exactly the same names' '
	printf "service_provider = sysv\ninitd_dir = %s\naudit_log = %s\n" \
	    "$TRASH/solo/init.d" "$TRASH/solo/audit.log" >solo/agent.conf &&
	MUSTER_AGENT_CONFIG=$TRASH/solo/agent.conf &&
	export MUSTER_AGENT_CONFIG &&
	{ printf "%s\n" a Z 9 a-b a_b a.b a@b a:b a+b getty@tty1.service \
	    user@1000.service a..b "a-" -a .a _a @a :a +a a/b ../a "a b" \
	    "a	b" "a~b" "a,b" "a=b" "a%b" "a*b" "a?b" "a\\b" "a\$b" "a|b" \
	    "a&b" "a<b" "a\"b" "a'"'"'b" "a\`b" "$(printf "a\001b")" \
	    "$(printf "caf\303\251")" &&
	  printf "%0255d\n%0256d\n" 0 0; } >names &&
	test $(wc -l <names) -eq 41 &&
	while IFS= read -r v; do
		client=ok &&
		"$MUSTER" -w node0001 -n rpc service status "service=$v" \
		    >/dev/null 2>&1 || client=refused &&
		"$REQ" service status "service=$v" | "$AGENT" | "$DUMP" >raw.json &&
		agent=ok &&
		jq -e ".statuscode == 4" raw.json >/dev/null && agent=refused
		test "$client" = "$agent" ||
		{ echo "service=$v: client $client, agent $agent" >&2; return 1; }
		echo "$client $v"
	done <names >verdicts &&
	test $(grep -c "^ok " verdicts) -eq 14
'

test_expect_success 'service_provider auto: SysV on a host without systemd or OpenRC' '
	if test -e /run/systemd/system || test -e /sbin/openrc-run ||
	    test -e /sbin/rc-service; then
		echo "# this host has systemd or OpenRC: not checked"
		exit 0
	fi &&
	printf "service_provider = auto\ninitd_dir = %s\naudit_log = %s\n" \
	    "$TRASH/solo/init.d" "$TRASH/solo/audit.log" >solo/agent.conf &&
	MUSTER_AGENT_CONFIG=$TRASH/solo/agent.conf &&
	export MUSTER_AGENT_CONFIG &&
	"$REQ" service status service=slow | "$AGENT" | "$DUMP" >raw.json &&
	jq -e ".statuscode == 0 and .data.status == \"stopped\"" raw.json
'

test_expect_success 'fleet.sh down stops the daemons of fleet-agents.sh too' '
	sh "$TOP/tests/fleet.sh" up "$TRASH/small" 3 >/dev/null &&
	sh "$TOP/tests/fleet-agents.sh" up "$TRASH/small" 1 3 service nrpe &&
	for i in 1 2 3; do
		"$TRASH/small/hosts/node000$i/init.d/demo" start >/dev/null ||
		return 1
	done &&
	test $(pgrep -fc "^$DAEMON .*$TRASH/small/hosts/") -eq 3 &&
	sh "$TOP/tests/fleet.sh" down "$TRASH/small" &&
	! pgrep -f "^$DAEMON .*$TRASH/small/hosts/" &&
	test ! -e "$TRASH/small/agents" &&
	test ! -e "$TRASH/small/hosts/node0001/init.d" &&
	test ! -e "$TRASH/small/hosts/node0002/nrpe.cfg"
'

test_expect_success 'cleanup: every daemon stopped, the hosts as they were' '
	rm -f "$FLEET_DIR"/hosts/node00*/demo.mode &&
	svc stop &&
	jq -e "all(.results[]; .data.status == \"stopped\")" out.json &&
	svc_cleanup &&
	test -z "$(svc_daemons)" &&
	for h in $(svc_dirs); do
		test ! -e "$h/init.d" && test ! -e "$h/run" || return 1
	done
'

test_done
