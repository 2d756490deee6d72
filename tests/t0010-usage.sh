#!/bin/sh
test_description='command line: help, usage errors and input validation (no host contacted)'
TEST_NO_FLEET=1
. "$(dirname "$0")/test-lib.sh"

# Every command, as the command table lists them.
cmds="ping rpc shell find agents doc help"

test_expect_success 'muster help lists every command' '
	"$MUSTER" help >out &&
	for c in $cmds; do test_grep "^  $c " out; done
'

test_expect_success 'every command answers --help with its usage' '
	for c in $cmds; do
		"$MUSTER" $c --help >out &&
		test_grep "^usage: muster \[OPTIONS\] $c" out || exit 1
	done
'

test_expect_success 'the man page synopsis matches each usage string' '
	for c in $cmds; do
		usage=$("$MUSTER" $c --help | sed -n "s/^usage: muster \[OPTIONS\] //p")
		syn=$(sed -n "/^\.SH SYNOPSIS/,/^\.SH DESCRIPTION/p" "$TOP/man/muster.1" |
		    grep "fB$c\\\\fR" | sed -e "s/\\\\f[BIR]//g" -e "s/^muster \[OPTIONS\] //" \
		    -e "s/\\\\-/-/g" -e "s/ *\$//" | head -n 1)
		if [ "$usage" != "$syn" ]; then
			echo "usage: \"$usage\" man: \"$syn\""; exit 1
		fi
	done
'

test_expect_success 'no command is a usage error' '
	test_expect_code 64 "$MUSTER" 2>err &&
	test_grep "usage: muster" err
'

test_expect_success 'an unknown command is one line and exit 64' '
	test_expect_code 64 "$MUSTER" frobnicate 2>err &&
	test_grep "unknown command .frobnicate." err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'an unknown flag is one line and exit 64' '
	test_expect_code 64 "$MUSTER" --frob ping 2>err &&
	test_grep "unknown option .--frob." err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'a bad range is one line naming it, exit 64' '
	test_expect_code 64 "$MUSTER" -w "web[3-1]" ping 2>err &&
	test_grep "web\[3-1\]" err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'an unbalanced bracket is rejected' '
	test_expect_code 64 "$MUSTER" -w "web[1-3" ping 2>err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'a host name with shell syntax is rejected' '
	test_expect_code 64 "$MUSTER" -w "a;rm -rf /" ping 2>err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'rpc arguments without = are rejected' '
	test_expect_code 64 "$MUSTER" -w node0001 rpc rpcutil get_fact os.family 2>err &&
	test_grep "not KEY=VALUE" err
'

test_expect_success 'rpc: unknown agent, action, input; missing input; bad type' '
	test_expect_code 64 "$MUSTER" -w n1 rpc nosuch ping 2>err &&
	test_grep "unknown agent .nosuch." err &&
	test_expect_code 64 "$MUSTER" -w n1 rpc rpcutil nosuch 2>err &&
	test_grep "no action .nosuch." err &&
	test_expect_code 64 "$MUSTER" -w n1 rpc rpcutil get_fact bogus=1 2>err &&
	test_grep "no input .bogus." err &&
	test_expect_code 64 "$MUSTER" -w n1 rpc rpcutil get_fact 2>err &&
	test_grep "needs input .fact." err &&
	test_expect_code 64 "$MUSTER" -w n1 rpc shell run command=true timeout=soon 2>err &&
	test_grep "must be an integer" err
'

test_expect_success 'numbers are checked' '
	test_expect_code 64 "$MUSTER" -w n1 -c 0 ping 2>err &&
	test_grep "positive number" err &&
	test_expect_code 64 "$MUSTER" -w n1 -t abc ping 2>err &&
	test_expect_code 64 "$MUSTER" -w n1 --display sideways ping 2>err &&
	test_grep "display" err &&
	test_expect_code 64 "$MUSTER" -w n1 --color=purple ping 2>err &&
	test_grep "color" err
'

test_expect_success '-F is the fact filter, not an ssh_config' '
	test_expect_code 64 "$MUSTER" -F /etc/ssh/ssh_config -w n1 ping 2>err &&
	test_grep "ssh-config" err
'

test_expect_success 'no selection at all is a usage error' '
	test_expect_code 64 "$MUSTER" ping 2>err &&
	test_grep "no hosts selected" err
'

test_expect_success 'an agent path with shell syntax is refused before connecting' '
	printf "Host *\n\tHostName 127.0.0.1\n\tPort 9\n" >cfg &&
	test_expect_code 64 "$MUSTER" --ssh-config cfg -w n1 \
	    --agent-path "/bin/agent;touch /tmp/pwned" ping 2>err &&
	test_grep "agent path" err
'

test_expect_success 'a missing --ssh-config file is one line and exit 64' '
	test_expect_code 64 "$MUSTER" --ssh-config nonexistent -w n1 ping 2>err &&
	test_grep "nonexistent" err
'

test_expect_success 'a client config with an unknown key names file and line' '
	mkdir -p "$HOME/.config/muster" &&
	printf "# c\nagent_path = /x\ncolour = never\n" >"$HOME/.config/muster/config" &&
	test_expect_code 64 "$MUSTER" -w n1 ping 2>err &&
	test_grep "config:3: unknown key .colour." err &&
	rm "$HOME/.config/muster/config"
'

test_expect_success 'find lists the selection and contacts nothing' '
	"$MUSTER" -w "web[01-03],db1" -x web02 find >out &&
	printf "web01\nweb03\ndb1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'find reads -w - and -w ^file' '
	printf "a1\na2 # comment\n\na3\n" | "$MUSTER" -w - find >out &&
	printf "a1\na2\na3\n" >expect && test_cmp expect out &&
	printf "b[1-2]\n" >hosts && "$MUSTER" -w ^hosts find >out &&
	printf "b1\nb2\n" >expect && test_cmp expect out
'

test_expect_success 'find uses the inventory without -w' '
	printf "[web]\nweb[1-2] env=prod\n[db]\ndb1\n" >inv &&
	"$MUSTER" -i inv find >out &&
	printf "web1\nweb2\ndb1\n" >expect && test_cmp expect out &&
	MUSTER_INVENTORY=inv "$MUSTER" -x web1 find >out &&
	printf "web2\ndb1\n" >expect && test_cmp expect out
'

test_expect_success 'a bad inventory line is named' '
	printf "web1\nweb[2-1]\n" >bad &&
	test_expect_code 64 "$MUSTER" -i bad find 2>err &&
	test_grep "bad:2" err
'

test_expect_success 'an excluded-away selection exits 1' '
	printf "Host *\n\tHostName 127.0.0.1\n\tPort 9\n" >cfg &&
	test_expect_code 1 "$MUSTER" --ssh-config cfg -w n1 -x n1 ping 2>err &&
	test_grep "no host matched" err
'

test_expect_success 'muster-NAME on PATH runs as muster NAME' '
	mkdir bin && printf "#!/bin/sh\necho external \"\$@\"\n" >bin/muster-hello &&
	chmod +x bin/muster-hello &&
	PATH="$TRASH/bin:$PATH" "$MUSTER" hello a b >out &&
	test_grep "^external a b$" out
'

test_done
