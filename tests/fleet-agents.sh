#!/bin/sh
# fleet-agents.sh: what the package, service, nrpe and puppet agents act
# on, for hosts of a test fleet made by tests/fleet.sh.
#
#   fleet-agents.sh up DIR FIRST LAST [PART...]      prepare nodeFIRST..LAST
#   fleet-agents.sh down DIR [FIRST LAST] [PART...]  stop and remove it
#   fleet-agents.sh binsh DIR N...                   a /bin/sh in roots
#
# PART is package, service, nrpe or puppet; the first three when none is
# named (a puppet run costs seconds of CPU: asked for by name). up on a
# host that has a part already makes it afresh. down without FIRST LAST
# takes every host of DIR that has something: fleet.sh down runs that
# first, so no daemon outlives its fleet.
#
# On each host HOST (DIR/hosts/nodeNNNN, whose agent.conf fleet.sh wrote):
#
# package  HOST/apt/apt.conf and HOST/root, a dpkg root of the host's own:
#	   the real apt-get and dpkg install into it from a local file
#	   repository, with no network and the machine's own dpkg database
#	   untouched. The repository (DIR/agents/repo) holds app 1.0-1 and
#	   2.0-1 and bad 1.0-1, whose preinst fails; the hosts share one
#	   copy of the package lists, fetched once. A maintainer script runs
#	   chrooted in the root, so only a root with a /bin/sh can run bad's:
#	   binsh copies dash there.
# service  HOST/init.d/demo, an LSB init script around pid-daemon ($BUILD/
#	   tests), its pidfile in HOST/run. A word in HOST/demo.mode makes
#	   it misbehave: refuses (start fails, exit 1), dies (the daemon dies
#	   once started), unknown (status exits 4). A daemon ends by itself
#	   after $FLEET_AGENTS_LIFETIME seconds (default 300).
# nrpe     HOST/nrpe.cfg: check_state (check_dummy: OK, but WARNING on the
#	   host a third into FIRST..LAST and CRITICAL on the one two thirds
#	   in), check_load and check_disk, from monitoring-plugins.
# puppet   HOST/puppet: Debian's real puppet, run by `puppet apply` with
#	   the host's own confdir (conf, codedir conf/code with environments
#	   production and staging), vardir (var), rundir (run), statedir
#	   (state) and publicdir (public) on HOST/puppet/site.pp: an exec
#	   tagged "sleeper" that writes "start TIME" to HOST/puppet/runs.log,
#	   sleeps the seconds in HOST/puppet/sleep (1 when there is none)
#	   and writes "end TIME" (date +%s.%N), and a file HOST/puppet/managed
#	   tagged "managed_file". The host's agent.conf gets puppet_* keys:
#	   its puppet_command is tests/tools/puppet-run HOST/puppet, which
#	   holds the catalog-run lock with its pid while `puppet apply` runs
#	   (puppet apply takes none itself).
#
# HOST/agents.made names the parts made on the host, so down removes only
# what up made; DIR/agents, what the hosts share, goes with the last one.

set -u

ME=fleet-agents.sh
PLUGINS=/usr/lib/nagios/plugins
LIFETIME=${FLEET_AGENTS_LIFETIME:-300}

die()
{
	echo "$ME: $*" >&2
	exit 1
}

usage()
{
	cat >&2 <<EOF
usage: $ME up DIR FIRST LAST [package|service|nrpe|puppet ...]
       $ME down DIR [FIRST LAST] [package|service|nrpe|puppet ...]
       $ME binsh DIR N...
EOF
	exit 64
}

host_dir()
{
	printf '%s/hosts/node%04d\n' "$DIR" "$1"
}

# fleet_dir DIR: DIR must be a fleet's; sets DIR (absolute) and SHARED.
fleet_dir()
{
	[ -f "$1/fleet.env" ] || die "$1 holds no fleet (tests/fleet.sh up)"
	DIR=$(cd "$1" && pwd) || exit 1
	SHARED=$DIR/agents
}

# range FIRST LAST: check them and set FIRST and LAST.
range()
{
	for n in "$1" "$2"; do
		case "$n" in
		''|*[!0-9]*) die "not a host number: $n" ;;
		esac
	done
	FIRST=$1
	LAST=$2
	[ "$FIRST" -ge 1 ] && [ "$FIRST" -le "$LAST" ] ||
	    die "bad range of hosts: $FIRST..$LAST"
	[ -f "$(host_dir "$LAST")/agent.conf" ] ||
	    die "no host node$(printf %04d "$LAST") in $DIR"
}

