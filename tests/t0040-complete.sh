#!/bin/sh
test_description='the option table and muster --complete: options per command, help, the man page and the completion scripts from one table and the DDLs (no host contacted)'
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
	for o in -F -C -I -A -W -S --discovery --limit --limit-seed --rerun; do
		grep -qx -e "$o" listed || { echo "help lacks $o"; exit 1; }
	done &&
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
	test_grep -e "^  --senders" help &&
	test_grep ! -e "--display" help &&
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

test_expect_success 'every command of the table answers --help and is in the man synopsis' '
	"$MUSTER" --complete commands >cmds &&
	test $(wc -l <cmds) -ge 7 &&
	sed -n "/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p" "$MAN" >syn &&
	while read -r c; do
		"$MUSTER" "$c" --help >out &&
		usage=$(sed -n "s/^usage: muster \[OPTIONS\] //p" out) &&
		line=$(grep "^\\\\fBmuster\\\\fR \[\\\\fIOPTIONS\\\\fR\] \\\\fB$c\\\\fR" syn |
		    sed -e "s/\\\\f[BIR]//g" -e "s/^muster \[OPTIONS\] //" \
		    -e "s/\\\\-/-/g" -e "s/ *\$//") &&
		if [ "$usage" != "$line" ]; then
			echo "$c: usage \"$usage\", man \"$line\""; exit 1
		fi
	done <cmds &&
	"$MUSTER" help >help &&
	sed -n "/^commands:/,/^\$/s/^  \([a-z]*\) .*/\1/p" help >listed &&
	test_cmp cmds listed
'

test_expect_success '--complete options: a command'"'"'s options, as its help lists them' '
	for c in $(cat cmds); do
		"$MUSTER" --complete options $c | sort >words &&
		"$MUSTER" help $c | help_options | sort >listed &&
		test_cmp listed words || exit 1
	done &&
	"$MUSTER" --complete options find >words &&
	test_grep -x -e "-w" words &&
	test_grep -x -e "--json" words &&
	test_grep ! -x -e "--display" words &&
	"$MUSTER" --complete -d options ping >words &&
	test_grep "^--display	ok|failed|all|none	which hosts to list$" words &&
	test_grep "^-n		show targets" words
'

# ddl_list FILE JQ: the strings JQ makes of the DDL FILE, sorted.
ddl_list()
{
	jq -r "$2" "$1" | sort
}

