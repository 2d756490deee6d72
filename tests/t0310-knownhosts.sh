#!/bin/sh
test_description='known_hosts fails closed, accept-new appends whole lines, the system ssh_config and Include bounds'
TEST_OWN_FLEET=1
TEST_FLEET_N=12
. "$(dirname "$0")/test-lib.sh"

fleet_addr() {
	awk -v h="$1" '$1 == "Host" { on = ($2 == h) } on && $1 == "HostName" { print $2; exit }' \
	    "$FLEET_DIR/ssh_config"
}
a1=$(fleet_addr node0001)

# Another ED25519 key (node0001 reinstalled, or an impostor) and an ECDSA one.
ssh-keygen -q -t ed25519 -N "" -f otherkey
ssh-keygen -q -t ecdsa -N "" -f otherecdsa
printf "[%s]:%s %s\n" "$a1" "$FLEET_PORT" "$(cut -d" " -f1,2 otherkey.pub)" >changed.orig
printf "[%s]:%s %s\n" "$a1" "$FLEET_PORT" "$(cut -d" " -f1,2 otherecdsa.pub)" >othertype.orig
grep "^\[$a1\]:" "$FLEET_DIR/known_hosts" >right.orig

# The shell command leaves a marker named after the host's address: proof
# that something ran there.
mark='set -- $SSH_CONNECTION; touch '"$TRASH"'/ran.$3'

# an FILE KEYWORD-LINES...: an ssh_config whose node0001 block comes first.
an() {
	f=$1
	shift
	{
		printf "Host node0001\n"
		for l in "$@"; do printf "\t%s\n" "$l"; done
		cat "$FLEET_DIR/ssh_config"
	} >"$f"
}

test_expect_success 'accept-new refuses a changed key when descriptors run out' '
	an an.conf "UserKnownHostsFile $TRASH/kh" "GlobalKnownHostsFile none" \
	    "StrictHostKeyChecking accept-new" &&
	: >failed &&
	for n in 8 9 10 11 12 13 14 15 16 17 18 19 20 24 32; do
		cp changed.orig kh && rm -f ran.* &&
		rc=0 &&
		(ulimit -n $n; exec "$MUSTER" --ssh-config an.conf -w "node[0001-0012]" \
		    -c 12 --json shell "$mark") >out.json 2>err || rc=$?
		echo "ulimit -n $n: exit $rc" && cat err &&
		jq -c ".results[0] | [.host, .status, .statusmsg]" out.json || :
		test ! -e "ran.$a1" || echo "$n: ran on node0001" >>failed
		cmp -s changed.orig kh || echo "$n: appended to kh" >>failed
		jq -e --arg f "$TRASH/kh" ".results[0].host == \"node0001\" and
		    .results[0].status == \"hostkey\" and
		    (.results[0].statusmsg | contains(\$f))" out.json >/dev/null ||
		    echo "$n: not hostkey naming kh" >>failed
		test "$rc" = 3 || echo "$n: exit $rc" >>failed
	done
	cat failed &&
	test ! -s failed
'

test_expect_success 'a known_hosts file that cannot be read fails its hosts (accept-new)' '
	mkdir khdir &&
	cp right.orig kh &&
	an an.conf "UserKnownHostsFile $TRASH/khdir $TRASH/kh" "GlobalKnownHostsFile none" \
	    "StrictHostKeyChecking accept-new" &&
	rm -f ran.* &&
	test_expect_code 3 "$MUSTER" --ssh-config an.conf -w node0001 --json shell "$mark" >out.json &&
	test ! -e "ran.$a1" &&
	test_cmp right.orig kh &&
	test -z "$(ls khdir)" &&
	jq -e ".results[0].status == \"hostkey\"" out.json &&
	jq -e --arg f "$TRASH/khdir" ".results[0].statusmsg | contains(\$f) and contains(\"Is a directory\")" out.json
'

test_expect_success 'a known_hosts file that cannot be read is not "no host key known" (yes)' '
	an an.conf "UserKnownHostsFile $TRASH/khdir" "GlobalKnownHostsFile none" &&
	test_expect_code 3 "$MUSTER" --ssh-config an.conf -w node0001 --json ping >out.json &&
	jq -e ".results[0].status == \"hostkey\"" out.json &&
	jq -e --arg f "$TRASH/khdir" ".results[0].statusmsg | contains(\$f) and contains(\"Is a directory\") and (contains(\"no ED25519\") | not)" out.json
'

