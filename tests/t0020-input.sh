#!/bin/sh
test_description='hostile and exhausted input: name and byte bounds, terminal sanitising, write errors, audit log, SIGHUP'
. "$(dirname "$0")/test-lib.sh"

# no_controls FILE: FILE holds no C0 control but newline and tab, no DEL
# and no byte 0x80-0x9f (a raw C1 control, or part of a UTF-8 encoded
# one: the test texts hold no other character that uses such a byte).
no_controls()
{
	tr -d '\000-\010\013-\037\177\200-\237' <"$1" >"$1.clean"
	cmp -s "$1" "$1.clean" && return 0
	echo "control bytes in $1:" >&2
	od -c "$1" | head -n 20 >&2
	return 1
}

# Text with ESC, BEL, an OSC title, raw CSI and OSC, UTF-8 encoded CSI,
# and a printable non-ASCII letter that must survive.
c1cmd='printf "\033]0;pwned\007\033[31mred \233raw \235osc \302\233utf8 caf\303\251\n"; printf "err\033[2J\302\235\n" >&2'
c1=$(printf 'x\033[31m\007\233\235\302\233y')

test_expect_success 'remote output: ESC, BEL, raw and UTF-8 C1 are neutralised' '
	fleet_muster -w node0001 shell "$c1cmd" >out &&
	no_controls out &&
	test_grep "?]0;pwned??\[31mred ?raw ?osc ?utf8 caf" out &&
	LC_ALL=C.UTF-8 grep -q "caf$(printf "\303\251")" out
'

test_expect_success 'remote output of a failed host is neutralised too' '
	test_expect_code 2 fleet_muster -w node0001 shell "$c1cmd; exit 3" >out &&
	no_controls out &&
	test_grep "err?\[2J?" out
'

test_expect_success '--json keeps the bytes (JSON escapes them)' '
	fleet_muster -w node0001 --json shell "$c1cmd" >out.json &&
	jq -e ".results[0].data.stdout | startswith(\"\u001b]0;pwned\u0007\")" out.json
'

test_expect_success 'a bad -w name is quoted without its control bytes' '
	test_expect_code 64 "$MUSTER" -w "web$c1" ping 2>err &&
	no_controls err &&
	test $(wc -l <err) -eq 1 &&
	test_grep "bad character 0x1b in .webx?\[31m????y." err
'

test_expect_success 'an unknown command name is neutralised' '
	test_expect_code 64 "$MUSTER" "cmd$c1" 2>err &&
	no_controls err &&
	test_grep "unknown command .cmdx" err
'

test_expect_success 'file names in messages are neutralised (-w ^, -i, --ssh-config)' '
	test_expect_code 64 "$MUSTER" -w "^no$c1" ping 2>err &&
	no_controls err && test_grep "nox?\[31m" err &&
	test_expect_code 64 "$MUSTER" -i "no$c1" ping 2>err &&
	no_controls err && test_grep "nox?\[31m" err &&
	test_expect_code 64 "$MUSTER" --ssh-config "no$c1" -w node0001 ping 2>err &&
	no_controls err && test_grep "nox?\[31m" err
'

test_expect_success 'inventory and ssh_config contents in messages are neutralised' '
	printf "web1 bad%sfact\n" "$c1" >inv &&
	test_expect_code 64 "$MUSTER" -i inv ping 2>err &&
	no_controls err && test_grep "inv:1: bad fact .badx" err &&
	printf "Host x\n\tPort 2%s2\n" "$c1" >sshconf &&
	test_expect_code 64 "$MUSTER" --ssh-config sshconf -w x ping 2>err &&
	no_controls err && test_grep "sshconf:2" err
'

test_expect_success 'rpc arguments in messages are neutralised' '
	test_expect_code 64 "$MUSTER" -w node0001 rpc rpcutil ping "k$c1=v" 2>err &&
	no_controls err && test_grep "kx?\[31m????y" err &&
	test_expect_code 64 "$MUSTER" -w node0001 rpc "agent$c1" ping 2>err &&
	no_controls err && test_grep "agentx" err
'

