#!/bin/sh
test_description='ssh: identities, ssh-agent, ssh_config files and host key policies'
TEST_OWN_FLEET=1
TEST_FLEET_N=6
. "$(dirname "$0")/test-lib.sh"

addr=$(awk '$1 == "Host" { on = ($2 == "node0001") } on && $1 == "HostName" { print $2; exit }' \
    "$FLEET_DIR/ssh_config")

# conf FILE KEYWORD-LINES...: a one-host ssh_config for alias h1 -> node0001.
conf() {
	f=$1
	shift
	{
		printf "Host h1\n\tHostName %s\n\tPort %s\n\tUserKnownHostsFile %s\n" \
		    "$addr" "$FLEET_PORT" "$FLEET_DIR/known_hosts"
		for l in "$@"; do printf "\t%s\n" "$l"; done
	} >"$f"
}

# authorize PUBFILE: let a key run the agent, as the fleet key does.
authorize() {
	printf 'command="%s --caller fleet",restrict %s\n' "$AGENT" "$(cat "$1")" \
	    >>"$FLEET_DIR/authorized_keys"
}

test_expect_success 'an ECDSA key in OpenSSH format authenticates' '
	ssh-keygen -q -t ecdsa -N "" -f ec1 && authorize ec1.pub &&
	conf c "IdentityFile $TRASH/ec1" "IdentityAgent none" &&
	"$MUSTER" --ssh-config c -w h1 ping >out &&
	test_grep "Nodes: 1 / 1" out
'

test_expect_success 'an ECDSA key in PEM format authenticates' '
	ssh-keygen -q -t ecdsa -m PEM -N "" -f ec2 && authorize ec2.pub &&
	conf c "IdentityFile $TRASH/ec2" "IdentityAgent none" &&
	"$MUSTER" --ssh-config c -w h1 ping >/dev/null
'

test_expect_success 'ECDSA P-384 (OpenSSH) and P-521 (PEM) keys are signed in-process' '
	ssh-keygen -q -t ecdsa -b 384 -N "" -f ec3 && authorize ec3.pub &&
	ssh-keygen -q -t ecdsa -b 521 -m PEM -N "" -f ec5 && authorize ec5.pub &&
	for k in ec1 ec2 ec3 ec5; do
		conf c "IdentityFile $TRASH/$k" "IdentityAgent none" &&
		"$MUSTER" --ssh-config c -w h1 -v ping 2>err >/dev/null &&
		test_grep "$k: ecdsa, signed in-process" err &&
		test_grep "accepted $TRASH/$k" err || exit 1
	done
'

test_expect_success 'an encrypted key is not usable alone, and says so' '
	ssh-keygen -q -t ed25519 -N "passphrase" -f enc && authorize enc.pub &&
	conf c "IdentityFile $TRASH/enc" "IdentityAgent none" &&
	test_expect_code 3 "$MUSTER" --ssh-config c -w h1 ping --json >out.json &&
	jq -e ".results[0].status == \"auth\" and (.results[0].statusmsg | test(\"encrypted\"))" out.json
'

test_expect_success 'ssh-agent keys are tried first, without any key file' '
	eval "$(ssh-agent -s)" >/dev/null &&
	trap "kill $SSH_AGENT_PID" EXIT &&
	ssh-add -q "$FLEET_DIR/keys/fleet" 2>/dev/null &&
	conf c "IdentityFile $TRASH/none" &&
	"$MUSTER" --ssh-config c -w h1 -v ping 2>err >out &&
	test_grep "accepted agent: " err &&
	conf c "IdentityFile $TRASH/none" "IdentityAgent none" &&
	test_expect_code 3 "$MUSTER" --ssh-config c -w h1 ping >out &&
	test_grep "Auth Failed" out
'

test_expect_success 'IdentitiesOnly limits agent keys to the configured files' '
	eval "$(ssh-agent -s)" >/dev/null &&
	trap "kill $SSH_AGENT_PID" EXIT &&
	ssh-add -q "$FLEET_DIR/keys/fleet" 2>/dev/null &&
	conf c "IdentityFile $FLEET_DIR/keys/stranger" "IdentitiesOnly yes" &&
	test_expect_code 3 "$MUSTER" --ssh-config c -w h1 ping >out &&
	test_grep "Auth Failed" out
'

