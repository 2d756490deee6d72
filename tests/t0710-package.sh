#!/bin/sh
test_description='package agent: real apt-get and dpkg into per-host roots, drift, validation'
. "$(dirname "$0")/test-lib.sh"

# Each host of the fleet has its own dpkg database and install root
# (dpkg_root = HOST/root) and its own apt configuration (apt_config =
# HOST/apt/apt.conf), both made by tests/fleet-agents.sh, so the real
# apt-get installs into HOST/root from a local file repository, with no
# network and without touching the machine's own dpkg database. The hosts
# share one copy of the package lists, fetched once. See /work/shared/notes
# and the README.

[ "$(id -u)" = 0 ] || test_skip_all "apt-get and dpkg need root"
for t in apt-get dpkg-deb dpkg-scanpackages dpkg-query dash xz; do
	command -v $t >/dev/null 2>&1 ||
	    test_skip_all "$t is missing (tests/install-deps.sh installs it)"
done

REQ=$TOOLS/mkrequest
DUMP=$TOOLS/msgdump
LAST=40		# hosts node0001 to node0040 get an apt root

host_dir()
{
	printf '%s/hosts/node%04d\n' "$FLEET_DIR" "$1"
}

# apt-get for host N, outside muster (to set the scene).
host_apt()
{
	n=$1
	shift
	APT_CONFIG=$(host_dir "$n")/apt/apt.conf DEBIAN_FRONTEND=noninteractive \
	    "$@"
}

# muster rpc package ... --json into FILE.
pkg_json()
{
	out=$1
	shift
	code=0
	fleet_muster rpc package "$@" --json >"$out" || code=$?
	echo "$code" >"$out.code"
}

# The distribution of a field in a JSON run: "N VALUE" lines.
field_counts()
{
	jq -r ".results[] | .data.$1 // \"-\"" "$2" | sort | uniq -c |
	    sed 's/^ *//'
}

# The packages (app 1.0-1 and 2.0-1, bad 1.0-1 whose preinst fails), the
# repository and the roots come from tests/fleet-agents.sh, as the demo's.
test_expect_success 'setup: packages, a file repository, a root per host' '
	sh "$TOP/tests/fleet-agents.sh" up "$FLEET_DIR" 1 $LAST package &&
	test $(grep -c "^Package: app" "$FLEET_DIR/agents/repo/Packages") -eq 2 &&
	ls "$FLEET_DIR/agents/lists" | grep -q Packages &&
	test -f "$(host_dir $LAST)/apt/apt.conf" &&
	test -f "$(host_dir $LAST)/root/var/lib/dpkg/status"
'

test_expect_success 'setup: a /bin/sh in the root of node0040' '
	sh "$TOP/tests/fleet-agents.sh" binsh "$FLEET_DIR" 40 &&
	chroot "$(host_dir 40)/root" /bin/sh -c "exit 0"
'

test_expect_success 'install a version on 10 hosts' '
	pkg_json out.json install package=app version=1.0-1 \
	    -w "$(fleet_range 1 10)" &&
	test "$(cat out.json.code)" = 0 &&
	jq -e "[.results[] | select(.statuscode == 0 and
	    .data.ensure == \"1.0-1\" and .data.version == \"1.0\" and
	    .data.release == \"1\" and .data.arch == \"all\" and
	    .data.provider == \"apt\")] | length == 10" out.json &&
	grep -q "status installed app:all 1.0-1" "$(host_dir 1)/root/var/log/dpkg.log" &&
	! dpkg-query -W app >/dev/null 2>&1
'

test_expect_success 'install 2.0-1 on 30 hosts, 10 of them at 1.0-1: all end at 2.0-1' '
	pkg_json out.json install package=app version=2.0-1 \
	    -w "$(fleet_range 1 30)" &&
	test "$(cat out.json.code)" = 0 &&
	jq -e ".summary.targeted == 30 and .summary.ok == 30" out.json &&
	field_counts ensure out.json >counts &&
	echo "30 2.0-1" >expect &&
	test_cmp expect counts &&
	grep -q "status installed app:all 2.0-1" "$(host_dir 5)/root/var/log/dpkg.log" &&
	grep -q "upgrade app:all 1.0-1 2.0-1" "$(host_dir 5)/root/var/log/dpkg.log"