test_expect_success 'the arguments shown by a dry run are neutralised' '
	"$MUSTER" -n -w node0001 shell "echo $c1" >out &&
	no_controls out &&
	test_grep "dry run: would run shell.run" out
'

# Bounded memory where the build allows it (ASan reserves terabytes).
limit_memory()
{
	[ -n "${MUSTER_TEST_SANITIZED:-}" ] || ulimit -v 400000
}

test_expect_success '1.5 KB of -w naming 10 M hosts is refused before allocating' '
	spec=$(i=0; while [ $i -lt 100 ]; do printf "n%d-[1-100000]," $i; i=$((i + 1)); done) &&
	rc=0 && (limit_memory; exec "$MUSTER" -w "${spec%,}" find) >out 2>err || rc=$? &&
	test "$rc" -eq 64 &&
	test_grep "too many host names: .n0-\[1-100000\],n1-" err &&
	test_grep "past 1000000" err &&
	test $(wc -l <err) -eq 1 &&
	test ! -s out
'

test_expect_success 'the cap counts over several -w, and over inventory lines' '
	args= && i=0 &&
	while [ $i -lt 11 ]; do args="$args -w n$i-[1-100000]"; i=$((i + 1)); done &&
	rc=0 && (limit_memory; exec "$MUSTER" $args find) >out 2>err || rc=$? &&
	test "$rc" -eq 64 &&
	test_grep "too many host names: .n10-\[1-100000\]. takes" err &&
	for i in 1 2 3 4 5 6 7 8 9 10 11; do echo "n[1-100000] k=$i"; done >big.inv &&
	rc=0 && (limit_memory; exec "$MUSTER" -i big.inv find) >out 2>err || rc=$? &&
	test "$rc" -eq 64 &&
	test_grep "big.inv:11: too many host names" err
'

test_expect_success '-w ^/dev/zero and -w - </dev/zero: one line, exit 64' '
	rc=0 && (limit_memory; exec "$MUSTER" -w ^/dev/zero find) >out 2>err || rc=$? &&
	test "$rc" -eq 64 && test ! -s out &&
	test_grep "^muster: -w: /dev/zero:1: a NUL byte" err &&
	test $(wc -l <err) -eq 1 &&
	rc=0 && (limit_memory; exec "$MUSTER" -w - find </dev/zero) >out 2>err || rc=$? &&
	test "$rc" -eq 64 &&
	test_grep "^muster: -w: stdin:1: a NUL byte" err
'

test_expect_success 'an endless line or stream of names is bounded: exit 64' '
	rc=0 && (limit_memory; tr "\000" a </dev/zero | "$MUSTER" -w - find) >out 2>err || rc=$? &&
	test "$rc" -eq 64 &&
	test_grep "stdin:1: a line longer than 1 MiB" err &&
	rc=0 && (limit_memory; yes node1 | "$MUSTER" -w - find) >out 2>err || rc=$? &&
	test "$rc" -eq 64 &&
	test_grep "stdin: more than 16 MiB" err
'

test_expect_success 'a NUL byte in a -w file is an error naming the file and line' '
	printf "node1\nnode2\000node3\nnode4\n" >names &&
	test_expect_code 64 "$MUSTER" -w ^names find >out 2>err &&
	test_grep "^muster: -w: names:2: a NUL byte" err &&
	test ! -s out &&
	test_expect_code 64 "$MUSTER" -w - find <names >out 2>err &&
	test_grep "stdin:2: a NUL byte" err
'

test_expect_success 'the inventory is read within the same bounds' '
	rc=0 && (limit_memory; exec "$MUSTER" -i /dev/zero find) >out 2>err || rc=$? &&
	test "$rc" -eq 64 &&
	test_grep "^muster: /dev/zero:1: a NUL byte" err &&
	printf "web1 a=b\nweb2 role=x\000web3\n" >nul.inv &&
	test_expect_code 64 "$MUSTER" -i nul.inv find 2>err &&
	test_grep "nul.inv:2: a NUL byte" err
'

test_expect_success 'a -w file that cannot be read is an error, not an empty list' '
	mkdir -p adir &&
	test_expect_code 64 "$MUSTER" -w ^adir find >out 2>err &&
	test_grep "^muster: -w: adir: Is a directory" err
