#!/bin/sh
test_description='rough edges a new operator hits: option values, install (no host contacted)'
TEST_NO_FLEET=1
. "$(dirname "$0")/test-lib.sh"

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

test_expect_success 'a bad --color value is one line naming it, even if it is a command' '
	one_line_error 64 "--color .*not .ping." --color ping &&
	one_line_error 64 "--color .*not .purple." --color purple ping &&
	one_line_error 64 "--color .*not .." --color= ping &&
	one_line_error 64 "option .--color. needs a value" --color
'

test_expect_success 'a bad --display value is one line naming it' '
	one_line_error 64 "--display .*not .bogus." --display bogus &&
	one_line_error 64 "--display .*not .ping." --display ping &&
	one_line_error 64 "--display .*not .sideways." -w n1 ping --display sideways
'

test_expect_success 'bad numbers are one line naming the option as typed' '
	one_line_error 64 "^muster: -c needs a positive number, not .abc.$" -c abc ping &&
	one_line_error 64 "^muster: -t needs a positive number, not .-1.$" -t -1 ping &&
	one_line_error 64 "^muster: --connect-timeout needs a positive number, not .x.$" \
	    --connect-timeout x ping &&
	one_line_error 64 "^muster: --concurrency needs a positive number, not .0.$" \
	    --concurrency=0 ping &&
	one_line_error 64 "^muster: --timeout needs a positive number, not .ping.$" \
	    -w n1 --timeout ping &&
	one_line_error 64 "^muster: -c needs a positive number, not .abc.$" ping -c abc &&
	one_line_error 64 "^muster: -c needs a number up to 1000000, not .99999999.$" -c 99999999 ping &&
	one_line_error 64 "^muster: -t needs a number up to 1000000, not .99999999999999999999999.$" \
	    -t 99999999999999999999999 ping
'

test_expect_success 'a value that takes the command word says so in one line' '
	one_line_error 64 "option .--ssh-config. took .ping. as its value" --ssh-config ping &&
	one_line_error 64 "option .-w. took .shell. as its value" -w shell &&
	one_line_error 64 "option .--reason. took .find. as its value" -w n1 --reason find
'

test_expect_success 'a missing value at the end is one line naming the option' '
	one_line_error 64 "option .-c. needs a value" -w n1 ping -c &&
	one_line_error 64 "option .--agent-path. needs a value" -w n1 ping --agent-path &&
	one_line_error 64 "option .--json. takes no value" -w n1 ping --json=1
'

test_expect_success 'an empty inventory or ssh_config name is one line' '
	one_line_error 64 "^muster: option .-i. needs a value, not ..$" -i "" find &&
	one_line_error 64 "^muster: option .--inventory. needs a value, not ..$" --inventory= find &&
	one_line_error 64 "^muster: option .--ssh-config. needs a value, not ..$" -w n1 --ssh-config "" ping
'

test_expect_success 'options but no command: one line; nothing at all: the usage' '
	one_line_error 64 "no command" -v &&
	test_expect_code 64 "$MUSTER" 2>err &&
	test_grep "^usage: muster" err
'

test_expect_success 'options still go anywhere before the command line of shell' '
	"$MUSTER" -n -w n1 shell uname -a >out 2>err &&
	test_grep "\"command\":\"uname -a\"" out &&
	"$MUSTER" shell -n -w n1 uname -a >out 2>err &&
	test_grep "\"command\":\"uname -a\"" out &&
	"$MUSTER" -w n1 ping -n >out &&
	test_grep "rpcutil.ping" out
'

test_expect_success 'after shell'"'"'s first command word, every word is the command'"'"'s' '
	"$MUSTER" -n -w n1 shell ls -l --json -- -x >out &&
	test_grep "\"command\":\"ls -l --json -- -x\"" out &&
	"$MUSTER" -n -w n1 shell -- -x -y >out &&
	test_grep "\"command\":\"-x -y\"" out
'

test_expect_success 'muster-agent -V works like muster -V' '
	"$AGENT" -V >out &&
	"$AGENT" --version >expect &&
	test_cmp expect out &&
	test_grep "^muster-agent [0-9][0-9.]* (protocol [0-9]*)$" out &&
	"$MUSTER" -V >out &&
	test_grep "^muster [0-9][0-9.]* (protocol [0-9]*)$" out