'

test_expect_success 'install of what is installed runs nothing and says so' '
	log=$(host_dir 2)/root/var/log/dpkg.log &&
	before=$(wc -l <"$log") &&
	pkg_json out.json install package=app -w "$(fleet_range 1 3)" &&
	test "$(cat out.json.code)" = 0 &&
	jq -e "[.results[] | select(.statuscode == 0 and
	    .statusmsg == \"app 2.0-1 is already installed\" and
	    .data.ensure == \"2.0-1\")] | length == 3" out.json &&
	pkg_json out.json install package=app version=2.0-1 -w node0002 &&
	jq -e ".results[0].statusmsg == \"app 2.0-1 is already installed\"" out.json &&
	test "$(wc -l <"$log")" = "$before"
'

test_expect_success 'a package no repository has: every host fails with apt'"'"'s words' '
	pkg_json out.json install package=zsh -w "$(fleet_range 1 30)" &&
	test "$(cat out.json.code)" = 2 &&
	jq -e "[.results[] | select(.statuscode == 1 and
	    .statusmsg == \"E: Unable to locate package zsh\" and
	    .data.ensure == \"purged\" and
	    (.data.output | test(\"Unable to locate package zsh\")))] |
	    length == 30" out.json
'

test_expect_success 'a failing preinst: failed, with dpkg'"'"'s reason, not installed' '
	pkg_json out.json install package=bad -w node0040 &&
	test "$(cat out.json.code)" = 2 &&
	jq -e ".results[0].statuscode == 1 and
	    (.results[0].statusmsg | test(\"^dpkg: error processing archive .*bad_1.0-1_all.deb .*pre-installation script subprocess returned error exit status 1\$\")) and
	    .results[0].data.ensure != \"1.0-1\" and
	    (.results[0].data.output | test(\"bad refuses to install here\"))" out.json
'

test_expect_success 'status: the distribution of versions over 40 hosts' '
	pkg_json out.json status package=app -w "$(fleet_range 1 $LAST)" &&
	test "$(cat out.json.code)" = 0 &&
	field_counts ensure out.json >counts &&
	printf "30 2.0-1\n10 purged\n" >expect &&
	test_cmp expect counts &&
	field_counts arch out.json >counts &&
	printf "10 \n30 all\n" >expect &&
	test_cmp expect counts
'

test_expect_success 'install without a version leaves an older one; update brings it up' '
	pkg_json out.json install package=app version=1.0-1 -w node0031 &&
	pkg_json out.json install package=app -w node0031 &&
	jq -e ".results[0].statuscode == 0 and
	    .results[0].statusmsg == \"app 1.0-1 is already installed\"" out.json &&
	pkg_json out.json checkupdates -w node0031,node0001 &&
	jq -e "(.results[] | select(.host == \"node0031\") | .data) as \$d |
	    \$d.package_manager == \"apt\" and \$d.exitcode == 0 and
	    \$d.outdated_packages == [{\"package\": \"app\", \"version\": \"2.0-1\", \"repo\": \"localhost\"}]" out.json &&
	jq -e "(.results[] | select(.host == \"node0001\") | .data.outdated_packages) == []" out.json &&
	pkg_json out.json update package=app -w node0031 &&
	jq -e ".results[0].statuscode == 0 and .results[0].data.ensure == \"2.0-1\"" out.json &&
	pkg_json out.json update package=app -w node0031 &&
	jq -e ".results[0].statuscode == 0 and
	    .results[0].statusmsg == \"app 2.0-1 is already the newest version\"" out.json &&
	pkg_json out.json update package=app -w node0032 &&
	jq -e ".results[0].statuscode == 1 and
	    (.results[0].statusmsg | test(\"not installed\"))" out.json
'

test_expect_success 'drift: eight hosts reach 2.0-1, the held one stays at 1.0-1' '
	pkg_json out.json install package=app version=1.0-1 -w "$(fleet_range 31 39)" &&
	jq -e ".summary.ok == 9" out.json &&
	host_apt 39 apt-mark hold app >/dev/null &&
	pkg_json out.json install package=app version=2.0-1 -w "$(fleet_range 31 39)" &&
	test "$(cat out.json.code)" = 2 &&
	jq -e ".summary.ok == 8 and ([.results[] | select(.statuscode != 0)] |
	    length == 1 and .[0].host == \"node0039\" and
	    (.[0].statusmsg | test(\"^E: Held packages were changed\")) and
	    .[0].data.ensure == \"1.0-1\")" out.json &&
	pkg_json out.json status package=app -w "$(fleet_range 31 39)" &&
	field_counts ensure out.json >counts &&
	printf "1 1.0-1\n8 2.0-1\n" >expect &&
	test_cmp expect counts &&
	jq -r ".results[] | select(.data.ensure == \"1.0-1\") | .host" out.json >odd &&
	echo node0039 >expect &&
	test_cmp expect odd
'

test_expect_success 'drift in the table: the odd version is highlighted with its host' '
	fleet_muster -w "$(fleet_range 31 39)" package status app >out &&
	test_grep "^ *Ensure: 8 \* 2.0-1, 1 \* 1.0-1 node0039$" out
'

test_expect_success 'drift as an alarm: --expect ensure=2.0-1 fails the odd host, exit 2' '
	test_expect_code 2 fleet_muster -w "$(fleet_range 31 39)" \
	    package status app --expect ensure=2.0-1 >out &&
	test_grep "^node0039 *expected ensure=2.0-1, got 1.0-1$" out &&
	test_grep "^ *Failed: 1   node0039$" out
'

test_expect_success 'uninstall keeps the conffile (absent), purge removes it (purged)' '
	pkg_json out.json uninstall package=app -w "$(fleet_range 1 3)" &&
	test "$(cat out.json.code)" = 0 &&
	jq -e "[.results[] | select(.data.ensure == \"absent\")] | length == 3" out.json &&
	test -f "$(host_dir 1)/root/etc/app.conf" &&
	test ! -f "$(host_dir 1)/root/usr/share/app/VERSION" &&
	pkg_json out.json uninstall package=app -w node0001 &&
	jq -e ".results[0].statuscode == 0 and
	    .results[0].statusmsg == \"app is not installed\"" out.json &&
	pkg_json out.json purge package=app -w "$(fleet_range 1 3)" &&
	jq -e "[.results[] | select(.statuscode == 0 and
	    .data.ensure == \"purged\")] | length == 3" out.json &&
	test ! -f "$(host_dir 1)/root/etc/app.conf" &&
	pkg_json out.json purge package=app -w node0001 &&
	jq -e ".results[0].statusmsg == \"app is already purged\"" out.json &&
	pkg_json out.json install package=app -w "$(fleet_range 1 3)" &&
	jq -e "[.results[] | select(.data.ensure == \"2.0-1\")] | length == 3" out.json
'

test_expect_success 'count and refresh' '
	pkg_json out.json count -w "$(fleet_range 1 2),node0011" &&
	jq -e "[.results[] | select(.statuscode == 0 and .data.output == \"1\" and
	    .data.exitcode == 0)] | length == 3" out.json &&
	pkg_json out.json refresh -w node0001 &&
	jq -e ".results[0].statuscode == 0 and .results[0].data.exitcode == 0 and
	    (.results[0].data.output | test(\"Reading package lists\"))" out.json &&
	pkg_json out.json yum_clean -w node0001 &&
	jq -e ".results[0].statuscode == 1 and
	    (.results[0].statusmsg | test(\"needs dnf or yum\"))" out.json
'

# refuse INPUT ARGS...: muster rpc package install ARGS must exit 64 with
# one line naming INPUT, having sent nothing.
refuse()
{
	name=$1
	shift
	code=0
	fleet_muster rpc package install "$@" -w node0001 >out 2>err || code=$?
	if [ "$code" != 64 ] || [ "$(wc -l <err)" != 1 ] ||
	    ! grep -q "input '$name'" err || [ -s out ]; then
		echo "refuse: $name: exit $code, stdout, stderr:" >&2
		cat out err >&2
		return 1
	fi
}

test_expect_success 'hostile inputs are refused client-side: exit 64, nothing sent' '
	audit=$(host_dir 1)/audit.log &&
	before=$(wc -l <"$audit") &&
	refuse package "package=zsh;rm -rf /" &&
	refuse package package=--force-yes &&
	refuse package package=-y &&
	refuse package "package=zsh bash" &&
	refuse package "package=\$(reboot)" &&
	refuse package "package=zsh
rm -rf /" &&
	refuse package "package=$(printf "%0256d" 0)" &&
	refuse version package=zsh "version=1.0;reboot" &&
	refuse version package=zsh version=-1 &&
	refuse package version=1.0 &&
	refuse force package=zsh force=yes &&
	test "$(wc -l <"$audit")" = "$before"
'

test_expect_success 'the agent refuses the same inputs sent raw: status 4, or 3 when missing' '
	cat >agent.conf <<-EOF &&
	identity = raw01
	audit_log = $TRASH/raw-audit.log
	package_provider = apt
	apt_config = $(host_dir 1)/apt/apt.conf
	dpkg_root = $(host_dir 1)/root
	EOF
	log=$(host_dir 1)/root/var/log/dpkg.log &&
	before=$(wc -l <"$log") &&
	long=$(printf "%0300d" 0 | tr 0 a) &&
	for kv in "package=zsh;rm -rf /" "package=--force-yes" "package=-y" \
	    "package=zsh
rm" "package=$long" "package=\$(reboot)"; do
		MUSTER_AGENT_CONFIG=$TRASH/agent.conf &&
		export MUSTER_AGENT_CONFIG &&
		"$REQ" package install "$kv" | "$AGENT" | "$DUMP" >out &&
		jq -e ".statuscode == 4 and (.statusmsg | test(\"package\")) and
		    .data == {}" out || exit 1
	done &&
	MUSTER_AGENT_CONFIG=$TRASH/agent.conf &&
	export MUSTER_AGENT_CONFIG &&
	"$REQ" package install package=app "version=1;reboot" | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 4 and (.statusmsg | test(\"version\"))" out &&
	"$REQ" package install version=2.0-1 | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 3 and (.statusmsg | test(\"package\")) and
	    .sender == \"raw01\"" out &&
	"$REQ" package install package=app force-yes=1 | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 4 and (.statusmsg | test(\"force-yes\"))" out &&
	"$REQ" package install package:=7 | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 4" out &&
	"$REQ" package yum_clean mode=everything | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 4 and (.statusmsg | test(\"mode\"))" out &&
	test "$(wc -l <"$log")" = "$before"
'

test_expect_success 'a held dpkg lock: a bounded wait, then a failure naming the lock' '
	py=python3 &&
	if [ -x /usr/bin/python3 ]; then py=/usr/bin/python3; fi &&
	command -v $py >/dev/null || { echo "no python3: skipped"; exit 0; }
	h=$(host_dir 35) &&
	cat >agent.conf <<-EOF &&
	identity = raw35
	audit_log = $TRASH/raw-audit.log
	package_provider = apt
	apt_config = $h/apt/apt.conf
	dpkg_root = $h/root
	package_lock_timeout = 1
	EOF
	MUSTER_AGENT_CONFIG=$TRASH/agent.conf &&
	export MUSTER_AGENT_CONFIG || exit 1
	# Holds the lock as dpkg takes it: an fcntl lock on lock-frontend.
	$py -c "import fcntl, sys, time
f = open(sys.argv[1], \"a\")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], \"w\").close()
time.sleep(30)" "$h/root/var/lib/dpkg/lock-frontend" locked &
	pid=$! &&
	i=0 && while [ ! -e locked ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done &&
	test -e locked &&
	start=$(date +%s) &&
	"$REQ" package uninstall package=app | "$AGENT" | "$DUMP" >out &&
	end=$(date +%s) &&
	kill $pid &&
	jq -e ".statuscode == 1 and
	    (.statusmsg | test(\"^lock held by another process .*package_lock_timeout.*lock-frontend\")) and
	    .data.ensure == \"2.0-1\"" out &&
	test $((end - start)) -lt 30
'

test_expect_success 'cleanup: the hosts lose their apt roots' '
	sh "$TOP/tests/fleet-agents.sh" down "$FLEET_DIR" 1 $LAST package &&
	test ! -e "$(host_dir 1)/root" && test ! -e "$(host_dir $LAST)/apt"
'

test_done