'

audit_log=$HOME/.local/state/muster/audit.jsonl

test_expect_success 'an empty agent path is refused before any host is contacted' '
	rm -f "$audit_log" &&
	test_expect_code 64 fleet_muster --agent-path "" -w node0001 ping >out 2>err &&
	test_grep "^muster: the agent path is empty" err &&
	test $(wc -l <err) -eq 1 && test ! -s out &&
	test_expect_code 64 fleet_muster --agent-path "" -n -w node0001 ping >out 2>err &&
	test_grep "agent path is empty" err &&
	echo "agent_path =" >empty.conf &&
	MUSTER_CONFIG=$TRASH/empty.conf test_expect_code 64 fleet_muster -w node0001 ping 2>err &&
	test_grep "agent path is empty" err &&
	test ! -e "$audit_log"
'

test_expect_success 'an agent path with shell syntax is refused too' '
	rm -f "$audit_log" &&
	test_expect_code 64 fleet_muster --agent-path "/bin/true;id" -w node0001 ping >out 2>err &&
	test_grep "only letters" err && test ! -s out &&
	test ! -e "$audit_log"
'

test_expect_success 'a full stdout: one line, exit 74, after the audit line' '
	rm -f "$audit_log" &&
	test_expect_code 74 fleet_muster -w node0001 ping >/dev/full 2>err &&
	test_grep "^muster: cannot write output: No space left on device$" err &&
	test $(wc -l <err) -eq 1 &&
	test $(wc -l <"$audit_log") -eq 1 &&
	jq -e ".exit_code == 74 and .counts.ok == 1" "$audit_log"
'

test_expect_success 'a closed stdout: exit 74, no socket takes its place' '
	test_expect_code 74 fleet_muster -w "$(fleet_range 1 5)" ping >&- 2>err &&
	test_grep "^muster: cannot write output: Bad file descriptor$" err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'write errors of --json, --jsonl, many hosts and find are caught' '
	test_expect_code 74 fleet_muster -w node0001 ping --json >/dev/full 2>err &&
	test_grep "No space left on device" err &&
	test_expect_code 74 fleet_muster -w "$(fleet_range 1 3)" ping --jsonl >/dev/full 2>err &&
	test_grep "No space left on device" err &&
	test $(wc -l <err) -eq 1 &&
	test_expect_code 74 fleet_muster -w "$(fleet_range 1 50)" --display all shell "seq 2000" >/dev/full 2>err &&
	test_grep "No space left on device" err &&
	test_expect_code 74 "$MUSTER" -w "n[1-1000]" find >/dev/full 2>err &&
	test_grep "^muster: cannot write output: No space left on device$" err &&
	test_expect_code 74 "$MUSTER" help >/dev/full
'

test_expect_success 'a full disk cuts an audit record: said with its errno, next record on its own line' '
	rm -f "$audit_log" && mkdir -p "${audit_log%/*}" &&
	# The bytes of one block of RLIMIT_FSIZE (the unit depends on the shell).
	(trap "" XFSZ; ulimit -f 1; head -c 4096 /dev/zero >probe) 2>/dev/null || : &&
	limit=$(wc -c <probe) &&
	# An old record with its newline, 12 bytes short of the limit.
	printf "{\"old\":\"%0$((limit - 23))d\"}\n" 0 >"$audit_log" &&
	test $(wc -c <"$audit_log") -eq $((limit - 12)) &&
	rc=0 && (ulimit -f 1; exec "$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" \
	    -w node0001 ping) >out 2>err || rc=$? &&
	test "$rc" -eq 0 &&
	test_grep "node0001" out &&
	test_grep "^muster: audit: cannot write $audit_log: File too large (the record is incomplete)$" err &&
	test $(wc -l <err) -eq 1 &&
	test $(wc -c <"$audit_log") -eq $limit &&
	fleet_muster -w node0001 ping >out 2>err &&
	test ! -s err &&
	test $(wc -l <"$audit_log") -eq 3 &&
	head -n 1 "$audit_log" | jq -e .old >/dev/null &&
	tail -n 1 "$audit_log" | jq -e ".exit_code == 0 and .counts.ok == 1"
