#!/bin/sh
test_description='keys authorized-line: the authorized_keys line of a key that runs only the agent, what it refuses, and that the fleet sshd honours it'
TEST_OWN_FLEET=1
TEST_FLEET_N=2
. "$(dirname "$0")/test-lib.sh"

# one_line_error CODE PATTERN MUSTER-ARGS...: exit CODE, nothing on
# stdout, and stderr is one line matching PATTERN.
one_line_error()
{
	code=$1
	pat=$2
	shift 2
	test_expect_code "$code" "$MUSTER" "$@" >out 2>err &&
	test_must_be_empty out &&
	test_grep -e "$pat" err &&
	test "$(wc -l <err)" -eq 1
}

AP=/opt/muster/libexec/muster-agent

test_expect_success 'a .pub file: the exact line, its comment kept' '
	ssh-keygen -q -t ed25519 -N "" -C "alice@laptop" -f k &&
	"$MUSTER" --agent-path $AP keys authorized-line ops k.pub >out 2>err &&
	printf "command=\"%s --caller ops\",restrict %s\n" $AP "$(cat k.pub)" >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'a private key path: its .pub beside it, named only with -v' '
	"$MUSTER" keys authorized-line ops k --agent-path $AP >out 2>err &&
	test_cmp expect out &&
	test_must_be_empty err &&
	"$MUSTER" -v keys authorized-line ops k --agent-path $AP >out 2>err &&
	test_cmp expect out &&
	test_grep "read k\.pub$" err
'

test_expect_success 'every OpenSSH key file type; no comment: muster-NAME' '
	for t in "rsa -b 2048" "ecdsa -b 256" "ecdsa -b 384" "ecdsa -b 521"; do
		rm -f t t.pub &&
		ssh-keygen -q -t $t -N "" -f t &&
		"$MUSTER" --agent-path $AP keys authorized-line web.team-1@x t >out &&
		printf "command=\"%s --caller web.team-1@x\",restrict %s\n" $AP \
		    "$(cat t.pub)" >expect &&
		test_cmp expect out || exit 1
	done &&
	cut -d" " -f1,2 k.pub >bare.pub &&
	"$MUSTER" --agent-path $AP keys authorized-line ops bare.pub >out &&
	printf "command=\"%s --caller ops\",restrict %s muster-ops\n" $AP \
	    "$(cat bare.pub)" >expect &&
	test_cmp expect out
'

test_expect_success 'the agent path: --agent-path, else the config file, else built in' '
	mkdir -p "$HOME/.config/muster" &&
	echo "agent_path = /srv/muster/bin/muster-agent" >"$HOME/.config/muster/config" &&
	"$MUSTER" keys authorized-line ops k >out &&
	test_grep "^command=\"/srv/muster/bin/muster-agent --caller ops\",restrict ssh-ed25519 " out &&
	"$MUSTER" keys authorized-line ops k --agent-path $AP >out &&
	test_grep "^command=\"$AP --caller ops\"," out &&
	rm "$HOME/.config/muster/config" &&
	"$MUSTER" keys authorized-line ops k >out &&
	def=$("$MUSTER" keys --help | sed -n "s/.*(default \(.*\))$/\1/p") &&
	test -n "$def" &&
	test_grep "^command=\"$def --caller ops\"," out
'

test_expect_success '--from: from="PATTERNS" right after restrict' '
	"$MUSTER" --agent-path $AP keys authorized-line ops k \
	    --from "127.0.0.0/8,!10.1.2.3,*.example.com,::1" >out &&
	printf "command=\"%s --caller ops\",restrict,from=\"%s\" %s\n" $AP \
	    "127.0.0.0/8,!10.1.2.3,*.example.com,::1" "$(cat k.pub)" >expect &&
	test_cmp expect out
'

test_expect_success 'a NAME that could break out of the command: one line, exit 64' '
	for n in "o\"ps" "o ps" "ops;id" "o\\ps" "" "ops,x" "\$(id)" \
	    "$(printf "o\tps")" "$(printf "%065d" 0)"; do
		one_line_error 64 "caller name .* must be 1 to 64 letters, digits and \. _ @ -" \
		    keys authorized-line "$n" k || exit 1
	done &&
	"$MUSTER" keys authorized-line "$(printf "%064d" 0)" k >out &&
	test_grep -e "--caller 0000" out
