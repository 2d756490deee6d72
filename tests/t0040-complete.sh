#!/bin/sh
test_description='the option table: options per command, help and the man page from it (no host contacted)'
TEST_NO_FLEET=1
. "$(dirname "$0")/test-lib.sh"

MAN=$TOP/man/muster.1

# one_line_error CODE PATTERN MUSTER-ARGS...: exit CODE, and stderr is one
# line matching PATTERN.
one_line_error()
{
	code=$1
	pat=$2
	shift 2
	test_expect_code "$code" "$MUSTER" "$@" 2>err &&
	test_grep -e "$pat" err &&
	test "$(wc -l <err)" -eq 1
}

# The options of the table, as "muster help" lists them: "-w", "--json".
help_options()
{
	grep -v "not in this version" "$@" |
	sed -n "s/^  \(-[a-zA-Z]\)\(, \(--[a-z-]*\)\)\{0,1\}.*/\1 \3/p;
	    s/^  \(--[a-z-]*\).*/\1/p" | tr " " "\n" | grep .
}

test_expect_success 'an option a command does not take: one line naming both, exit 64' '
	one_line_error 64 "^muster: option .--nagios. is not an option of .ping." \
	    -w n1 ping --nagios &&
	one_line_error 64 "^muster: option .--nagios. is not an option of .ping." \
	    --nagios -w n1 ping &&
	one_line_error 64 "^muster: option .-c. is not an option of .find." -w n1 find -c 3 &&
	one_line_error 64 "^muster: option .--concurrency. is not an option of .find." \
	    --concurrency=3 -w n1 find &&
	one_line_error 64 "^muster: option .-w. is not an option of .agents." agents -w n1 &&
	one_line_error 64 "^muster: option .--json. is not an option of .doc." --json doc shell
'

test_expect_success 'the options a command takes still work before and after its word' '
	"$MUSTER" -w "n[1-2]" find >out &&
	"$MUSTER" find -w "n[1-2]" -x n2 >out &&
	echo n1 >expect && test_cmp expect out &&
	"$MUSTER" -v agents >out &&
	test_grep "^shell" out &&
	"$MUSTER" doc -v shell >out &&
	test_grep "^shell" out &&
	"$MUSTER" -n -w n1 rpc --json rpcutil ping --display all >out &&
	test_grep "rpcutil.ping" out
'

test_expect_success 'unknown options and values stay as they were' '
	one_line_error 64 "unknown option .--frob." ping --frob &&
	one_line_error 64 "unknown option .-q." -q ping &&
	one_line_error 64 "option .--json. takes no value" -w n1 ping --json=1 &&
	one_line_error 64 "option .--yes. takes no value" --yes=1 -w n1 ping
'

test_expect_success 'muster help lists every option with its help line' '
	"$MUSTER" help >help &&
	help_options help | sort -u >listed &&
	test_grep -e "--nagios" listed &&
	test_grep -e "--expect" listed &&
	test_grep "^  -F -C -I -A -W -S .*not in this version" help &&
	for o in -w -x -i -c -t -n -v -h -V --inventory --concurrency --timeout \
	    --connect-timeout --dry-run --yes --reason --ssh-config --agent-path \
	    --display --json --jsonl --senders --color --expect --nagios \
	    --verbose --help --version; do
		grep -qx -e "$o" listed || { echo "help lacks $o"; exit 1; }
	done
'

test_expect_success 'COMMAND --help lists the options that command takes, and only those' '
	"$MUSTER" find --help >help &&
	test_grep "^Host selection:" help &&
	test_grep "^General:" help &&
	test_grep ! "^Execution:" help &&
	test_grep ! "^Output:" help &&
	"$MUSTER" help doc >help &&
	test_grep "^  -v, --verbose  " help &&
	test_grep ! "^  -w " help &&
	"$MUSTER" ping --help >help &&
	test_grep "^  --connect-timeout S   seconds" help &&
	test_grep "^  --display ok|failed|all|none  which hosts" help &&
	test_grep ! -e "--nagios" help
'

test_expect_success 'every option of the table has its entry in the man page' '
	"$MUSTER" help >help &&
	help_options help | sort -u >listed &&
	test $(wc -l <listed) -ge 28 &&
	sed -n "/^\.TP/{n;p;}" "$MAN" >tp &&
	while read -r o; do
		m=$(printf "%s" "$o" | sed "s/-/\\\\\\\\-/g") &&
		grep -q -e "^\.B[IR]\{0,1\} .*$m\([^a-z\\\\]\|\$\)" tp ||
		    { echo "man page lacks $o"; exit 1; }
	done <listed &&
	for o in F C I A W S; do
		grep -q -e "^\.[BIR]* .*\\\\-$o[ ,:]" "$MAN" ||
		    { echo "man page lacks -$o"; exit 1; }
	done
'

test_done
