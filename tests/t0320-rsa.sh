#!/bin/sh
test_description='ssh: RSA identities (rsa-sha2-512/256) from files and ssh-agent, public-key-only identity files'
TEST_OWN_FLEET=1
TEST_FLEET_N=2
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

# kill_at_exit PID: stop PID when the test body ends.
kill_at_exit() {
	test_kills="${test_kills:-} $1"
	trap "kill $test_kills" EXIT
}

# agent_start NAME: a real ssh-agent on $TRASH/NAME.sock, for this body.
agent_start() {
	eval "$(ssh-agent -a "$TRASH/$1.sock" -s)" >/dev/null &&
	kill_at_exit "$SSH_AGENT_PID"
}

# sshd_start NAME SED-SCRIPT: a second sshd for this body on a free port
# ($port), its config the fleet's edited by SED-SCRIPT, stopped on exit.
sshd_start() {
	port=$(sh "$TOP/tests/fleet.sh" port)
	sed "s|^Port .*|Port $port|; s|^PidFile .*|PidFile $TRASH/$1.pid|; $2" \
	    "$FLEET_DIR/sshd_config" >"$1.conf"
	/usr/sbin/sshd -D -r -f "$1.conf" -E "$TRASH/$1.log" </dev/null &
	kill_at_exit $!
	i=0
	while [ ! -s "$1.pid" ] && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	test -s "$1.pid"
}

# The fingerprint sshd logs for a key it accepted.
fp() {
	ssh-keygen -l -E sha256 -f "$1" | cut -d" " -f2
}

test_expect_success 'setup: RSA keys of 2048, 3072 and 4096 bits, OpenSSH and PEM' '
	ssh-keygen -q -t rsa -b 2048 -N "" -C r2048 -f r2048 &&
	ssh-keygen -q -t rsa -b 3072 -N "" -C r3072 -f r3072 &&
	ssh-keygen -q -t rsa -b 4096 -N "" -C r4096 -f r4096 &&
	ssh-keygen -q -t rsa -b 2048 -m PEM -N "" -C p2048 -f p2048 &&
	ssh-keygen -q -t rsa -b 4096 -m PEM -N "" -C p4096 -f p4096 &&
	ssh-keygen -q -t rsa -b 3072 -m PKCS8 -N "" -C k3072 -f k3072 &&
	ssh-keygen -q -t rsa -b 2048 -N "" -C rstranger -f rstranger &&
	ssh-keygen -q -t ed25519 -N "" -C ed -f ed &&
	test_grep "BEGIN OPENSSH PRIVATE KEY" r2048 &&
	test_grep "BEGIN RSA PRIVATE KEY" p2048 &&
	test_grep "BEGIN PRIVATE KEY" k3072 &&
	for k in r2048 r3072 r4096 p2048 p4096 k3072 ed; do
		authorize $k.pub || exit 1
	done
'

test_expect_success 'RSA key files (OpenSSH, PEM, PKCS#8) sign rsa-sha2-512 in-process' '
	for k in r2048 r3072 r4096 p2048 p4096 k3072; do
		conf c "IdentityFile $TRASH/$k" "IdentityAgent none" &&
		"$MUSTER" --ssh-config c -w h1 -v ping 2>err >out &&
		test_grep "Nodes: 1 / 1" out &&
		test_grep "$k: rsa, signed in-process" err &&
		test_grep "accepted $TRASH/$k (rsa-sha2-512)" err &&
		test_grep "Accepted publickey .* RSA $(fp $k.pub)" \
		    "$FLEET_DIR/sshd.log" || exit 1
	done
'

test_expect_success 'one RSA key serves many hosts' '
	conf c "IdentityFile $TRASH/r3072" "IdentityAgent none" &&
	sed "s|IdentityFile .*|IdentityFile $TRASH/r3072|" "$FLEET_DIR/ssh_config" >many &&
	"$MUSTER" --ssh-config many -w node[0001-0002] ping >out &&
	test_grep "Nodes: 2 / 2" out
'

test_expect_success 'an RSA key the server does not know is refused (auth)' '
	conf c "IdentityFile $TRASH/rstranger" "IdentityAgent none" &&
	test_expect_code 3 "$MUSTER" --ssh-config c -w h1 -v ping --json \
	    >out.json 2>err &&
	jq -e ".results[0].status == \"auth\"" out.json &&
	test_grep "refused $TRASH/rstranger (rsa-sha2-512)" err &&
	test_grep "refused $TRASH/rstranger (rsa-sha2-256)" err
'

# The body of an OpenSSH private key file, decoded.
okey_bin() {
	sed '/^-----/d' "$1" | tr -d '\n' | base64 -d
}