'

test_expect_success 'an audit log on a full device: one warning, exit status kept' '
	rm -f "$audit_log" && ln -s /dev/full "$audit_log" &&
	fleet_muster -w node0001 ping >out 2>err &&
	test_grep "^muster: audit: cannot write $audit_log: No space left on device (no record written)$" err &&
	test $(wc -l <err) -eq 1 &&
	rm -f "$audit_log"
'

# Is SIGHUP ignored by whoever started the tests (nohup)? Then it cannot
# be restored for muster, which keeps it ignored.
hup_ignored()
{
	mask=$(awk '/^SigIgn:/ { print $2 }' /proc/self/status 2>/dev/null)
	[ -n "$mask" ] && [ $((0x$mask & 1)) -ne 0 ]
}

hup_marker=t0020-hup-$$

test_expect_success 'SIGHUP mid-run: hosts cancelled, output printed, audit written, exit 130' '
	if hup_ignored; then echo "SIGHUP is ignored here: nothing to test"; exit 0; fi &&
	rm -f "$audit_log" &&
	"$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" -w "$(fleet_range 1 3)" \
	    shell "sleep 30; : $hup_marker" >out 2>err &
	pid=$! &&
	# Wait until the hosts run the command (or give up after 20 s).
	i=0 && while [ $i -lt 200 ] &&
	    [ $(pgrep -c -f "^/bin/sh -c sleep 30; : $hup_marker") -lt 3 ]; do
		sleep 0.1; i=$((i + 1)); done &&
	start=$(date +%s) &&
	kill -HUP $pid &&
	rc=0 && wait $pid || rc=$? &&
	test "$rc" -eq 130 &&
	test $(($(date +%s) - start)) -lt 10 &&
	test_grep "Cancelled: 3   node\[0001-0003\]" out &&
	test_grep "hung up while calling" out &&
	jq -e ".exit_code == 130 and .counts.cancelled == 3" "$audit_log"
'

test_expect_success 'SIGHUP ignored by the caller (nohup) stays ignored' '
	(trap "" HUP; exec "$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" \
	    -w node0001 shell "sleep 2; echo done") >out 2>err &
	pid=$! &&
	sleep 1 && kill -HUP $pid &&
	rc=0 && wait $pid || rc=$? &&
	test "$rc" -eq 0 &&
	test_grep "^done$" out
'

test_expect_success 'ssh_config and the client config: a NUL byte or an endless line is an error' '
	printf "Host x\n\tHostName 127.0.0.1\0 ignored\n" >nul.conf &&
	test_expect_code 64 "$MUSTER" --ssh-config nul.conf -w x ping >out 2>err &&
	test_grep "^muster: ssh_config nul.conf:2: a NUL byte" err &&
	test_must_be_empty out &&
	head -c 100000 /dev/zero | tr "\0" a >long.conf &&
	test_expect_code 64 "$MUSTER" --ssh-config long.conf -w x ping 2>err &&
	test_grep "long.conf:1: a line longer than 64 KiB" err &&
	printf "agent_path = /x\0y\n" >muster.cfg &&
	test_expect_code 64 env MUSTER_CONFIG=$TRASH/muster.cfg "$MUSTER" -w x ping 2>err &&
	test_grep "muster.cfg:1: a NUL byte" err
'

test_expect_success 'a missing inventory or config file names itself as such' '
	test_expect_code 64 "$MUSTER" -i "$TRASH/nope" ping 2>err &&
	test_grep "^muster: inventory $TRASH/nope: No such file or directory" err &&
	test_expect_code 64 env MUSTER_INVENTORY=$TRASH/nope2 "$MUSTER" ping 2>err &&
	test_grep "^muster: inventory $TRASH/nope2: No such file" err &&
	test_expect_code 64 env MUSTER_CONFIG=$TRASH/nope3 "$MUSTER" ping 2>err &&
	test_grep "^muster: config $TRASH/nope3: No such file" err
'

test_done