test_expect_success '--complete agents, actions, inputs: every one of the DDL files' '
	ls "$TOP"/ddl/*.json >files &&
	test $(wc -l <files) -ge 2 &&
	"$MUSTER" --complete agents >agents &&
	while read -r f; do
		a=$(jq -r .metadata.name "$f") &&
		{ grep -qx "$a" agents || { echo "no agent $a"; exit 1; }; } &&
		ddl_list "$f" ".actions[].action" >expect &&
		"$MUSTER" --complete actions "$a" | sort >out &&
		test_cmp expect out || exit 1
		for act in $(cat expect); do
			ddl_list "$f" ".actions[] | select(.action == \"$act\") |
			    .input | keys[] | . + \"=\"" >want &&
			"$MUSTER" --complete inputs "$a" "$act" | sort >got &&
			test_cmp want got || exit 1
		done
	done <files
'

test_expect_success 'a DDL in $MUSTER_DDL_PATH is completed, with its list values' '
	mkdir extra &&
	cat >extra/demo.json <<-\EOF &&
	{
	  "metadata": {"name": "demo", "description": "A demo agent",
	    "timeout": 10},
	  "actions": [
	    {"action": "set", "description": "Set the mode",
	     "input": {
	       "mode": {"prompt": "Mode", "description": "How fast",
	         "type": "list", "list": ["fast", "slow", "still"],
	         "optional": false},
	       "force": {"prompt": "Force", "description": "Even if busy",
	         "type": "boolean", "optional": true},
	       "note": {"prompt": "Note", "description": "Why",
	         "type": "string", "optional": true}},
	     "output": {}},
	    {"action": "get", "description": "Read the mode", "input": {},
	     "output": {}}
	  ]
	}
	EOF
	MUSTER_DDL_PATH=$TRASH/extra:$MUSTER_DDL_PATH &&
	export MUSTER_DDL_PATH &&
	"$MUSTER" --complete agents >out &&
	test_grep -x demo out &&
	test_grep -x shell out &&
	"$MUSTER" --complete actions demo >out &&
	printf "set\nget\n" >expect && test_cmp expect out &&
	"$MUSTER" --complete inputs demo set | sort >out &&
	printf "force=\nmode=\nnote=\n" >expect && test_cmp expect out &&
	"$MUSTER" --complete values demo set mode >out &&
	printf "fast\nslow\nstill\n" >expect && test_cmp expect out &&
	"$MUSTER" --complete values demo set force >out &&
	printf "true\nfalse\n" >expect && test_cmp expect out &&
	"$MUSTER" --complete values demo set note >out &&
	test_must_be_empty out &&
	"$MUSTER" --complete -d actions demo >out &&
	test_grep "^set	Set the mode$" out
'

test_expect_success '--complete args follows the command'"'"'s argument template' '
	MUSTER_DDL_PATH=$TRASH/extra:$MUSTER_DDL_PATH &&
	export MUSTER_DDL_PATH &&
	"$MUSTER" --complete args rpc "" >out &&
	test_grep -x demo out &&
	"$MUSTER" --complete args rpc demo "" >out &&
	printf "set\nget\n" >expect && test_cmp expect out &&
	"$MUSTER" --complete args rpc demo set mode=fast "" | sort >out &&
	printf "force=\nnote=\n" >expect && test_cmp expect out &&
	"$MUSTER" --complete args rpc demo set mode=s >out &&
	printf "mode=fast\nmode=slow\nmode=still\n" >expect && test_cmp expect out &&
	"$MUSTER" --complete args doc "" >out &&
	test_grep -x demo out &&
	"$MUSTER" --complete args doc demo "" >out &&
	test_must_be_empty out &&
	"$MUSTER" --complete args help "" >out &&
	test_cmp cmds out &&
	"$MUSTER" --complete args shell "" >out &&
	test_must_be_empty out &&
	"$MUSTER" --complete words-commands >out &&
	echo shell >expect && test_cmp expect out
'

test_expect_success '--complete with nothing or an unknown word: one line, exit 64' '
	one_line_error 64 "needs what to complete" --complete &&
	one_line_error 64 "unknown .bogus." --complete bogus &&
	one_line_error 64 "unknown .actions." --complete actions
'

test_expect_success '--complete is not in the help' '
	"$MUSTER" help >help &&
	test_grep ! -e "--complete" help
'

# comp WORDS...: what the bash completion offers for the last word, sorted
# one a line, the line being muster and WORDS; a "=" word stands where
# bash splits at "=" (COMP_WORDBREAKS; WB=" " for one that does not).
cat >comp.bash <<EOF
. "$TOP/completion/muster.bash"
test -n "\$WB" && COMP_WORDBREAKS=\$WB
COMP_WORDS=("\$@")
COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1))
COMP_LINE="\$*"
COMP_POINT=\${#COMP_LINE}
COMPREPLY=()
_muster
printf "%s\\n" "\${COMPREPLY[@]}" | grep . | sort
EOF
comp()
{
	MUSTER_DDL_PATH=$TRASH/extra:$TOP/ddl bash comp.bash "$MUSTER" "$@"
}

test_expect_success 'bash: commands, and the options of the command' '
	comp "" >out &&
	sort cmds >expect && test_cmp expect out &&
	comp he >out &&
	echo help >expect && test_cmp expect out &&
	comp find - >out &&
	"$MUSTER" --complete options find | sort >expect && test_cmp expect out &&
	comp -w n1 ping --js >out &&
	printf -- "--json\n--jsonl\n" >expect && test_cmp expect out &&
	comp --j >out &&
	printf -- "--json\n--jsonl\n" >expect && test_cmp expect out
'

test_expect_success 'bash: option values from the table' '
	comp --color "" >out &&
	printf "always\nauto\nnever\n" >expect && test_cmp expect out &&
	comp ping --display = a >out &&
	printf "all\n" >expect && test_cmp expect out &&
	WB=" " comp -w n1 --display=f >out &&
	printf -- "--display=failed\n" >expect && test_cmp expect out &&
	printf "Host alpha beta\nHost gamma*\n" >sshconf &&
	comp --ssh-config sshconf -w "" >out &&
	printf "alpha\nbeta\n" >expect && test_cmp expect out &&
	comp --ssh-config sshconf -w n1 -x alpha,b >out &&
	printf "alpha,beta\n" >expect && test_cmp expect out
'

test_expect_success 'bash: rpc AGENT ACTION KEY=VALUE and doc AGENT from the DDLs' '
	{ echo demo && for f in "$TOP"/ddl/*.json; do f=${f##*/}; echo "${f%.json}"; done; } |
	    sort >agents &&
	comp -w n1 rpc "" >out &&
	test_cmp agents out &&
	comp rpc rpcutil "" >out &&
	"$MUSTER" --complete actions rpcutil | sort >expect && test_cmp expect out &&
	comp rpc demo set "" >out &&
	printf "force=\nmode=\nnote=\n" >expect && test_cmp expect out &&
	comp rpc demo set --json m >out &&
	printf "mode=\n" >expect && test_cmp expect out &&
	comp rpc demo set mode = s >out &&
	printf "slow\nstill\n" >expect && test_cmp expect out &&
	comp rpc demo set mode = >out &&
	printf "fast\nslow\nstill\n" >expect && test_cmp expect out &&
	comp rpc demo set mode = fast f >out &&
	printf "force=\n" >expect && test_cmp expect out &&
	comp doc "" >out &&
	test_cmp agents out &&
	comp package "" >out &&
	"$MUSTER" --complete actions package | sort >expect && test_cmp expect out &&
	comp package install zsh "" >out &&
	printf "package=\nversion=\n" >expect && test_cmp expect out &&
	comp service cron "" >out &&
	printf "restart\nstart\nstatus\nstop\n" >expect && test_cmp expect out &&
	comp help d >out &&
	printf "doc\n" >expect && test_cmp expect out