'

test_expect_success 'an agent path that is not absolute or not plain: one line, exit 64' '
	one_line_error 64 "agent path .bin/muster-agent. is not absolute" \
	    --agent-path bin/muster-agent keys authorized-line ops k &&
	one_line_error 64 "agent path .. is not absolute" \
	    --agent-path "" keys authorized-line ops k &&
	for p in "/a\"b" "/a b" "/a\\b" "$(printf "/a\tb")" "$(printf "/a\001b")" \
	    "/a;id" "/a\$(id)"; do
		one_line_error 64 "agent path .* may hold only letters, digits" \
		    --agent-path "$p" keys authorized-line ops k || exit 1
	done
'

test_expect_success 'KEYFILE that is no public key: one line naming it, exit 64' '
	ssh-keygen -q -t ed25519 -N "" -f priv && rm priv.pub &&
	one_line_error 64 "priv is a private key and priv.pub is not there (ssh-keygen -y -f priv" \
	    keys authorized-line ops priv &&
	: >empty.pub &&
	one_line_error 64 "empty.pub is empty: not a public key" \
	    keys authorized-line ops empty.pub &&
	echo "garbage here" >g.pub &&
	one_line_error 64 "g.pub starts with .garbage., not an OpenSSH public key type" \
	    keys authorized-line ops g.pub &&
	printf "command=\"/bin/sh\",restrict %s\n" "$(cat k.pub)" >opt.pub &&
	one_line_error 64 "opt.pub is an authorized_keys line with options" \
	    keys authorized-line ops opt.pub &&
	{ cat k.pub; cat k.pub; } >two.pub &&
	one_line_error 64 "two.pub holds more than one line" \
	    keys authorized-line ops two.pub &&
	printf "ssh-rsa %s x\n" "$(cut -d" " -f2 k.pub)" >lie.pub &&
	one_line_error 64 "lie.pub has key data of type .ssh-ed25519., not .ssh-rsa." \
	    keys authorized-line ops lie.pub &&
	echo "ssh-ed25519 AAAA*not-base64 x" >b64.pub &&
	one_line_error 64 "b64.pub has key data that is not valid base64" \
	    keys authorized-line ops b64.pub &&
	head -c 100000 /dev/zero | tr "\0" " " >big.pub &&
	one_line_error 64 "big.pub: larger than 8192 bytes" \
	    keys authorized-line ops big.pub &&
	one_line_error 64 "nosuch: No such file" keys authorized-line ops nosuch &&
	one_line_error 64 "\.: not a regular file" keys authorized-line ops .
'

test_expect_success '--from that sshd would misread or refuse: one line, exit 64' '
	for f in "a\"b" "a b" "a\\b" "$(printf "a\tb")" "$(printf "a\001b")"; do
		one_line_error 64 "from .* may hold no quote, backslash, whitespace or control" \
		    keys authorized-line ops k --from "$f" || exit 1
	done &&
	one_line_error 64 "from .a,,b. has an empty pattern" \
	    keys authorized-line ops k --from "a,,b" &&
	one_line_error 64 "from .!. has an empty pattern" \
	    keys authorized-line ops k --from "!" &&
	one_line_error 64 "from: .10.0.0.1/8. has bits set beyond its mask" \
	    keys authorized-line ops k --from "127.0.0.1,10.0.0.1/8" &&
	one_line_error 64 "needs a pattern-list" \
	    keys authorized-line ops k --from ""
'

test_expect_success 'the words: authorized-line NAME KEYFILE, nothing else' '
	one_line_error 64 "keys: say authorized-line NAME KEYFILE$" keys &&
	one_line_error 64 "say authorized-line NAME KEYFILE, not .list." keys list k &&
	one_line_error 64 "authorized-line takes NAME and KEYFILE$" \
	    keys authorized-line ops &&
	one_line_error 64 "authorized-line takes NAME and KEYFILE, not also x" \
	    keys authorized-line ops k x &&
	one_line_error 64 "option .-w. is not an option of .keys." \
	    -w node0001 keys authorized-line ops k &&
	one_line_error 64 "option .--from. is not an option of .ping." \
	    -w node0001 ping --from 127.0.0.1