# parts [PART...]: check them and set PARTS.
parts()
{
	PARTS=
	for p in "$@"; do
		case "$p" in
		package|service|nrpe|puppet) PARTS="$PARTS $p" ;;
		*) die "unknown part: $p (package, service, nrpe or puppet)" ;;
		esac
	done
	[ -n "$PARTS" ] || PARTS="package service nrpe"
}

has_part()
{
	grep -qx "$2" "$1/agents.made" 2>/dev/null
}

add_part()
{
	has_part "$1" "$2" || echo "$2" >>"$1/agents.made"
}

del_part()
{
	[ -f "$1/agents.made" ] || return 0
	grep -vx "$2" "$1/agents.made" >"$1/agents.made.tmp"
	if [ -s "$1/agents.made.tmp" ]; then
		mv "$1/agents.made.tmp" "$1/agents.made"
	else
		rm -f "$1/agents.made.tmp" "$1/agents.made"
	fi
}

# alive PID...: shared with fleet.sh.
. "$(dirname "$0")/fleet-proc.sh"

# daemons HOST: the pids of the host's live daemons: those whose command
# line names a pidfile of HOST/run that holds their pid.
daemons()
{
	for f in "$1"/run/*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f" 2>/dev/null) || continue
		case "$pid" in
		''|*[!0-9]*) continue ;;
		esac
		{ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null |
		    grep -qF " $f " && echo "$pid"
	done
}

# puppet_runs HOST: the host's run under way, if any: the pid its
# catalog-run lock holds, when that is puppet-run (which leads its own
# process group: the agent starts it in a session of its own).
puppet_runs()
{
	f=$1/puppet/state/agent_catalog_run.lock
	[ -s "$f" ] || return 0
	pid=$(cat "$f" 2>/dev/null) || return 0
	case "$pid" in
	''|*[!0-9]*) return 0 ;;
	esac
	{ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null |
	    grep -qF "puppet-run $1/puppet" && echo "$pid"
	return 0
}

# stop PID...: TERM, five seconds, then KILL.
stop()
{
	[ $# -eq 0 ] && return 0
	kill -TERM "$@" 2>/dev/null
	i=0
	while alive "$@" && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	alive "$@" && kill -KILL "$@" 2>/dev/null
	return 0
}

# remove HOST PART...: undo what up made of those parts on HOST. The
# daemons are stopped by the caller first.
remove()
{
	h=$1
	shift
	for p in "$@"; do
		has_part "$h" "$p" || continue
		case "$p" in
		package) rm -rf "$h/apt" "$h/root" ;;
		service) rm -rf "$h/init.d" "$h/run" "$h/demo.mode" ;;
		nrpe) rm -f "$h/nrpe.cfg" ;;
		puppet)
			rm -rf "$h/puppet"
			sed -i '/^puppet_/d' "$h/agent.conf" ;;
		esac
		del_part "$h" "$p"
	done
}

# hosts_down [HOST...]: stop the daemons (and puppet runs) of those
# hosts that have a service (puppet) part in PARTS, then remove their
# PARTS.
hosts_down()
{
	pids=
	for h in "$@"; do
		case " $PARTS " in
		*" service "*)
			has_part "$h" service && pids="$pids $(daemons "$h")" ;;
		esac
		case " $PARTS " in
		*" puppet "*)
			has_part "$h" puppet || continue
			for pid in $(puppet_runs "$h"); do
				# The run's puppet apply and sleep with it.
				kill -TERM -- "-$pid" 2>/dev/null
				pids="$pids $pid"
			done ;;
		esac
	done
	# shellcheck disable=SC2086
	stop $pids
	for h in "$@"; do
		# shellcheck disable=SC2086
		remove "$h" $PARTS
	done
}

# The hosts FIRST..LAST, one directory a line.
range_hosts()
{
	i=$FIRST
	while [ "$i" -le "$LAST" ]; do
		host_dir "$i"
		i=$((i + 1))
	done
}

# What the hosts share goes when no host has anything left.
shared_down()
{
	for f in "$DIR"/hosts/*/agents.made; do
		[ -f "$f" ] && return 0
	done
	rm -rf "$SHARED"
}