'

test_expect_success 'session: its subcommands, from its template' '
	"$MUSTER" --complete args session "" >out &&
	printf "start\nstatus\nstop\n" >expect && test_cmp expect out &&
	"$MUSTER" --complete -d args session "" >out &&
	test_cmp expect out &&
	"$MUSTER" --complete args session start "" >out &&
	test_must_be_empty out &&
	comp session "" >out &&
	test_cmp expect out &&
	comp -w n1 session --idle 60 st >out &&
	test_cmp expect out &&
	comp session sto >out &&
	echo stop >expect && test_cmp expect out
'

test_expect_success 'bash: the command line of shell is its own' '
	comp -w n1 shell uname -- >out &&
	test_must_be_empty out &&
	comp -w n1 shell -- >out &&
	"$MUSTER" --complete options shell | grep "^--" | sort >expect &&
	test_cmp expect out
'

test_expect_success 'the completion scripts hold no command, agent or action word' '
	for f in "$TOP/completion/muster.bash" "$TOP/completion/_muster"; do
		for w in $(cat cmds) rpcutil get_fact agent_inventory; do
			# "ssh" the command is not --ssh-config or ~/.ssh/.
			if grep -v "^ *#" "$f" | sed -e "s/--ssh-config//g" \
			    -e "s,/\.ssh/,/,g" | grep -qw -e "$w"; then
				echo "$f: $w"; exit 1
			fi
		done
	done
'

test_done