'

# tmake ARGS...: make in the source tree, building into $TRASH/build, away
# from the build the other tests use and from a make that started us.
tmake()
{
	env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS -u BUILD \
	    make -C "$TOP" --no-print-directory -j2 BUILD="$TRASH/build" "$@"
}

# stamp FILE: its inode and modification time, or "none".
stamp()
{
	stat -c "%i %y" "$1" 2>/dev/null || echo none
}

test_expect_success 'make install DESTDIR=D PREFIX=P puts everything under D/P' '
	tmake install DESTDIR="$TRASH/d" PREFIX=/opt/muster-t >make.log 2>&1 ||
	    { cat make.log; exit 1; } &&
	(cd "$TRASH/d" && find . -type f | sort) >files &&
	{
		cat <<-\EOF &&
		./opt/muster-t/bin/muster
		./opt/muster-t/libexec/muster/muster-agent
		./opt/muster-t/share/bash-completion/completions/muster
		./opt/muster-t/share/man/man1/muster.1
		./opt/muster-t/share/man/man8/muster-agent.8
		./opt/muster-t/share/zsh/site-functions/_muster
		EOF
		for f in "$TOP"/ddl/*.json; do
			echo "./opt/muster-t/share/muster/ddl/${f##*/}"
		done
	} | sort >expect &&
	test_cmp expect files &&
	"$TRASH/d/opt/muster-t/bin/muster" ping --help >help &&
	test_grep "(default /opt/muster-t/libexec/muster/muster-agent)" help
'

test_expect_success 'make install PREFIX=P writes nothing outside P; uninstall removes it all' '
	before=$(stamp /usr/libexec/muster/muster-agent) &&
	tmake install PREFIX="$TRASH/p" >make.log 2>&1 || { cat make.log; exit 1; } &&
	test "$(stamp /usr/libexec/muster/muster-agent)" = "$before" &&
	test -x "$TRASH/p/libexec/muster/muster-agent" &&
	"$TRASH/p/libexec/muster/muster-agent" -V >out &&
	test_grep "^muster-agent " out &&
	"$TRASH/p/bin/muster" ping --help >help &&
	test_grep "(default $TRASH/p/libexec/muster/muster-agent)" help &&
	test $(find "$TRASH/p" -type f | wc -l) -eq \
	    $((6 + $(ls "$TOP"/ddl/*.json | wc -l))) &&
	HOME=$TRASH/p env -u MUSTER_DDL_PATH "$TRASH/p/bin/muster" -n \
	    -w h1 rpc shell run command=true >dry &&
	test_grep "would run shell.run {\"command\":\"true\"} (timeout 60 s)" dry &&
	tmake uninstall PREFIX="$TRASH/p" >make.log 2>&1 || { cat make.log; exit 1; } &&
	find "$TRASH/p" -type f >left &&
	test_must_fail test -s left &&
	test ! -e "$TRASH/p/libexec/muster" &&
	test ! -e "$TRASH/p/share/muster"
'

test_expect_success 'a library pkg-config cannot find is named, with its package' '
	mkdir -p empty-pc &&
	(
		PKG_CONFIG_LIBDIR=$TRASH/empty-pc PKG_CONFIG_PATH= &&
		export PKG_CONFIG_LIBDIR PKG_CONFIG_PATH &&
		test_must_fail tmake BUILD="$TRASH/b-nopc" all >out 2>err
	) &&
	test_grep "Package libssh2 was not found" err &&
	test_grep "install: .*libssh2-1-dev" err &&
	test_grep "install: .*libevent-dev" err &&
	test_grep "install: .*libmsgpack-dev" err &&
	test_grep "install: .*libyaml-dev" err &&
	test ! -e "$TRASH/b-nopc/src/muster.o"
'

test_expect_success 'CPPFLAGS reaches the compiler' '
	tmake -n V=1 BUILD="$TRASH/b-cpp" CPPFLAGS=-DMUSTER_CPPFLAGS_SEEN all >out 2>&1 &&
	test_grep -e "-DMUSTER_CPPFLAGS_SEEN" out
'

test_done
