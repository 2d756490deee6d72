#!/bin/sh
# demo.sh: `make demo`. Starts a fleet of 50 hosts in ${MUSTER_DEMO_DIR}
# (default /tmp/muster-demo), replacing one already running there, and
# takes the built muster on a short tour of it: the rpcutil and shell
# agents, then the package, service and nrpe agents on what
# tests/fleet-agents.sh gives every host, then a warm session. The fleet
# stays up, with the daemons the tour starts; the session does not.
#
# muster exits 0, 2 or 3 by outcome, so the tour goes on whatever a command
# returns: no set -e here.

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
export BUILD
D=${MUSTER_DEMO_DIR:-/tmp/muster-demo}
N=50
cd "$TOP" || exit 1

# The demo's warm session has a runtime directory of its own, so the tour
# neither uses nor stops a session of the user's; it is stopped however
# the demo ends, and a last demo's (say, killed) before anything else.
XDG_RUNTIME_DIR=$D/run
export XDG_RUNTIME_DIR
demo_session_stop()
{
	[ -S "$XDG_RUNTIME_DIR/muster/session" ] &&
	    "$BUILD/muster" session stop >/dev/null 2>&1
	return 0
}
demo_session_stop
trap demo_session_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The last demo's fleet goes, with its daemons, even if its sshd is gone.
[ -f "$D/fleet.env" ] && sh tests/fleet.sh down "$D"
sh tests/fleet.sh up "$D" "$N" >/dev/null || exit 1
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR" || exit 1
. "$D/fleet.env"
# What the package, service and nrpe agents act on, on every host: a dpkg
# root fed by a local repository (app 1.0-1 and 2.0-1), an init script
# `demo` around a small daemon that lives a day, NRPE checks.
FLEET_AGENTS_LIFETIME=86400 sh tests/fleet-agents.sh up "$D" 1 "$N" ||
    exit 1

# A host that does not answer: a loopback port with no listener. The
# fleet's hosts are copied rather than Included, so the demo does not
# depend on Include support in muster's ssh_config reader.
GHOST_PORT=$(sh tests/fleet.sh port)
{
	cat "$D/ssh_config"
	cat <<EOF
# Not part of the fleet: nothing listens here (connection refused).
Host ghost01
	HostName 127.0.0.1
	Port $GHOST_PORT
	User $(id -un)
	IdentityFile $D/keys/fleet
	UserKnownHostsFile $D/known_hosts
	StrictHostKeyChecking yes
EOF
} >"$D/ssh_config.ghost"