'

test_expect_success 'completion: the sub-command word, then files for KEYFILE' '
	"$MUSTER" --complete args keys "" >out &&
	echo authorized-line >expect && test_cmp expect out &&
	"$MUSTER" --complete kind keys authorized-line ops "" >out &&
	echo file >expect && test_cmp expect out &&
	"$MUSTER" --complete kind keys authorized-line "" >out &&
	echo - >expect && test_cmp expect out &&
	cat >comp.bash <<-EOF &&
	. "$TOP/completion/muster.bash"
	COMP_WORDS=("\$@")
	COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_muster
	printf "%s\\n" "\${COMPREPLY[@]}" | grep . | sort
	EOF
	bash comp.bash "$MUSTER" keys auth >out &&
	echo authorized-line >expect && test_cmp expect out &&
	bash comp.bash "$MUSTER" keys authorized-line ops li >out &&
	echo lie.pub >expect && test_cmp expect out &&
	bash comp.bash "$MUSTER" keys authorized-line ops k --fr >out &&
	echo --from >expect && test_cmp expect out
'

# The node0001 block of an ssh_config of the fleet, with another key.
node_config()
{
	awk -v key="$2" '
		$1 == "Host" { on = ($2 == "node0001") }
		on && $1 == "IdentityFile" { print "\tIdentityFile " key; next }
		on { print }
	' "$FLEET_DIR/ssh_config" >"$1"
}

test_expect_success 'on the fleet: the key runs the agent as caller ops, and only that' '
	ssh-keygen -q -t ed25519 -N "" -C ops-key -f ops &&
	"$MUSTER" --agent-path "$AGENT" keys authorized-line ops ops >line &&
	cat line >>"$FLEET_DIR/authorized_keys" &&
	node_config ops.conf "$TRASH/ops" &&
	test_grep "IdentityFile $TRASH/ops$" ops.conf &&
	"$MUSTER" --ssh-config ops.conf -w node0001 ping >out &&
	test_grep "Nodes: 1 / 1" out &&
	grep "caller=ops " "$FLEET_DIR/hosts/node0001/audit.log" >audit &&
	test_grep "agent=rpcutil action=ping" audit &&
	{ timeout 30 ssh -F ops.conf node0001 id </dev/null >out 2>err || :; } &&
	test_grep ! "uid=" out &&
	test_grep ! "uid=" err &&
	{ timeout 30 ssh -F ops.conf -tt node0001 tty </dev/null >out 2>err ||
	    :; } &&
	test_grep "PTY allocation request failed" err &&
	test_grep ! "/dev/" out
'

test_expect_success 'on the fleet: from= lets the key in from a matching address only' '
	ssh-keygen -q -t ed25519 -N "" -f near &&
	ssh-keygen -q -t ed25519 -N "" -f far &&
	"$MUSTER" --agent-path "$AGENT" keys authorized-line near near \
	    --from "127.0.0.0/8" >>"$FLEET_DIR/authorized_keys" &&
	"$MUSTER" --agent-path "$AGENT" keys authorized-line far far \
	    --from "10.0.0.0/8,!127.0.0.0/8" >>"$FLEET_DIR/authorized_keys" &&
	node_config near.conf "$TRASH/near" &&
	node_config far.conf "$TRASH/far" &&
	"$MUSTER" --ssh-config near.conf -w node0001 ping >out &&
	test_grep "Nodes: 1 / 1" out &&
	grep -q "caller=near " "$FLEET_DIR/hosts/node0001/audit.log" &&
	test_expect_code 3 "$MUSTER" --ssh-config far.conf -w node0001 ping >out &&
	test_grep "node0001" out &&
	test_grep ! "caller=far " "$FLEET_DIR/hosts/node0001/audit.log"
'

test_done