cmd_down()
{
	[ $# -ge 1 ] || usage
	# Nothing to undo where no fleet is (any more).
	[ -f "$1/fleet.env" ] || return 0
	fleet_dir "$1"
	shift
	if [ $# -ge 2 ] && [ -n "${1##*[!0-9]*}" ]; then
		range "$1" "$2"
		shift 2
		parts "$@"
		# shellcheck disable=SC2046
		hosts_down $(range_hosts)
	else
		parts "$@"
		set --
		for f in "$DIR"/hosts/*/agents.made; do
			[ -f "$f" ] && set -- "$@" "${f%/agents.made}"
		done
		hosts_down "$@"
	fi
	shared_down
}

# deb NAME VERSION [PREINST-EXIT]: a package of one file and a conffile.
deb()
{
	d=$SHARED/src/$1-$2
	mkdir -p "$d/DEBIAN" "$d/usr/share/$1" "$d/etc" || return 1
	echo "$1 $2" >"$d/usr/share/$1/VERSION"
	echo "# $1 configuration" >"$d/etc/$1.conf"
	echo "/etc/$1.conf" >"$d/DEBIAN/conffiles"
	cat >"$d/DEBIAN/control" <<EOF
Package: $1
Version: $2
Architecture: all
Maintainer: muster tests <tests@example.org>
Description: muster test package $1
EOF
	if [ -n "${3:-}" ]; then
		printf '#!/bin/sh\necho "%s refuses to install here" >&2\nexit %s\n' \
		    "$1" "$3" >"$d/DEBIAN/preinst"
		chmod 755 "$d/DEBIAN/preinst"
	fi
	dpkg-deb --root-owner-group -Zgzip --build "$d" \
	    "$SHARED/repo/$1_$2_all.deb" >/dev/null
}

# The repository and its sources.list, once per fleet.
package_shared()
{
	[ -s "$SHARED/repo/Packages.xz" ] && return 0
	for t in apt-get dpkg-deb dpkg-scanpackages xz; do
		command -v $t >/dev/null 2>&1 ||
		    die "$t is missing (tests/install-deps.sh installs it)"
	done
	rm -rf "$SHARED/src" "$SHARED/repo" "$SHARED/lists"
	mkdir -p "$SHARED/repo" "$SHARED/lists/partial" || exit 1
	deb app 1.0-1 && deb app 2.0-1 && deb bad 1.0-1 1 ||
	    die "dpkg-deb failed"
	(cd "$SHARED/repo" &&
	    dpkg-scanpackages --multiversion . /dev/null >Packages \
	    2>/dev/null && xz -k Packages) || die "dpkg-scanpackages failed"
	echo "deb [trusted=yes] file:$SHARED/repo ./" >"$SHARED/sources.list"
}

# package_host HOST: an apt configuration that keeps apt-get and dpkg in
# HOST/root, reading the shared lists; the machine's apt configuration is
# not read, and dpkg is always given --root and --log.
package_host()
{
	r=$1/root
	mkdir -p "$1/apt/parts" "$r/var/lib/dpkg/info" \
	    "$r/var/lib/dpkg/updates" "$r/var/cache/apt/archives/partial" \
	    "$r/var/log/apt" "$r/etc/apt/preferences.d" || exit 1
	: >"$r/var/lib/dpkg/status"
	cat >"$1/apt/apt.conf" <<EOF
Dir "$r/";
Dir::State::status "$r/var/lib/dpkg/status";
Dir::State::Lists "$SHARED/lists/";
Dir::Etc::main "/dev/null";
Dir::Etc::parts "$1/apt/parts";
Dir::Etc::sourcelist "$SHARED/sources.list";
Dir::Etc::sourceparts "-";
APT::Architecture "amd64";
APT::Sandbox::User "root";
Acquire::Languages "none";
DPkg::Options { "--root=$r"; "--log=$r/var/log/dpkg.log"; };
EOF
}

have_lists()
{
	for f in "$SHARED"/lists/*Packages*; do
		[ -f "$f" ] && return 0
	done
	return 1
}

# The lists, fetched once through the first host's configuration.
package_lists()
{
	have_lists && return 0
	APT_CONFIG=$1/apt/apt.conf apt-get -q update \
	    >"$SHARED/update.log" 2>&1 ||
	    { cat "$SHARED/update.log" >&2; die "apt-get update failed"; }
	have_lists || die "apt-get update fetched no lists"
}

# The init script of every host, with HOST filled in by service_host.
service_script()
{
	cat <<'EOF'
#!/bin/sh
# demo: the test service, an LSB init script around pid-daemon; written
# by tests/fleet-agents.sh. HOST/demo.mode: refuses, dies or unknown.
HOST=@HOST@
DAEMON=@DAEMON@
PIDFILE=$HOST/run/demo.pid
mode=$(cat "$HOST/demo.mode" 2>/dev/null || echo ok)

# Is the daemon of the pidfile alive and ours? Sets pid.
ours()
{
	[ -f "$PIDFILE" ] && pid=$(cat "$PIDFILE") &&
	    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$PIDFILE"
}

do_start()
{
	ours && return 0
	case $mode in
	refuses)
		echo "demo: cannot bind 127.0.0.1:8080: address already in use" >&2
		return 1 ;;
	dies)
		"$DAEMON" -d -t @LIFETIME@ "$PIDFILE" ;;
	*)
		"$DAEMON" -t @LIFETIME@ "$PIDFILE" ;;
	esac
}

do_stop()
{
	if ours; then
		kill "$pid"
		n=0
		while ours && [ $n -lt 50 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		ours && kill -KILL "$pid"
	fi
	rm -f "$PIDFILE"
}

case "$1" in
start)
	echo "Starting demo"
	do_start ;;
stop)
	echo "Stopping demo"
	do_stop ;;
restart)
	do_stop && do_start ;;
status)
	if [ "$mode" = unknown ]; then
		echo "demo: cannot tell" >&2
		exit 4
	fi
	if ours; then
		echo "demo is running (pid $pid)"
		exit 0
	fi
	if [ -f "$PIDFILE" ]; then
		echo "demo is dead, but $PIDFILE remains"
		exit 1
	fi
	echo "demo is not running"
	exit 3 ;;
*)
	echo "usage: $0 start|stop|restart|status" >&2
	exit 2 ;;
esac
EOF
}

service_host()
{
	mkdir -p "$1/init.d" "$1/run" || exit 1
	sed -e "s|@HOST@|$1|" -e "s|@DAEMON@|$DAEMON|" \
	    -e "s|@LIFETIME@|$LIFETIME|g" "$SHARED/demo.in" >"$1/init.d/demo" &&
	    chmod 755 "$1/init.d/demo" || die "cannot write $1/init.d/demo"
}

# nrpe_host HOST N: the checks, check_state at its state of the range.
nrpe_host()
{
	n=$((LAST - FIRST + 1))
	if [ "$2" -eq $((FIRST + 2 * n / 3)) ]; then
		state="2 'app queue: 5100 jobs waiting'"
	elif [ "$2" -eq $((FIRST + n / 3)) ]; then
		state="1 'app queue: 240 jobs waiting'"
	else
		state="0 'app queue: 3 jobs waiting'"
	fi
	cat >"$1/nrpe.cfg" <<EOF
# nrpe.cfg of node$(printf %04d "$2"), written by tests/fleet-agents.sh
command[check_state]=$PLUGINS/check_dummy $state
# Every host of the fleet has the load of the one machine: high bounds.
command[check_load]=$PLUGINS/check_load -r -w 20,15,10 -c 40,30,20
command[check_disk]=$PLUGINS/check_disk -w 5% -c 2% -p /
EOF
}

# puppet_host HOST: the host's puppet directories, manifest and agent.conf
# keys.
puppet_host()
{
	p=$1/puppet
	mkdir -p "$p/conf/code/environments/production" \
	    "$p/conf/code/environments/staging" "$p/var" "$p/run" \
	    "$p/state" "$p/public" || exit 1
	cat >"$p/sleeper" <<EOF
#!/bin/sh
# The exec of site.pp: a run's start and end, the seconds of $p/sleep apart.
echo "start \$(date +%s.%N)" >>"$p/runs.log"
sleep "\$(cat "$p/sleep" 2>/dev/null || echo 1)"
echo "end \$(date +%s.%N)" >>"$p/runs.log"
EOF
	cat >"$p/site.pp" <<EOF
# site.pp of a test host, written by tests/fleet-agents.sh.
exec { 'sleeper':
  command => '/bin/sh $p/sleeper',
  tag     => 'sleeper',
}
file { '$p/managed':
  content => "managed by puppet\n",
  tag     => 'managed_file',
}
EOF
	sed -i '/^puppet_/d' "$1/agent.conf"
	cat >>"$1/agent.conf" <<EOF
puppet_command = $RUNNER $p
puppet_statedir = $p/state
puppet_lockfile = $p/state/agent_catalog_run.lock
puppet_disabled_lockfile = $p/state/agent_disabled.lock
puppet_summary = $p/public/last_run_summary.yaml
puppet_pidfile = $p/run/agent.pid
EOF
}

cmd_up()
{
	[ $# -ge 3 ] || usage
	fleet_dir "$1"
	range "$2" "$3"
	shift 3
	parts "$@"
	case " $PARTS " in
	*" service "*)
		top=$(cd "$(dirname "$0")/.." && pwd)
		case "${BUILD:-build}" in
		/*) DAEMON=$BUILD/tests/pid-daemon ;;
		*) DAEMON=$top/${BUILD:-build}/tests/pid-daemon ;;
		esac
		[ -x "$DAEMON" ] ||
		    die "$DAEMON is not built (make tests)"
		case "$LIFETIME" in
		''|*[!0-9]*|0) die "bad FLEET_AGENTS_LIFETIME: $LIFETIME" ;;
		esac ;;
	esac
	case " $PARTS " in
	*" nrpe "*)
		[ -x "$PLUGINS/check_dummy" ] ||
		    die "no $PLUGINS/check_dummy (monitoring-plugins-basic)" ;;
	esac
	case " $PARTS " in
	*" puppet "*)
		command -v puppet >/dev/null 2>&1 ||
		    die "puppet is missing (tests/install-deps.sh installs it)"
		RUNNER=$(cd "$(dirname "$0")/tools" && pwd)/puppet-run ;;
	esac

	# What a fleet that went down without us left is stale.
	[ -d "$SHARED" ] && shared_down
	mkdir -p "$SHARED" || exit 1
	# shellcheck disable=SC2046
	hosts_down $(range_hosts)
	for p in $PARTS; do
		case "$p" in
		package) package_shared ;;
		service) service_script >"$SHARED/demo.in" || exit 1 ;;
		esac
	done
	i=$FIRST
	while [ "$i" -le "$LAST" ]; do
		h=$(host_dir "$i")
		for p in $PARTS; do
			add_part "$h" "$p"
			case "$p" in
			package) package_host "$h" ;;
			service) service_host "$h" ;;
			nrpe) nrpe_host "$h" "$i" ;;
			puppet) puppet_host "$h" ;;
			esac
		done
		i=$((i + 1))
	done
	case " $PARTS " in
	*" package "*) package_lists "$(host_dir "$FIRST")" ;;
	esac
	return 0
}

# binsh DIR N...: /bin/sh (dash and what it loads), copied once and hard
# linked into each of those hosts' roots, for maintainer scripts.
cmd_binsh()
{
	[ $# -ge 2 ] || usage
	fleet_dir "$1"
	shift
	sh=$SHARED/shroot
	if [ ! -x "$sh/bin/sh" ]; then
		rm -rf "$sh"
		mkdir -p "$sh/bin" && cp /usr/bin/dash "$sh/bin/sh" ||
		    die "cannot copy dash"
		for lib in $(ldd /usr/bin/dash | grep -o "/[^ ]*"); do
			mkdir -p "$sh$(dirname "$lib")" &&
			    cp -L "$lib" "$sh$lib" || die "cannot copy $lib"
		done
	fi
	for n in "$@"; do
		range "$n" "$n"
		h=$(host_dir "$n")
		has_part "$h" package ||
		    die "node$(printf %04d "$n") has no root (up ... package)"
		cp -al "$sh/." "$h/root/" || die "cannot link into $h/root"
	done
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case "$cmd" in
up) cmd_up "$@" ;;
down) cmd_down "$@" ;;
binsh) cmd_binsh "$@" ;;
*) usage ;;
esac