# Two stand-ins for the checks an operator runs on real hosts, installed
# in the fleet directory (every host sees the same files; what differs is
# each host's agent configuration, which sshd sets per address).
mkdir -p "$D/bin"
cat >"$D/bin/check-role" <<'EOF'
#!/bin/sh
# check-role ROLE: succeed on the hosts of that role.
conf=${MUSTER_AGENT_CONFIG:-/etc/muster/agent.conf}
role=$(sed -n 's/^role=//p' "${conf%/agent.conf}/facts.d/role.txt" 2>/dev/null)
[ "$role" = "$1" ] && { echo "role=$role"; exit 0; }
echo "not a $1 server (role=${role:-unknown})" >&2
exit 1
EOF
cat >"$D/bin/app-version" <<'EOF'
#!/bin/sh
# app-version: the version of the application deployed here; node0007
# missed the last deploy.
case ${MUSTER_AGENT_CONFIG:-} in
*/node0007/*) echo 5.8-1 ;;
*) echo 5.9-4 ;;
esac
EOF
chmod 755 "$D/bin/check-role" "$D/bin/app-version"

M="$BUILD/muster --ssh-config $D/ssh_config"
# The built muster reads the agents' DDLs from the tree, not the install.
MUSTER_DDL_PATH=$TOP/ddl
export MUSTER_DDL_PATH
ALL="node[0001-0050]"

# show COMMAND: print a shell command, run it, print its exit status.
show()
{
	printf '\n$ %s\n' "$1"
	sh -c "$1"
	rc=$?
	printf '[exit %d]\n' "$rc"
	[ -t 1 ] && sleep "${MUSTER_DEMO_PAUSE:-1}"
	return 0
}

# note TEXT: what was done to the fleet behind the scenes.
note()
{
	printf '\n# %s\n' "$1"
}

echo "muster demo: $N hosts on 127.0.10.1-50, port $FLEET_PORT ($D)"
if [ ! -x "$BUILD/muster" ]; then
	echo "demo: $BUILD/muster is not built; run make first" >&2
else
	show "$M -w '$ALL' ping"
	show "$BUILD/muster agents"
	show "$BUILD/muster doc rpcutil"
	show "$M -w 'node[0001-0003]' rpc rpcutil inventory"
	show "$M -w '$ALL' shell 'uname -r; cat /etc/debian_version'"
	show "$M -w '$ALL' --json ping | jq .summary"
	# One host of fifty differs: it must stand out.
	show "$M -i $D/inventory shell $D/bin/app-version"
	# A check that fails on some hosts, and a host that is down.
	show "$BUILD/muster --ssh-config $D/ssh_config.ghost -w 'node[0001-0008],ghost01' shell $D/bin/check-role web"
	show "$BUILD/muster --ssh-config $D/ssh_config.ghost -w 'node[0001-0005],ghost01' --display failed ping"

	# Packages: real apt-get and dpkg, each host in a root of its own.
	show "$M -w 'node[0005-0009]' package install app version=1.0-1"
	note "node0007 keeps app at 1.0-1: apt-mark hold app"
	APT_CONFIG=$D/hosts/node0007/apt/apt.conf apt-mark hold app >/dev/null
	show "$M -w 'node[0001-0030]' package install app version=2.0-1"
	show "$M -w 'node[0001-0030]' package status app"
	show "$M -w 'node[0001-0030]' package status app --expect ensure=2.0-1"
	show "$M -w 'node[0001-0005]' package install nosuchpkg"

	# Services: a SysV init script per host; one daemon cannot start.
	note "node0042's demo daemon will find its port taken"
	echo refuses >"$D/hosts/node0042/demo.mode"
	show "$M -w '$ALL' service demo start"
	show "$M -w '$ALL' service demo status"

	# NRPE checks from each host's nrpe.cfg, never through a shell.
	show "$M -w '$ALL' nrpe check_state"
	show "$M -w '$ALL' nrpe check_state --nagios"
	show "$M -w '$ALL' nrpe check_load"

	# Selecting hosts by what they are. The demo's own fact cache.
	XDG_CACHE_HOME=$D/cache
	export XDG_CACHE_HOME
	rm -rf "$D/cache"
	show "$BUILD/muster -i $D/inventory find -F role=db"
	note "no fact cache yet: every host is asked, and those that are not db answer skipped"
	show "$M -i $D/inventory ping -C role::db --display none"
	show "$M -i $D/inventory facts --refresh --display none"
	show "$BUILD/muster -i $D/inventory facts role"
	show "$BUILD/muster -i $D/inventory find -S '(role=web or role=db) and env=prod and rack=r1'"
	show "$M -i $D/inventory -S 'role::db and not rack=r0' shell 'uptime -p'"

	# Who may run what: the hosts decide, from their own policy files.
	# The demo key is a forced command (muster-agent --caller fleet).
	note "each host gets policy/shell.policy: fleet may run shell where role=web"
	for h in "$D"/hosts/node*; do
		mkdir -p "$h/policy"
		printf 'policy default deny\nallow  fleet  run  role=web  *\n' \
		    >"$h/policy/shell.policy"
	done
	show "$M -w 'node[0001-0008]' policy check fleet shell run"
	show "$M -w 'node[0001-0008]' shell id -un"
	note "the shell policies removed again"
	rm -f "$D"/hosts/node*/policy/shell.policy

	# A warm session: one holder keeps every host connected with its
	# agent running, so the next commands skip connecting (connect=0 ms).
	show "$M -w '$ALL' session start --idle 300"
	show "$M -w '$ALL' ping"
	show "$BUILD/muster session status"
	show "$BUILD/muster session stop"
fi

cat <<EOF

The fleet stays up, with its demo daemons. Use it with:
  $M -w '$ALL' ping
  $M -i $D/inventory shell 'uptime'
  $M -w '$ALL' package status app
  $M -w '$ALL' nrpe check_disk
Stop it (and the daemons) with:
  sh tests/fleet.sh down $D
EOF