test_expect_success 'the server checks the signature: a key file with a foreign public half' '
	# rstranger with the public half of r2048 (same size: same layout).
	# magic(15) cipher(8) kdf(8) kdfopts(4) nkeys(4), then string(pub).
	okey_bin rstranger >s.bin && okey_bin r2048 >r.bin &&
	test "$(od -An -tu1 -j39 -N4 s.bin)" = "$(od -An -tu1 -j39 -N4 r.bin)" &&
	len=$(od -An -tu4 --endian=big -j39 -N4 s.bin | tr -d " ") &&
	{
		echo "-----BEGIN OPENSSH PRIVATE KEY-----"
		{ head -c 43 s.bin; tail -c +44 r.bin | head -c "$len";
		  tail -c +$((44 + len)) s.bin; } | base64 -w 70
		echo "-----END OPENSSH PRIVATE KEY-----"
	} >spliced && chmod 600 spliced &&
	sshd_start sshdv "s|^LogLevel INFO|LogLevel VERBOSE|" &&
	printf "[%s]:%s %s\n" "$addr" "$port" \
	    "$(cut -d" " -f1,2 "$FLEET_DIR/ssh_host_ed25519_key.pub")" >khv &&
	printf "Host h1\n\tHostName %s\n\tPort %s\n\tUserKnownHostsFile %s\n\tIdentityFile %s\n\tIdentityAgent none\n" \
	    "$addr" "$port" "$TRASH/khv" "$TRASH/spliced" >cv &&
	test_expect_code 3 "$MUSTER" --ssh-config cv -w h1 -v ping --json \
	    >out.json 2>err &&
	jq -e ".results[0].status == \"auth\"" out.json &&
	test_grep "spliced: rsa, signed in-process" err &&
	# The key was acceptable (Postponed), its signatures (512, 256) not.
	test_grep "Accepted key RSA $(fp r2048.pub)" sshdv.log &&
	test_grep "Postponed publickey" sshdv.log &&
	test $(grep -c "Failed publickey .* RSA $(fp r2048.pub)" sshdv.log) -eq 2
'

test_expect_success 'a server that refuses rsa-sha2-512 gets rsa-sha2-256' '
	sshd_start sshd256 "s|^PubkeyAuthentication yes|&\\nPubkeyAcceptedAlgorithms rsa-sha2-256,ssh-ed25519|" &&
	test_grep "^PubkeyAcceptedAlgorithms rsa-sha2-256" sshd256.conf &&
	printf "[%s]:%s %s\n" "$addr" "$port" \
	    "$(cut -d" " -f1,2 "$FLEET_DIR/ssh_host_ed25519_key.pub")" >kh256 &&
	printf "Host h1\n\tHostName %s\n\tPort %s\n\tUserKnownHostsFile %s\n\tIdentityFile %s\n\tIdentityAgent none\n" \
	    "$addr" "$port" "$TRASH/kh256" "$TRASH/r2048" >c256 &&
	"$MUSTER" --ssh-config c256 -w h1 -v ping 2>err >out &&
	test_grep "Nodes: 1 / 1" out &&
	test_grep "refused $TRASH/r2048 (rsa-sha2-512)" err &&
	test_grep "accepted $TRASH/r2048 (rsa-sha2-256)" err &&
	agent_start a0 &&
	ssh-add -q r2048 2>/dev/null &&
	sed "s|IdentityAgent none|IdentityAgent $TRASH/a0.sock|" c256 >c256a &&
	"$MUSTER" --ssh-config c256a -w h1 -v ping 2>err >out &&
	test_grep "Nodes: 1 / 1" out &&
	test_grep "refused agent: r2048 (rsa-sha2-512)" err &&
	test_grep "accepted agent: r2048 (rsa-sha2-256)" err
'

test_expect_success 'RSA keys from a real ssh-agent authenticate' '
	agent_start a1 &&
	ssh-add -q rstranger r4096 p2048 2>/dev/null &&
	conf c "IdentityFile $TRASH/none" "IdentityAgent $TRASH/a1.sock" &&
	"$MUSTER" --ssh-config c -w h1 -v ping 2>err >out &&
	test_grep "Nodes: 1 / 1" out &&
	test_grep "refused agent: rstranger (rsa-sha2-512)" err &&
	test_grep "accepted agent: r4096 (rsa-sha2-512)" err
'

test_expect_success 'an RSA agent key the server does not know is refused (auth)' '
	agent_start a2 &&
	ssh-add -q rstranger 2>/dev/null &&
	conf c "IdentityFile $TRASH/none" "IdentityAgent $TRASH/a2.sock" &&
	test_expect_code 3 "$MUSTER" --ssh-config c -w h1 ping --json >out.json &&
	jq -e ".results[0].status == \"auth\"" out.json
'

