#!/bin/sh
test_description='nrpe agent: checks from nrpe.cfg run without a shell, Nagios states as statuses'
. "$(dirname "$0")/test-lib.sh"

P=/usr/lib/nagios/plugins
[ -x "$P/check_dummy" ] && [ -x "$P/check_load" ] && [ -x "$P/check_disk" ] ||
    test_skip_all "no monitoring-plugins-basic in $P"

REQ=$TOOLS/mkrequest
DUMP=$TOOLS/msgdump
hosts=$(fleet_range 1 6)

# Per-host checks: node0001-0003 OK, 0004 WARNING, 0005 CRITICAL, 0006
# UNKNOWN; nrpe.d/ holds more commands (include_dir), more.conf one more
# (include, relative to the file naming it). Removed again at the end:
# the fleet is shared.
nrpe_hosts()
{
	for i in 1 2 3 4 5 6; do
		printf 'node%04d %s\n' $i $(case $i in 4) echo 1;; 5) echo 2;;
		    6) echo 3;; *) echo 0;; esac)
	done
}
nrpe_hosts | while read -r name state; do
	h=$FLEET_DIR/hosts/$name
	mkdir -p "$h/nrpe.d/sub"
	cat >"$h/nrpe.cfg" <<EOC
# nrpe.cfg of $name (t0730)
server_port=5666
dont_blame_nrpe=1
command_timeout=60
command[check_state]=$P/check_dummy $state 'state of $name'
  command[check_fine] = $P/check_dummy 0 'all fine here'
command[echo_arg]=$P/check_dummy 0 \$ARG1\$
command[two_args]=$P/check_dummy \$ARG1\$ "second: \$ARG2\$"
command[check_load]=$P/check_load -w 1000,1000,1000 -c 2000,2000,2000
command[check_disk]=$P/check_disk -w 0% -c 0% -p /
command[piped]=$P/check_dummy 0 fine | /bin/cat
command[exit_seven]=/bin/sh -c 'echo odd state; exit 7'
include_dir=nrpe.d
include=more.conf
EOC
	printf 'command[from_dir]=%s/check_dummy 0 "from the include dir"\n' \
	    "$P" >"$h/nrpe.d/extra.cfg"
	printf 'command[from_sub]=%s/check_dummy 1 nested\n' "$P" \
	    >"$h/nrpe.d/sub/deeper.cfg"
	printf 'command[not_cfg]=%s/check_dummy 0\n' "$P" \
	    >"$h/nrpe.d/notes.txt"
	printf 'command[from_include]=%s/check_dummy 0 included\n' "$P" \
	    >"$h/more.conf"
done

# muster rpc nrpe ... --json on node[0001-0006]; the exit status is kept.
nrpe_rpc()
{
	rc=0
	fleet_muster -w "$hosts" --json rpc nrpe "$@" >out.json || rc=$?
}