test_expect_success '$MUSTER_SSH_CONFIG and ~/.ssh/config are read in that order' '
	conf c "IdentityFile $FLEET_DIR/keys/fleet" "IdentityAgent none" &&
	MUSTER_SSH_CONFIG=$TRASH/c "$MUSTER" -w h1 ping >/dev/null &&
	mkdir -p "$HOME/.ssh" && cp c "$HOME/.ssh/config" &&
	"$MUSTER" -w h1 ping >/dev/null &&
	rm "$HOME/.ssh/config"
'

test_expect_success 'an odd but valid ssh_config works; Match exec never runs' '
	{
		printf "# comment\r\n"
		printf "IgnoreUnknown Frobnicate\n"
		printf "Match exec \"touch %s/ran\"\n  Port 1\n" "$TRASH"
		printf "Host h1\n  HOSTNAME=%s\n  port = %s\n" "$addr" "$FLEET_PORT"
		printf "  UserKnownHostsFile \"%s\"\n" "$FLEET_DIR/known_hosts"
		printf "  IdentityFile %s\n  ServerAliveInterval 5\n" "$FLEET_DIR/keys/fleet"
		printf "  IdentityAgent none\n  Ciphers aes128-ctr\n"
		printf "Host *\n  Port 2\n"
	} >odd &&
	"$MUSTER" --ssh-config odd -w h1 ping >out &&
	test_grep "Nodes: 1 / 1" out &&
	test ! -e "$TRASH/ran"
'

test_expect_success 'a bad value in ssh_config names the file and line, exit 64' '
	printf "Host h1\n\tHostName 127.0.0.1\n\tPort eighty\n" >bad &&
	test_expect_code 64 "$MUSTER" --ssh-config bad -w h1 ping 2>err &&
	test_grep "bad:3" err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'StrictHostKeyChecking no accepts a changed key' '
	ssh-keygen -q -t ed25519 -N "" -f other &&
	printf "[%s]:%s %s\n" "$addr" "$FLEET_PORT" "$(cut -d" " -f1,2 other.pub)" >badkh &&
	printf "Host h1\n\tHostName %s\n\tPort %s\n\tUserKnownHostsFile %s\n\tIdentityFile %s\n\tStrictHostKeyChecking no\n" \
	    "$addr" "$FLEET_PORT" "$TRASH/badkh" "$FLEET_DIR/keys/fleet" >c &&
	"$MUSTER" --ssh-config c -w h1 ping >/dev/null
'

test_expect_success 'hashed known_hosts entries match' '
	cp "$FLEET_DIR/known_hosts" hashed && ssh-keygen -q -H -f hashed 2>/dev/null &&
	test_grep ! "127.0" hashed &&
	printf "Host h1\n\tHostName %s\n\tPort %s\n\tUserKnownHostsFile %s\n\tIdentityFile %s\n" \
	    "$addr" "$FLEET_PORT" "$TRASH/hashed" "$FLEET_DIR/keys/fleet" >c &&
	"$MUSTER" --ssh-config c -w h1 ping >/dev/null
'

test_expect_success 'a known_hosts line libssh2 cannot read does not hide the rest' '
	{ echo "@cert-authority *.example.org ssh-ed25519 AAAAnotakey"; echo "garbage line";
	  cat "$FLEET_DIR/known_hosts"; } >messy &&
	printf "Host h1\n\tHostName %s\n\tPort %s\n\tUserKnownHostsFile %s\n\tIdentityFile %s\n" \
	    "$addr" "$FLEET_PORT" "$TRASH/messy" "$FLEET_DIR/keys/fleet" >c &&
	"$MUSTER" --ssh-config c -w h1 ping >/dev/null
'

test_expect_success 'agent_path from the client config is used (plain key)' '
	mkdir -p "$HOME/.config/muster" &&
	printf "agent_path = %s\n" "$AGENT" >"$HOME/.config/muster/config" &&
	"$MUSTER" --ssh-config "$FLEET_DIR/ssh_config.plain" -w node0002 ping >out &&
	test_grep "Nodes: 1 / 1" out &&
	test_expect_code 3 "$MUSTER" --ssh-config "$FLEET_DIR/ssh_config.plain" -w node0002 \
	    --agent-path /nonexistent ping >out &&
	test_grep "Agent Error" out &&
	rm "$HOME/.config/muster/config"
'

test_done