test_expect_success 'IdentitiesOnly with IdentityFile key.pub uses the matching agent key' '
	agent_start a3 &&
	ssh-add -q rstranger ed r3072 2>/dev/null &&
	conf c "IdentityFile $TRASH/r3072.pub" "IdentitiesOnly yes" \
	    "IdentityAgent $TRASH/a3.sock" &&
	"$MUSTER" --ssh-config c -w h1 -v ping 2>err >out &&
	test_grep "Nodes: 1 / 1" out &&
	test_grep "accepted agent: r3072 (rsa-sha2-512)" err &&
	test_grep ! "agent: rstranger" err &&
	test_grep ! "agent: ed " err
'

test_expect_success 'IdentitiesOnly with only key.pub on disk uses the agent key' '
	agent_start a4 &&
	ssh-add -q rstranger ed 2>/dev/null &&
	mkdir -p hw && cp ed.pub hw/ed.pub &&
	conf c "IdentityFile $TRASH/hw/ed" "IdentitiesOnly yes" \
	    "IdentityAgent $TRASH/a4.sock" &&
	"$MUSTER" --ssh-config c -w h1 -v ping 2>err >out &&
	test_grep "Nodes: 1 / 1" out &&
	test_grep "accepted agent: ed" err &&
	test_grep ! "agent: rstranger" err
'

test_expect_success 'a .pub whose key is not in the agent fails auth and says why' '
	agent_start a5 &&
	ssh-add -q rstranger 2>/dev/null &&
	conf c "IdentityFile $TRASH/r2048.pub" "IdentitiesOnly yes" \
	    "IdentityAgent $TRASH/a5.sock" &&
	test_expect_code 3 "$MUSTER" --ssh-config c -w h1 ping --json >out.json &&
	jq -e ".results[0].status == \"auth\" and
	    (.results[0].statusmsg | test(\"r2048.pub: public key only\"))" out.json
'

test_expect_success 'an encrypted RSA key file says so, and works through the agent' '
	ssh-keygen -q -t rsa -b 2048 -N secret -C renc -f renc && authorize renc.pub &&
	ssh-keygen -q -t rsa -b 2048 -m PEM -N secret -C penc -f penc &&
	for k in renc penc; do
		conf c "IdentityFile $TRASH/$k" "IdentityAgent none" &&
		test_expect_code 3 "$MUSTER" --ssh-config c -w h1 ping --json \
		    >enc.json &&
		jq -e ".results[0].status == \"auth\" and
		    (.results[0].statusmsg | test(\"$k: encrypted\"))" enc.json ||
		exit 1
	done &&
	agent_start a8 &&
	printf "#!/bin/sh\necho secret\n" >askpass && chmod +x askpass &&
	SSH_ASKPASS=$TRASH/askpass SSH_ASKPASS_REQUIRE=force DISPLAY=:0 \
	    ssh-add -q rstranger renc </dev/null 2>/dev/null &&
	conf c "IdentityFile $TRASH/renc" "IdentitiesOnly yes" \
	    "IdentityAgent $TRASH/a8.sock" &&
	"$MUSTER" --ssh-config c -w h1 -v ping 2>err >out &&
	test_grep "accepted agent: renc (rsa-sha2-512)" err
'

test_expect_success 'each IdentityAgent socket has its own keys' '
	agent_start a6 && ssh-add -q rstranger 2>/dev/null &&
	agent_start a7 && ssh-add -q r3072 2>/dev/null &&
	for i in 1 2; do
		printf "Host h%s\n\tHostName %s\n\tPort %s\n\tUserKnownHostsFile %s\n\tIdentityFile %s\n\tIdentityAgent %s\n" \
		    $i "$addr" "$FLEET_PORT" "$FLEET_DIR/known_hosts" \
		    "$TRASH/none" "$TRASH/a$((i + 5)).sock" || exit 1
	done >c2 &&
	test_expect_code 3 "$MUSTER" --ssh-config c2 -w h1,h2 ping --json >two.json &&
	jq -e "[.results[] | {(.host): .status}] | add == {h1: \"auth\", h2: \"ok\"}" two.json
'

test_expect_success 'a host with only an RSA host key: the error says why' '
	ssh-keygen -q -t rsa -b 2048 -N "" -C hostrsa -f hostrsa &&
	sshd_start sshdrsa "s|^HostKey .*|HostKey $TRASH/hostrsa|" &&
	printf "[%s]:%s %s\n" "$addr" "$port" "$(cut -d" " -f1,2 hostrsa.pub)" >khrsa &&
	printf "Host h1\n\tHostName %s\n\tPort %s\n\tUserKnownHostsFile %s\n\tIdentityFile %s\n\tIdentityAgent none\n" \
	    "$addr" "$port" "$TRASH/khrsa" "$TRASH/r2048" >crsa &&
	test_expect_code 3 "$MUSTER" --ssh-config crsa -w h1 ping --json >out.json &&
	jq -r ".results[0].statusmsg" out.json >msg &&
	cat msg &&
	test_grep "only host key is RSA" msg
'

test_done
