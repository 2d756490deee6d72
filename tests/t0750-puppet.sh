#!/bin/sh
test_description='puppet agent: real puppet apply runs started in the background, status, summary, enable, disable, count, compared with the files puppet wrote'
TEST_OWN_FLEET=1
TEST_FLEET_N=4
. "$(dirname "$0")/test-lib.sh"

REQ=$TOOLS/mkrequest
DUMP=$TOOLS/msgdump

# Four hosts; tests/fleet-agents.sh (part puppet) gives each HOST/puppet
# with its own puppet directories, a site.pp whose exec writes "start T"
# and "end T" to HOST/puppet/runs.log around a sleep of HOST/puppet/sleep
# seconds, and a file HOST/puppet/managed; the host's puppet_command is
# tests/tools/puppet-run, which holds the catalog-run lock while `puppet
# apply` runs and logs "start" and "end RC" to HOST/puppet/wrapper.log.
# A puppet run costs seconds of CPU: few runs, on few hosts.
hosts=$(fleet_range 1 4)

pdir()
{
	printf '%s/hosts/node%04d/puppet\n' "$FLEET_DIR" "$1"
}

# ends N: how many runs ended on host N.
ends()
{
	grep -c ' end ' "$(pdir "$1")/wrapper.log" 2>/dev/null || :
}

# wait_ends N COUNT: until COUNT runs ended on host N (at most 90 s).
wait_ends()
{
	i=0
	while [ "$(ends "$1")" -lt "$2" ] && [ $i -lt 900 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(ends "$1")" -ge "$2" ] || {
		echo "host $1: $(ends "$1") runs ended, not $2" >&2
		cat "$(pdir "$1")/wrapper.log" >&2
		return 1
	}
}

# yaml N KEY.KEY: a value of host N's last_run_summary.yaml, as ruby's
# YAML reads it.
yaml()
{
	ruby -ryaml -e 'v = YAML.safe_load(File.read(ARGV[0])); ARGV[1].split(".").each { |k| v = v[k] }; puts v' \
	    "$(pdir "$1")/public/last_run_summary.yaml" "$2"
}

# agents N: the pids of host N's muster-agent processes (sshd gave them
# the host's MUSTER_AGENT_CONFIG).
agents()
{
	for p in $(pgrep -x muster-agent); do
		grep -qaF "MUSTER_AGENT_CONFIG=$FLEET_DIR/hosts/$(printf node%04d "$1")/" \
		    "/proc/$p/environ" 2>/dev/null && echo "$p"
	done
	return 0
}

# no_agents N: host N's agents are gone within ten seconds.
no_agents()
{
	i=0
	while [ -n "$(agents "$1")" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -z "$(agents "$1")" ]
}

pp()
{
	fleet_muster "$@"
}

pp_cleanup()
{
	[ -f "$TRASH/sleeper.pid" ] && kill "$(cat "$TRASH/sleeper.pid")" 2>/dev/null
	sh "$TOP/tests/fleet-agents.sh" down "$FLEET_DIR" 1 4 puppet
	return 0
}
trap 'pp_cleanup; test_cleanup' EXIT
trap 'pp_cleanup; test_cleanup; exit 130' INT
trap 'pp_cleanup; test_cleanup; exit 143' TERM HUP

test_expect_success 'setup: puppet directories, a manifest and agent.conf keys on four hosts' '
	command -v puppet &&
	sh "$TOP/tests/fleet-agents.sh" up "$FLEET_DIR" 1 4 puppet &&
	for n in 1 2 3 4; do
		test -f "$(pdir $n)/site.pp" || return 1
	done &&
	grep -q "^puppet_command = .*/puppet-run " \
	    "$FLEET_DIR/hosts/node0001/agent.conf" &&
	echo 3 >"$(pdir 1)/sleep"
'

test_expect_success 'status before any run: stopped, enabled, last run 0' '
	pp -w "$hosts" puppet status --json >out.json &&
	jq -e "(.results | length) == 4 and all(.results[];
	    .statuscode == 0 and .data.status == \"stopped\" and
	    .data.applying == false and .data.enabled == true and
	    .data.lastrun == 0 and .data.idling == false and
	    .data.daemon_present == false and .data.disable_message == \"\")" \
	    out.json &&
	pp -w "$hosts" puppet status >out &&
	test_grep "^node0001 *Currently stopped; no completed run" out &&
	test_grep "Status: 4 \* stopped" out