test_expect_success 'an unreadable GlobalKnownHostsFile fails its hosts too' '
	: >empty &&
	an an.conf "UserKnownHostsFile $TRASH/empty" "GlobalKnownHostsFile $TRASH/khdir" \
	    "StrictHostKeyChecking accept-new" &&
	rm -f ran.* &&
	test_expect_code 3 "$MUSTER" --ssh-config an.conf -w node0001 --json shell "$mark" >out.json &&
	test ! -e "ran.$a1" &&
	test ! -s empty &&
	jq -e --arg f "$TRASH/khdir" ".results[0].status == \"hostkey\" and (.results[0].statusmsg | contains(\$f))" out.json
'

test_expect_success 'GlobalKnownHostsFile is read: a key there matches' '
	: >empty &&
	cp right.orig global &&
	an an.conf "UserKnownHostsFile $TRASH/empty" "GlobalKnownHostsFile $TRASH/none $TRASH/global" &&
	"$MUSTER" --ssh-config an.conf -w node0001 ping >out &&
	test_grep "Nodes: 1 / 1" out
'

test_expect_success 'accept-new adds nothing when the global file holds a changed key' '
	: >empty &&
	cp changed.orig global &&
	an an.conf "UserKnownHostsFile $TRASH/empty" "GlobalKnownHostsFile $TRASH/global" \
	    "StrictHostKeyChecking accept-new" &&
	rm -f ran.* &&
	test_expect_code 3 "$MUSTER" --ssh-config an.conf -w node0001 --json shell "$mark" >out.json &&
	test ! -e "ran.$a1" &&
	test ! -s empty &&
	jq -e --arg f "$TRASH/global" ".results[0].status == \"hostkey\" and (.results[0].statusmsg | contains(\$f))" out.json
'

test_expect_success 'accept-new adds nothing when a key of another type is on record' '
	: >empty &&
	cp othertype.orig global &&
	an an.conf "UserKnownHostsFile $TRASH/empty" "GlobalKnownHostsFile $TRASH/global" \
	    "StrictHostKeyChecking accept-new" &&
	rm -f ran.* &&
	test_expect_code 3 "$MUSTER" --ssh-config an.conf -w node0001 --json shell "$mark" >out.json &&
	test ! -e "ran.$a1" &&
	test ! -s empty &&
	jq -e --arg f "$TRASH/global" ".results[0].status == \"hostkey\" and (.results[0].statusmsg | contains(\$f) and contains(\"another type\"))" out.json
'

test_expect_success 'accept-new starts its line after a last line without a newline' '
	printf "[127.0.0.1]:1 %s" "$(cut -d" " -f1,2 otherkey.pub)" >kh &&
	cp kh kh.before &&
	an an.conf "UserKnownHostsFile $TRASH/kh" "GlobalKnownHostsFile none" \
	    "StrictHostKeyChecking accept-new" &&
	"$MUSTER" --ssh-config an.conf -w node0001 ping >/dev/null &&
	test $(wc -l <kh) -eq 2 &&
	head -n 1 kh >first && printf "\n" >>kh.before && test_cmp kh.before first &&
	tail -n 1 kh | grep "^\[$a1\]:$FLEET_PORT ssh-ed25519 " &&
	ssh-keygen -F "[$a1]:$FLEET_PORT" -f kh >/dev/null &&
	ssh-keygen -F "[127.0.0.1]:1" -f kh >/dev/null &&
	an an.conf "UserKnownHostsFile $TRASH/kh" "GlobalKnownHostsFile none" &&
	"$MUSTER" --ssh-config an.conf -w node0001 ping >/dev/null
'

test_expect_success 'accept-new says so when it cannot record a key' '
	an an.conf "UserKnownHostsFile $TRASH/no/such/dir/kh" "GlobalKnownHostsFile none" \
	    "StrictHostKeyChecking accept-new" &&
	"$MUSTER" --ssh-config an.conf -w node0001 ping >out 2>err &&
	test_grep "Nodes: 1 / 1" out &&
	test_grep "cannot record the ED25519 host key of \[$a1\]:$FLEET_PORT in $TRASH/no/such/dir/kh: No such file or directory" err
'