test_expect_success 'runcommand: OK is status 0, other states status 1 named' '
	nrpe_rpc runcommand command=check_state &&
	test $rc -eq 2 &&
	jq -e "[.results[] | select(.statuscode == 0)] | length == 3" out.json &&
	jq -e ".results[] | select(.host == \"node0004\") |
	    .status == \"failed\" and .statuscode == 1 and
	    .statusmsg == \"WARNING: state of node0004\" and
	    .data.exitcode == 1 and .data.output == \"WARNING: state of node0004\" and
	    .data.perfdata == \"\" and .data.command == \"check_state\"" out.json &&
	jq -e ".results[] | select(.host == \"node0005\") |
	    .statuscode == 1 and .data.exitcode == 2 and
	    .statusmsg == \"CRITICAL: state of node0005\"" out.json &&
	jq -e ".results[] | select(.host == \"node0006\") |
	    .statuscode == 1 and .data.exitcode == 3 and
	    (.statusmsg | startswith(\"UNKNOWN: \"))" out.json &&
	jq -e ".results[] | select(.host == \"node0001\") |
	    .status == \"ok\" and .data.exitcode == 0 and
	    .data.output == \"OK: state of node0001\"" out.json
'

test_expect_success 'quoted words stay one argument; blanks around = are fine' '
	nrpe_rpc runcommand command=check_fine &&
	test $rc -eq 0 &&
	jq -e "[.results[].data.output] | unique == [\"OK: all fine here\"]" out.json
'

test_expect_success 'include_dir: *.cfg files, subdirectories too; include= relative' '
	nrpe_rpc runcommand command=from_dir &&
	jq -e "[.results[].data.output] | unique == [\"OK: from the include dir\"]" out.json &&
	nrpe_rpc runcommand command=from_sub &&
	jq -e "[.results[] | .statuscode == 1 and .data.exitcode == 1] | all" out.json &&
	nrpe_rpc runcommand command=from_include &&
	test $rc -eq 0 &&
	nrpe_rpc runcommand command=not_cfg &&
	jq -e "[.results[] | .statuscode == 1 and .data.exitcode == 3 and
	    .statusmsg == \"UNKNOWN: no such command: not_cfg\"] | all" out.json
'

test_expect_success '$ARGn$ fills its word: shell text in args runs nothing' '
	nrpe_rpc runcommand command=echo_arg "args=x; touch $TRASH/p1" &&
	test $rc -eq 0 &&
	jq -e "[.results[].data.output] | unique == [\"OK: x; touch $TRASH/p1\"]" out.json &&
	nrpe_rpc runcommand command=echo_arg "args=\$(touch $TRASH/p2) \`touch $TRASH/p3\` | touch $TRASH/p4" &&
	test $rc -eq 0 &&
	jq -e "[.results[].data | [.output, .perfdata]] | unique ==
	    [[\"OK: \$(touch $TRASH/p2) \`touch $TRASH/p3\`\", \"touch $TRASH/p4\"]]" out.json &&
	sleep 1 &&
	! ls "$TRASH"/p[1-4] 2>/dev/null
'

test_expect_success '$ARGn$: values split at !, inside quotes too; missing ones empty' '
	nrpe_rpc runcommand command=two_args "args=1!b c" &&
	jq -e "[.results[] | .statuscode == 1 and .data.exitcode == 1 and
	    .data.output == \"WARNING: second: b c\"] | all" out.json &&
	nrpe_rpc runcommand command=two_args "args=0" &&
	jq -e "[.results[].data.output] | unique == [\"OK: second:\"]" out.json &&
	nrpe_rpc runcommand command=echo_arg &&
	jq -e "[.results[].data.output] | unique == [\"OK\"]" out.json
'

test_expect_success 'a line that needs a shell is refused, naming command and character' '
	nrpe_rpc runcommand command=piped &&
	test $rc -eq 2 &&
	jq -e "[.results[] | .statuscode == 1 and .data.exitcode == 3 and
	    (.statusmsg | test(\"piped\") and test(\"needs a shell\") and
	    test(\"[|]\"))] | all" out.json
'

test_expect_success 'an exit code above 3 is UNKNOWN, with the plugin text' '
	nrpe_rpc runcommand command=exit_seven &&
	jq -e "[.results[] | .statuscode == 1 and .data.exitcode == 3 and
	    .data.output == \"odd state\" and
	    .statusmsg == \"UNKNOWN: exit code 7: odd state\"] | all" out.json
'

test_expect_success 'check_load and check_disk run for real, perfdata split off' '
	nrpe_rpc runcommand command=check_load &&
	test $rc -eq 0 &&
	jq -e "[.results[] | .data.exitcode == 0 and
	    (.data.output | test(\"^LOAD OK\") and (contains(\"|\") | not)) and
	    (.data.perfdata | test(\"^load1=[0-9.]+;1000\"))] | all" out.json &&
	nrpe_rpc runcommand command=check_disk &&
	jq -e "[.results[] | .data.exitcode == 0 and
	    (.data.output | test(\"^DISK OK\")) and
	    (.data.perfdata | test(\"^/=[0-9]+\"))] | all" out.json
'

test_expect_success 'runallcommands: every command by name, non-OK ones named' '
	fleet_muster -w node0004 --json rpc nrpe runallcommands >out.json || : &&
	jq -e ".results[0] | .statuscode == 1 and
	    (.data.commands | keys) == [\"check_disk\", \"check_fine\",
	    \"check_load\", \"check_state\", \"echo_arg\", \"exit_seven\",
	    \"from_dir\", \"from_include\", \"from_sub\", \"piped\",
	    \"two_args\"] and
	    .data.commands.check_state.exitcode == 1 and
	    .data.commands.check_fine.output == \"OK: all fine here\" and
	    (.data.commands.check_load.perfdata | test(\"load1=\")) and
	    .data.commands.piped.exitcode == 3 and
	    (.statusmsg | test(\"check_state WARNING\") and
	    test(\"piped UNKNOWN\") and test(\"from_sub WARNING\"))" out.json
'

test_expect_success 'bad inputs are refused before anything is sent (exit 64)' '
	test_expect_code 64 fleet_muster -w node0001 rpc nrpe runcommand \
	    command=-x 2>err &&
	test_grep "command" err &&
	test_expect_code 64 fleet_muster -w node0001 rpc nrpe runcommand \
	    "command=check;ls" 2>err &&
	test_expect_code 64 fleet_muster -w node0001 rpc nrpe runcommand \
	    command=check_fine "args=a
b" 2>err &&
	test_grep "args" err &&
	test_expect_code 64 fleet_muster -w node0001 rpc nrpe runcommand \
	    command=check_fine other=1 2>err &&
	test_expect_code 64 fleet_muster -w node0001 rpc nrpe runcommand 2>err
'

test_expect_success 'a request timeout shorter than the plugin ends it: timeout, UNKNOWN' '
	nrpe=$FLEET_DIR/hosts/node0001/nrpe.d/slow.cfg &&
	echo "command[slow]=/bin/sleep 30" >"$nrpe" &&
	start=$(date +%s) &&
	rc=0 && fleet_muster -w node0001 -t 2 --json rpc nrpe runcommand \
	    command=slow >out.json || rc=$? &&
	rm -f "$nrpe" &&
	test $(($(date +%s) - start)) -lt 20 &&
	test $rc -ne 0 &&
	jq -e ".results[0] | .status == \"timeout\" and .data.exitcode == 3 and
	    (.statusmsg | test(\"timed out\"))" out.json
'

# The agent alone, with an agent.conf of its own.
mkdir -p raw/d1/d2
cat >agent.conf <<EOC
identity = raw01
audit_log = $TRASH/audit.log
nrpe_config = $TRASH/raw/nrpe.cfg
nrpe_timeout = 1
EOC
MUSTER_AGENT_CONFIG=$TRASH/agent.conf
export MUSTER_AGENT_CONFIG
cat >raw/nrpe.cfg <<EOC
command[fine]=$P/check_dummy 0 fine
command[fine]=$P/check_dummy 0 'defined again'
command[slow]=/bin/sleep 10
command[prog_arg]=\$ARG1\$ -c 1
command[relative]=check_dummy 0
command[open_quote]=$P/check_dummy 0 'no end
command[semicolon]=$P/check_dummy 0 x;/bin/true
command[redirect]=$P/check_dummy 0 x 2>/dev/null
command[subst]=$P/check_dummy 0 "\$(id)"
command[backquote]=$P/check_dummy 0 \`id\`
command[escaped]=$P/check_dummy 0 a\\;b "c\\"d" 'e\\f'
command[comment]=$P/check_dummy 0 x #y
command[hash_inside]=$P/check_dummy 0 x#y
command[tilde_star]=$P/check_dummy 0 ~/*
command[multi]=/bin/printf 'first|p=1\\nlong one\\nlong two|q=2\\nr=3\\n'
EOC

raw()
{
	"$REQ" "$@" | "$AGENT" | "$DUMP" >out
}

test_expect_success 'raw: the later definition wins; data and statusmsg' '
	raw nrpe runcommand command=fine &&
	jq -e ".statuscode == 0 and .statusmsg == \"OK\" and
	    .data == {exitcode: 0, output: \"OK: defined again\", perfdata: \"\",
	    command: \"fine\"}" out
'

test_expect_success 'raw: nrpe_timeout kills the plugin: UNKNOWN, timed out' '
	start=$(date +%s) &&
	raw nrpe runcommand command=slow &&
	test $(($(date +%s) - start)) -lt 8 &&
	jq -e ".statuscode == 1 and .timed_out == false and
	    .data.exitcode == 3 and
	    .statusmsg == \"UNKNOWN: command slow timed out after 1 s\"" out
'

test_expect_success 'raw: the program can come from no argument, and is absolute' '
	raw nrpe runcommand command=prog_arg args=/bin/touch &&
	jq -e ".statuscode == 1 and .data.exitcode == 3 and
	    (.statusmsg | test(\"program may not come from .ARG1.\"))" out &&
	raw nrpe runcommand command=relative &&
	jq -e ".statuscode == 1 and (.statusmsg | test(\"check_dummy.*not an absolute path\"))" out
'

test_expect_success 'raw: lines only a shell could run are refused' '
	for c in semicolon:";" redirect:">" subst:"\$(" backquote:"\`" \
	    comment:"#"; do
		raw nrpe runcommand command=${c%%:*} &&
		jq -e --arg c "${c%%:*}" --arg ch "${c#*:}" \
		    ".statuscode == 1 and .data.exitcode == 3 and
		    (.statusmsg | startswith(\"UNKNOWN: command \" + \$c +
		    \": the line needs a shell (\u0027\" + \$ch + \"\u0027\"))" out ||
		{ cat out; return 1; }
	done &&
	raw nrpe runcommand command=open_quote &&
	jq -e ".statuscode == 1 and (.statusmsg | test(\"single quote is not closed\"))" out
'

test_expect_success 'raw: escapes as sh has them; # inside a word, ~ and * are literal' '
	raw nrpe runcommand command=escaped &&
	jq -e ".data.output == \"OK: a;b\"" out &&
	raw nrpe runcommand command=hash_inside &&
	jq -e ".data.output == \"OK: x#y\"" out &&
	raw nrpe runcommand command=tilde_star &&
	jq -e ".data.output == \"OK: ~/*\"" out
'

test_expect_success 'raw: long text and perfdata of later lines (plugin API)' '
	raw nrpe runcommand command=multi &&
	jq -e ".statuscode == 0 and .data.output == \"first\nlong one\nlong two\" and
	    .data.perfdata == \"p=1 q=2 r=3\"" out
'

test_expect_success 'raw: bad inputs are status 4 before anything runs' '
	raw nrpe runcommand command=-x &&
	jq -e ".statuscode == 4 and (.statusmsg | test(\"command\"))" out &&
	raw nrpe runcommand "command=fine;touch $TRASH/p5" &&
	jq -e ".statuscode == 4" out &&
	raw nrpe runcommand command=fine "args=a
b" &&
	jq -e ".statuscode == 4 and (.statusmsg | test(\"args\"))" out &&
	raw nrpe runcommand &&
	jq -e ".statuscode == 3" out &&
	raw nrpe runallcommands command=fine &&
	jq -e ".statuscode == 4" out &&
	! test -e p5
'

test_expect_success 'raw: an include cycle, a missing file: status 5 naming the file' '
	echo "include=d1/a.cfg" >raw/loop.cfg &&
	echo "include_dir=d2" >raw/d1/a.cfg &&
	echo "include=../../loop.cfg" >raw/d1/d2/b.cfg &&
	cp raw/nrpe.cfg raw/nrpe.cfg.orig &&
	echo "include=loop.cfg" >>raw/nrpe.cfg &&
	raw nrpe runcommand command=fine &&
	jq -e ".statuscode == 5 and .data.exitcode == 3 and
	    (.statusmsg | test(\"loop.cfg: included from itself\"))" out &&
	cp raw/nrpe.cfg.orig raw/nrpe.cfg &&
	echo "include=nosuch.cfg" >>raw/nrpe.cfg &&
	raw nrpe runallcommands &&
	jq -e ".statuscode == 5 and .data.commands == {} and
	    (.statusmsg | test(\"raw/nosuch.cfg: No such file\"))" out &&
	echo "garbage line" >raw/nrpe.cfg &&
	raw nrpe runcommand command=fine &&
	jq -e ".statuscode == 5 and (.statusmsg | test(\"nrpe.cfg:1: not KEY=VALUE\"))" out &&
	cp raw/nrpe.cfg.orig raw/nrpe.cfg
'

test_expect_success 'raw: includes nested too deep are refused' '
	mkdir -p deep &&
	for i in 1 2 3 4 5 6 7 8 9 10 11; do
		echo "include=deep$((i + 1)).cfg" >deep/deep$i.cfg
	done &&
	echo "command[x]=/bin/true" >deep/deep12.cfg &&
	sed -i "s|^nrpe_config = .*|nrpe_config = $TRASH/deep/deep1.cfg|" agent.conf &&
	raw nrpe runcommand command=x &&
	jq -e ".statuscode == 5 and (.statusmsg | test(\"nested deeper than\"))" out &&
	sed -i "s|^nrpe_config = .*|nrpe_config = $TRASH/raw/nrpe.cfg|" agent.conf
'

# A host that gives no answer: a loopback port with no listener, beside
# the fleet's hosts (the fleet's ssh_config first, then this one).
refused=$("$TOOLS/free-port")
{
	cat "$FLEET_DIR/ssh_config"
	printf "Host down1\n\tHostName 127.0.0.1\n\tPort %s\n" "$refused"
} >nagios.conf

test_expect_success 'muster nrpe CHECK lists the hosts not OK, states summarised' '
	test_expect_code 2 fleet_muster -w "$hosts" nrpe check_state >out &&
	test_grep "^node0004 *WARNING: state of node0004$" out &&
	test_grep "^node0005 *CRITICAL: state of node0005$" out &&
	test_grep "^node0006 *UNKNOWN: state of node0006$" out &&
	! grep "^node000[123]" out &&
	test_grep "^ *Exit Code: 3 \* OK, 1 \* CRITICAL node0005, 1 \* UNKNOWN node0006, 1 \* WARNING node0004$" out
'

test_expect_success 'muster nrpe CHECK ARG...: the words fill $ARG1$, $ARG2$' '
	test_expect_code 2 fleet_muster -w node0001 nrpe two_args 1 "x; touch $TRASH/pwned" --json >out.json &&
	jq -e ".request.args == {\"command\": \"two_args\", \"args\": \"1!x; touch $TRASH/pwned\"}" out.json &&
	jq -e ".results[0].data.output == \"WARNING: second: x; touch $TRASH/pwned\"" out.json &&
	test ! -e pwned
'

test_expect_success '--nagios: one plugin line, the hosts not OK, the worst state (critical: 2)' '
	test_expect_code 2 fleet_muster -w "$hosts" nrpe check_state --nagios >out &&
	head -n 1 out >line &&
	test_grep "^check_state: OK: 3 WARNING: 1 CRITICAL: 1 UNKNOWN: 1|total=6 ok=3 warn=1 crit=1 unknown=1 checktime=[0-9.]*s$" line &&
	test_grep "^node0004 WARNING: state of node0004$" out &&
	test_grep "^node0005 CRITICAL: state of node0005$" out &&
	test_grep "^node0006 UNKNOWN: state of node0006$" out &&
	test $(wc -l <out) -eq 4
'

test_expect_success '--nagios: warning beats unknown (1), all OK is 0' '
	test_expect_code 1 fleet_muster -w "node[0004,0006]" nrpe check_state --nagios >out &&
	test_grep "^check_state: OK: 0 WARNING: 1 CRITICAL: 0 UNKNOWN: 1|" out &&
	fleet_muster -w "node[0001-0003]" nrpe check_state --nagios >out &&
	test_grep "^check_state: OK: 3 WARNING: 0 CRITICAL: 0 UNKNOWN: 0|total=3 ok=3" out &&
	test $(wc -l <out) -eq 1
'

test_expect_success '--nagios: a host that gives no answer counts UNKNOWN (3)' '
	test_expect_code 3 "$MUSTER" --ssh-config nagios.conf -w "node[0001-0003],down1" \
	    nrpe check_state --nagios >out &&
	test_grep "^check_state: OK: 3 WARNING: 0 CRITICAL: 0 UNKNOWN: 1|total=4" out &&
	test_grep "^down1 UNKNOWN: unreachable: .*refused" out
'

test_expect_success '--nagios is nrpe'"'"'s alone; elsewhere one line, exit 64' '
	test_expect_code 64 fleet_muster -w node0001 ping --nagios 2>err &&
	test_grep "not an option of .ping." err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'clean up the hosts nrpe.cfg files' '
	nrpe_hosts | while read -r name state; do
		h=$FLEET_DIR/hosts/$name &&
		rm -rf "$h/nrpe.cfg" "$h/nrpe.d" "$h/more.conf" || exit 1
	done &&
	! ls "$FLEET_DIR"/hosts/node000[1-6]/nrpe.cfg 2>/dev/null
'

test_done