'

test_expect_success 'summary before any run: a clear failure naming the file' '
	test_expect_code 2 pp -w node0001 puppet summary >out &&
	test_grep "no last run summary at $(pdir 1)/public/last_run_summary.yaml" out
'

test_expect_success 'runonce starts a run on every host and returns at once' '
	test_expect_code 0 pp -w "$hosts" --yes puppet runonce --json >out.json &&
	jq -e "all(.results[]; .statuscode == 0 and
	    (.data.summary | startswith(\"Started a Puppet run using \")) and
	    (.data.initiated_at | type) == \"number\")" out.json &&
	jq -r ".results[0].data.summary" out.json >summary &&
	test_grep "puppet-run $(pdir 1)" summary &&
	test "$(ends 1)" -eq 0
'

test_expect_success 'status shows applying while the run holds the lock' '
	pp -w node0001 puppet status --json >out.json &&
	jq -e ".results[0].data | .applying == true and
	    .status == \"applying\"" out.json &&
	test -s "$(pdir 1)/state/agent_catalog_run.lock" &&
	pid=$(cat "$(pdir 1)/state/agent_catalog_run.lock") &&
	kill -0 "$pid"
'

test_expect_success 'runonce while applying: refused, nothing started' '
	test_expect_code 2 pp -w node0001 --yes puppet runonce >out &&
	test_grep "node0001 *Puppet is currently applying a catalog, cannot run now" out &&
	wait_ends 1 1 &&
	sleep 1 &&
	test "$(grep -c " start" "$(pdir 1)/wrapper.log")" -eq 1 &&
	test "$(grep -c "^start " "$(pdir 1)/runs.log")" -eq 1
'

test_expect_success 'every run completes: start and end in runs.log, a summary written, the lock gone' '
	for n in 1 2 3 4; do
		wait_ends $n 1 &&
		grep -q " end 0$" "$(pdir $n)/wrapper.log" &&
		test "$(grep -c "^start " "$(pdir $n)/runs.log")" -eq 1 &&
		test "$(grep -c "^end " "$(pdir $n)/runs.log")" -eq 1 &&
		test -s "$(pdir $n)/public/last_run_summary.yaml" &&
		test ! -e "$(pdir $n)/state/agent_catalog_run.lock" || return 1
	done &&
	# node0001 slept the 3 seconds of its sleep file.
	awk "{ t[\$1] = \$2 } END { exit !(t[\"end\"] - t[\"start\"] >= 2.9) }" \
	    "$(pdir 1)/runs.log"
'

test_expect_success 'status after the runs: stopped, the last run from the summary' '
	pp -w "$hosts" puppet status --json >out.json &&
	for n in 1 2 3 4; do
		lastrun=$(yaml $n time.last_run) &&
		jq -e --arg h "$(printf node%04d $n)" --argjson t "$lastrun" \
		    ".results[] | select(.host == \$h) | .data |
		    .status == \"stopped\" and .applying == false and
		    .lastrun == \$t and .since_lastrun >= 0 and
		    .since_lastrun < 300 and
		    (.message | test(\"^Currently stopped; last completed run .* ago\$\"))" \
		    out.json || return 1
	done
'

test_expect_success 'summary: the figures last_run_summary.yaml holds' '
	pp -w "$hosts" puppet summary --json >out.json &&
	for n in 1 2 3 4; do
		jq --arg h "$(printf node%04d $n)" -r ".results[] |
		    select(.host == \$h) | .data |
		    [.changed_resources, .failed_resources, .total_resources,
		     .out_of_sync_resources, .corrected_resources,
		     .lastrun, .config_version] | map(tostring) | join(\" \")" \
		    out.json >got &&
		echo "$(yaml $n resources.changed) $(yaml $n resources.failed)" \
		    "$(yaml $n resources.total) $(yaml $n resources.out_of_sync)" \
		    "$(yaml $n resources.corrective_change)" \
		    "$(yaml $n time.last_run) $(yaml $n version.config)" >want &&
		test_cmp want got &&
		jq -e --arg h "$(printf node%04d $n)" \
		    --argjson total "$(yaml $n time.total)" \
		    --argjson cr "$(yaml $n time.config_retrieval)" \
		    ".results[] | select(.host == \$h) | .data |
		    ((.total_time - \$total) | fabs) < 0.000001 and
		    ((.config_retrieval_time - \$cr) | fabs) < 0.000001 and
		    .summary.resources.total == .total_resources and
		    .summary.version.puppet == \"$(yaml $n version.puppet)\"" \
		    out.json || return 1
	done &&
	# The exec and the file changed on the first run.
	jq -e "all(.results[]; .data.changed_resources == 2 and
	    .data.failed_resources == 0)" out.json &&
	pp -w "$hosts" puppet summary >out &&
	test_grep "^node0001 *2 changed, 0 failed of [0-9]* resources in" out &&
	test_grep "Changed Resources: 8" out
'

test_expect_success 'disable with a message: puppet'\''s lock file, status shows it' '
	test_expect_code 0 pp -w node0001 puppet disable "upgrading db, \"ask\" ops" \
	    >out &&
	printf "{\"disabled_message\":\"upgrading db, \\\\\"ask\\\\\" ops\"}" >want &&
	test_cmp want "$(pdir 1)/state/agent_disabled.lock" &&
	ruby -rjson -e "exit(JSON.parse(File.read(ARGV[0]))[\"disabled_message\"] == %q{upgrading db, \"ask\" ops})" \
	    "$(pdir 1)/state/agent_disabled.lock" &&
	pp -w node0001 puppet status --json >out.json &&
	jq -e ".results[0].data | .status == \"disabled\" and .enabled == false and
	    .disable_message == \"upgrading db, \\\"ask\\\" ops\"" out.json &&
	pp -w node0001 puppet status >out &&
	test_grep "Currently disabled: upgrading db" out
'

test_expect_success 'a lock written by puppet itself is read the same' '
	printf "{\"disabled_message\":\"by puppet agent --disable\"}" \
	    >"$(pdir 2)/state/agent_disabled.lock" &&
	pp -w node0002 puppet status --json >out.json &&
	jq -e ".results[0].data.disable_message == \"by puppet agent --disable\"" \
	    out.json &&
	rm "$(pdir 2)/state/agent_disabled.lock"
'

test_expect_success 'disable when disabled: refused, the lock unchanged' '
	cp "$(pdir 1)/state/agent_disabled.lock" before &&
	test_expect_code 2 pp -w node0001 puppet disable other >out &&
	test_grep "Could not disable Puppet: Already disabled" out &&
	test_cmp before "$(pdir 1)/state/agent_disabled.lock"
'

test_expect_success 'runonce while disabled: refused with the message, nothing started' '
	cp "$(pdir 1)/wrapper.log" before &&
	test_expect_code 2 pp -w node0001 --yes puppet runonce >out &&
	test_grep "node0001 *Puppet is disabled: upgrading db" out &&
	sleep 1 &&
	test_cmp before "$(pdir 1)/wrapper.log"
'

test_expect_success 'count: the hosts in each state' '
	pp -w "$hosts" puppet count >out &&
	test_grep "Currently disabled: 1   node0001" out &&
	test_grep "Currently stopped: 3\$" out &&
	test_grep "Currently applying: 0" out &&
	test_grep "Currently idling: 0" out &&
	test_grep ! "^node000" out
'

test_expect_success 'enable removes the lock; enable again is refused' '
	test_expect_code 0 pp -w node0001 puppet enable >out &&
	test ! -e "$(pdir 1)/state/agent_disabled.lock" &&
	pp -w node0001 puppet status --json >out.json &&
	jq -e ".results[0].data | .enabled == true and .disable_message == \"\"" \
	    out.json &&
	test_expect_code 2 pp -w node0001 puppet enable >out &&
	test_grep "Could not enable Puppet: Already enabled" out
'

test_expect_success 'a lock held by any live process is applying; disabled wins the status' '
	lock=$(pdir 3)/state/agent_catalog_run.lock
	sleep 60 >/dev/null 2>&1 &
	pid=$!
	echo $pid >sleeper.pid
	printf %s $pid >"$lock" &&
	pp -w node0003 puppet disable by hand &&
	pp -w node0003 puppet status --json >out.json &&
	jq -e ".results[0].data | .applying == true and .status == \"disabled\" and
	    .message == \"Currently disabled: by hand; last completed run \" +
	    (.message | sub(\"^.*last completed run \"; \"\"))" out.json &&
	pp -w node0003 puppet enable &&
	pp -w node0003 puppet status --json >out.json &&
	jq -e ".results[0].data | .applying == true and .status == \"applying\" and
	    (.message | startswith(\"Currently applying a catalog; \"))" out.json &&
	kill $pid &&
	while kill -0 $pid 2>/dev/null; do sleep 0.1; done &&
	# A stale lock (its pid dead) and an empty one are not applying.
	pp -w node0003 puppet status --json >out.json &&
	jq -e ".results[0].data | .applying == false and .status == \"stopped\"" \
	    out.json &&
	: >"$lock" &&
	pp -w node0003 puppet status --json >out.json &&
	jq -e ".results[0].data.applying == false" out.json &&
	rm "$lock"
'

test_expect_success 'disable without a message: the default one' '
	pp -w node0004 puppet disable &&
	test "$(cat "$(pdir 4)/state/agent_disabled.lock")" = \
	    "{\"disabled_message\":\"Disabled via muster\"}" &&
	pp -w node0004 puppet enable
'

test_expect_success 'the options are for runonce; a bad tag is refused before anything is sent' '
	test_expect_code 64 pp -w node0001 puppet status --noop 2>err &&
	test_grep "are for runonce" err &&
	test_expect_code 64 pp -w node0001 --yes puppet runonce --tags "a;b" 2>err &&
	test_grep "tags" err &&
	test_expect_code 64 pp -w node0001 --yes puppet runonce --tags -x 2>err &&
	test_expect_code 64 pp -w node0001 --yes puppet runonce \
	    --environment "pro duction" 2>err &&
	test_expect_code 64 pp -w node0001 puppet runall 2 2>err &&
	test_grep "puppet runall: not in this build" err &&
	test_expect_code 64 pp -w node0001 puppet frobnicate 2>err
'

test_expect_success 'the agent refuses a bad tag or environment sent raw, nothing started' '
	cp "$(pdir 1)/wrapper.log" before &&
	MUSTER_AGENT_CONFIG=$FLEET_DIR/hosts/node0001/agent.conf &&
	export MUSTER_AGENT_CONFIG &&
	"$REQ" puppet runonce "tags=a;rm -rf /" | "$AGENT" | "$DUMP" >raw.json &&
	jq -e ".statuscode == 4 and (.statusmsg | test(\"tags\"))" raw.json &&
	"$REQ" puppet runonce "tags=--noop" | "$AGENT" | "$DUMP" >raw.json &&
	jq -e ".statuscode == 4" raw.json &&
	"$REQ" puppet runonce "environment=../x" | "$AGENT" | "$DUMP" >raw.json &&
	jq -e ".statuscode == 4" raw.json &&
	"$REQ" puppet runonce noop:=1 | "$AGENT" | "$DUMP" >raw.json &&
	jq -e ".statuscode == 4" raw.json &&
	"$REQ" puppet disable "message=$(printf "a\\033b")" | "$AGENT" |
	    "$DUMP" >raw.json &&
	jq -e ".statuscode == 4" raw.json &&
	test ! -e "$(pdir 1)/state/agent_disabled.lock" &&
	sleep 1 &&
	test_cmp before "$(pdir 1)/wrapper.log"
'

test_expect_success 'a run outlives the SSH session that started it' '
	echo 5 >"$(pdir 2)/sleep" &&
	test_expect_code 0 pp -w node0002 --yes puppet runonce &&
	# The client has exited; the agent and its SSH session end too.
	pid=$(cat "$(pdir 2)/state/agent_catalog_run.lock") &&
	no_agents 2 &&
	kill -0 "$pid" &&
	# The run leads a session of its own, apart from sshd and the agent.
	test "$(ps -o sid= -p "$pid" | tr -d " ")" = "$pid" &&
	wait_ends 2 2 &&
	grep -q " end 0$" "$(pdir 2)/wrapper.log" &&
	test "$(grep -c "^end " "$(pdir 2)/runs.log")" -eq 2 &&
	awk "/^start/ { s = \$2 } /^end/ { e = \$2 } END { exit !(e - s >= 4.9) }" \
	    "$(pdir 2)/runs.log"
'

test_expect_success 'runonce --noop: the drifted file stays, the exec does not run' '
	echo drift >"$(pdir 3)/managed" &&
	test_expect_code 0 pp -w node0003 --yes puppet runonce --noop >out &&
	wait_ends 3 2 &&
	grep " start --noop$" "$(pdir 3)/wrapper.log" &&
	test "$(cat "$(pdir 3)/managed")" = drift &&
	test "$(grep -c "^start " "$(pdir 3)/runs.log")" -eq 1 &&
	pp -w node0003 puppet summary --json >out.json &&
	jq -e ".results[0].data | .changed_resources == 0 and
	    .out_of_sync_resources == 2" out.json
'

test_expect_success 'runonce --tags --environment: only the tagged file, in that environment' '
	echo drift >"$(pdir 4)/managed" &&
	test_expect_code 0 pp -w node0004 --yes puppet runonce \
	    --tags managed_file --environment staging >out &&
	wait_ends 4 2 &&
	grep " start --tags=managed_file --environment=staging$" \
	    "$(pdir 4)/wrapper.log" &&
	test "$(cat "$(pdir 4)/managed")" = "managed by puppet" &&
	test "$(grep -c "^start " "$(pdir 4)/runs.log")" -eq 1 &&
	pp -w node0004 puppet summary --json >out.json &&
	jq -e ".results[0].data | .changed_resources == 1 and
	    .summary.application.initial_environment == \"staging\"" out.json
'

test_expect_success 'a last_run_summary.yaml of 2 MiB: a clear failure, status still answers' '
	f=$(pdir 1)/public/last_run_summary.yaml &&
	cp "$f" saved.yaml &&
	{ cat saved.yaml; head -c 2097152 /dev/zero | tr "\\0" "#"; } >"$f" &&
	test_expect_code 2 pp -w node0001 puppet summary >out &&
	test_grep "node0001 *cannot read the last run summary: $f: larger than 1048576 bytes" out &&
	pp -w node0001 puppet status --json >out.json &&
	jq -e ".results[0].statuscode == 0 and .results[0].data.lastrun == 0" \
	    out.json
'

test_expect_success 'a malformed last_run_summary.yaml: a clear failure, not a crash' '
	f=$(pdir 1)/public/last_run_summary.yaml &&
	printf "version:\\n  config: [1, 2\\nresources: {\\n" >"$f" &&
	test_expect_code 2 pp -w node0001 puppet summary >out &&
	test_grep "node0001 *cannot read the last run summary: $f: not YAML: .* at line" out &&
	printf -- "- just\\n- a list\\n" >"$f" &&
	test_expect_code 2 pp -w node0001 puppet summary >out &&
	test_grep "cannot read the last run summary: $f: not a map" out &&
	# Nesting deeper than kept is refused at once, not parsed through.
	{ printf "time:\\n  a: " && head -c 500000 /dev/zero | tr "\\0" "["; } >"$f" &&
	test_expect_code 2 timeout 30 "$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" \
	    -w node0001 puppet summary >out &&
	test_grep "$f: nested more than 16 levels deep" out &&
	# Anchors and aliases: each value is taken once, and bounded.
	{ printf "a: &x \"%s\"\\ntime:\\n" "$(head -c 100000 /dev/zero | tr "\\0" y)" &&
	  i=0 && while [ $i -lt 200 ]; do printf "  k%d: *x\\n" $i; i=$((i + 1)); done &&
	  printf "loop: &l { self: *l }\\n"; } >"$f" &&
	pp -w node0001 puppet summary --json >out.json &&
	jq -e ".results[0].statuscode == 0 and .results[0].data.lastrun == 0" \
	    out.json &&
	test "$(wc -c <out.json)" -lt 100000 &&
	cp saved.yaml "$f" &&
	pp -w node0001 puppet summary --json >out.json &&
	jq -e ".results[0].statuscode == 0" out.json
'

test_done