test_expect_success 'a short write of a new key is reported, not silent' '
	head -c 1000 /dev/zero | tr "\0" "#" >kh && echo >>kh &&
	an an.conf "UserKnownHostsFile $TRASH/kh" "GlobalKnownHostsFile none" \
	    "StrictHostKeyChecking accept-new" &&
	rc=0 &&
	(trap "" XFSZ; ulimit -f 2; exec "$MUSTER" --ssh-config an.conf -w node0001 ping) \
	    >out 2>err || rc=$? &&
	cat err &&
	test_grep "cannot record the ED25519 host key of \[$a1\]:$FLEET_PORT in $TRASH/kh: short write" err
'

test_expect_success 'an Include fan-out stops at a bound, with FILE:LINE' '
	mkdir -p fan &&
	for l in 0 1 2 3 4 5 6 7 8 9 10 11; do
		for i in 0 1 2 3; do
			if [ $l -lt 11 ]; then
				printf "Include %s/fan/l%d-*.conf\nUser u%d\n" "$TRASH" $((l + 1)) $l
			else
				printf "User last\n"
			fi >fan/l$l-$i.conf
		done
	done &&
	printf "Host *\n\tInclude %s/fan/l0-*.conf\n" "$TRASH" >fan.conf &&
	test_expect_code 64 timeout 20 "$MUSTER" --ssh-config fan.conf -w node0001 ping 2>err &&
	cat err &&
	test $(wc -l <err) -eq 1 &&
	test_grep "^muster: $TRASH/fan/l[0-9]*-[0-3].conf:1: Include: too many files included (more than 256 in all)$" err
'

# home CONFIG-LINES...: ~/.ssh/config for alias h1 -> node0001.
home() {
	mkdir -p "$HOME/.ssh" &&
	{
		printf "Host h1\n\tHostName %s\n\tPort %s\n" "$a1" "$FLEET_PORT"
		for l in "$@"; do printf "\t%s\n" "$l"; done
	} >"$HOME/.ssh/config"
}

test_expect_success 'the system ssh_config is read after the user file' '
	home &&
	mkdir -p sys/ssh_config.d &&
	# Debian 12 default, its Include made relative (to the file'"'"'s directory).
	cat >sys/ssh_config <<-EOF &&
	Include ssh_config.d/*.conf
	Host *
	    SendEnv LANG LC_*
	    HashKnownHosts yes
	    GSSAPIAuthentication yes
	    Port 1
	    IdentityAgent none
	    UserKnownHostsFile $FLEET_DIR/known_hosts
	    GlobalKnownHostsFile none
	EOF
	printf "Host *\n\tIdentityFile %s\n" "$FLEET_DIR/keys/fleet" \
	    >sys/ssh_config.d/10-fleet.conf &&
	MUSTER_SYSTEM_SSH_CONFIG=$TRASH/sys/ssh_config "$MUSTER" -w h1 ping >out &&
	test_grep "Nodes: 1 / 1" out
'

test_expect_success 'with --ssh-config (ssh -F) the system file is not read' '
	home &&
	test_expect_code 3 env MUSTER_SYSTEM_SSH_CONFIG=$TRASH/sys/ssh_config \
	    "$MUSTER" --ssh-config "$HOME/.ssh/config" -w h1 ping --json >out.json &&
	jq -e ".results[0].status != \"ok\"" out.json &&
	test_expect_code 3 env MUSTER_SYSTEM_SSH_CONFIG=$TRASH/sys/ssh_config \
	    MUSTER_SSH_CONFIG="$HOME/.ssh/config" "$MUSTER" -w h1 ping >/dev/null
'

test_expect_success 'a bad system ssh_config names itself; "none" skips it' '
	home &&
	printf "Host *\n\tStrictHostKeyChecking sometimes\n" >badsys.conf &&
	test_expect_code 64 env MUSTER_SYSTEM_SSH_CONFIG=$TRASH/badsys.conf \
	    "$MUSTER" -w h1 ping 2>err &&
	test_grep "^muster: $TRASH/badsys.conf:2: bad StrictHostKeyChecking" err &&
	test_expect_code 3 env MUSTER_SYSTEM_SSH_CONFIG=none "$MUSTER" -w h1 ping >/dev/null
'

test_expect_success 'a missing --ssh-config or $MUSTER_SSH_CONFIG names itself, exit 64' '
	test_expect_code 64 "$MUSTER" --ssh-config /x/y -w h1 ping 2>err &&
	echo "muster: ssh_config /x/y: No such file or directory" >want &&
	test_cmp want err &&
	test_expect_code 64 env MUSTER_SSH_CONFIG=/x/y "$MUSTER" -w h1 ping 2>err &&
	test_cmp want err
'

test_done
