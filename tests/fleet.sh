#!/bin/sh
# fleet.sh: a fleet of SSH "hosts" on this machine, from one real sshd.
#
#   fleet.sh up DIR N [--kex ALG] [--port P]   start N hosts in DIR
#   fleet.sh down DIR                          stop them (DIR stays), and
#                                              what fleet-agents.sh made
#   fleet.sh status DIR                        exit 0 if the fleet runs
#   fleet.sh port                              print a free loopback port
#
# One non-daemonising sshd (sshd -D -r) listens on 0.0.0.0:PORT. Host i
# (node0001 ...) is the loopback address 127.0.(10+(i-1)/250).(1+(i-1)%250); a
# `Match LocalAddress` block per address gives each host its own
# MUSTER_AGENT_CONFIG, so every host has its own identity, facts, classes
# and audit log under DIR/hosts/nodeNNNN/. See DESIGN.md section 9.
#
# Keys in DIR/keys: `fleet` runs the agent as a forced command whatever the
# client asks (DESIGN section 8); `plain` runs what the client asks, so
# `--agent-path` can be tested; `stranger` is never authorised.
# DIR/ssh_config, DIR/ssh_config.plain and DIR/ssh_config.stranger name
# every host with one of those keys; DIR/fleet.env is for tests to source.
#
# Only 127.0.0.0/8 is ever used: sshd accepts logins from loopback sources
# only (AllowUsers USER@127.0.0.0/8), whatever interface it listens on.
#
# The agent run by the fleet key is $MUSTER_AGENT_BIN, else
# <repo>/${BUILD:-build}/muster-agent.

set -u

SSHD=/usr/sbin/sshd
ME=fleet.sh

die()
{
	echo "$ME: $*" >&2
	exit 1
}

usage()
{
	cat >&2 <<EOF
usage: $ME up DIR N [--kex ALG] [--port P]
       $ME down DIR
       $ME status DIR
       $ME port
EOF
	exit 64
}

# Paths end up unquoted in sshd_config, ssh_config and authorized_keys.
check_path()
{
	case "$1" in
	/*) ;;
	*) die "$2 must be an absolute path: $1" ;;
	esac
	case "$1" in
	*[!A-Za-z0-9_./+@%=,-]*)
		die "$2 has characters unsafe in ssh configs: $1" ;;
	esac
}

# DIR as an absolute path without a trailing slash: the same fleet must
# have the same name whichever way it is given.
absdir()
{
	if [ -d "$1" ]; then
		(cd "$1" && pwd)
		return
	fi
	case "$1" in
	/*) d=$1 ;;
	*) d=$(pwd)/$1 ;;
	esac
	while :; do
		case "$d" in
		?*/) d=${d%/} ;;
		*) break ;;
		esac
	done
	printf '%s\n' "$d"
}

# Is anything listening on TCP PORT (any address)?
listening()
{
	if command -v ss >/dev/null 2>&1; then
		[ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]
	elif command -v bash >/dev/null 2>&1; then
		bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
	else
		die "need ss (iproute2) or bash to probe ports"
	fi
}

# A free port below Linux's default ephemeral range (32768-60999), so
# outgoing connections of a big fan-out cannot be holding it.
free_port()
{
	tries=0
	while [ "$tries" -lt 200 ]; do
		tries=$((tries + 1))
		r=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		p=$((20000 + r % 12768))
		listening "$p" || { echo "$p"; return 0; }
	done
	die "no free port found in 20000-32767"
}

# The sshd of DIR if it runs: its PID, else nothing.
fleet_pid()
{
	pid=
	if [ -s "$1/sshd.pid" ]; then
		pid=$(cat "$1/sshd.pid")
	elif [ -s "$1/fleet.env" ]; then
		pid=$(sed -n "s/^FLEET_PID='\\([0-9]*\\)'$/\\1/p" "$1/fleet.env")
	fi
	[ -n "$pid" ] || return 1
	# Guard against a recycled PID: it must be our sshd.
	{ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null |
	    grep -qF -- "-f $1/sshd_config " || return 1
	echo "$pid"
}

# All descendants of PID (children first found, then theirs).
descendants()
{
	ps -e -o pid= -o ppid= | awk -v root="$1" '
		{ parent[$1] = $2; pids[n++] = $1 }
		END {
			want[root] = 1
			do {
				more = 0
				for (i = 0; i < n; i++) {
					p = pids[i]
					if (!(p in want) && (parent[p] in want)) {
						want[p] = 1; more = 1
					}
				}
			} while (more)
			for (p in want) if (p != root) print p
		}'
}

# Processes started by the fleet's sessions, even orphaned ones: they carry
# the per-host MUSTER_AGENT_CONFIG that sshd set.
session_pids()
{
	grep -laF "MUSTER_AGENT_CONFIG=$1/hosts/" /proc/[0-9]*/environ \
	    2>/dev/null | sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' |
	    grep -vx "$$"
}

# alive PID...: shared with fleet-agents.sh.
. "$(dirname "$0")/fleet-proc.sh"

cmd_down()
{
	[ $# -eq 1 ] || usage
	dir=$(absdir "$1")
	# The agents' daemons and files first (tests/fleet-agents.sh).
	if [ -d "$dir/agents" ] && [ -f "$dir/fleet.env" ]; then
		sh "$(dirname "$0")/fleet-agents.sh" down "$dir"
	fi
	pids=
	if pid=$(fleet_pid "$dir"); then
		pids="$pid $(descendants "$pid")"
	fi
	pids="$pids $(session_pids "$dir")"
	# shellcheck disable=SC2086
	set -- $pids
	[ $# -eq 0 ] && return 0
	# The listener first, so it accepts no new connection meanwhile.
	kill -TERM "$@" 2>/dev/null
	i=0
	while alive "$@" && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if alive "$@"; then
		kill -KILL "$@" 2>/dev/null
		sleep 0.1
	fi
	rm -f "$dir/sshd.pid"
	return 0
}

cmd_status()
{
	[ $# -eq 1 ] || usage
	dir=$(absdir "$1")
	if pid=$(fleet_pid "$dir"); then
		# shellcheck disable=SC1091
		. "$dir/fleet.env"
		echo "fleet $dir: $FLEET_N hosts on port $FLEET_PORT, sshd pid $pid"
		return 0
	fi
	echo "fleet $dir: not running"
	return 1
}

# Per-host files; independent of the port.
gen_hosts()
{
	awk -v n="$N" -v dir="$DIR" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "%s/hosts/node%04d/facts.d\n", dir, i
	}' | xargs mkdir -p || die "cannot create host directories"

	awk -v n="$N" -v dir="$DIR" 'BEGIN {
		for (i = 1; i <= n; i++) {
			name = sprintf("node%04d", i)
			h = dir "/hosts/" name
			role = (i % 4 != 0) ? "web" : "db"
			env = (i <= int(n * 3 / 4)) ? "prod" : "staging"
			rack = "r" (i % 5)

			f = h "/agent.conf"
			printf "# agent configuration of test host %s\n", \
			    name > f
			printf "identity = %s\n", name > f
			printf "facts_dir = %s/facts.d\n", h > f
			printf "classes_file = %s/classes.txt\n", h > f
			printf "audit_log = %s/audit.log\n", h > f
			# The package, service and nrpe agents act on the
			# host own root, scripts and checks (the tests
			# that use them fill these in: t07*).
			printf "package_provider = apt\n" > f
			printf "apt_config = %s/apt/apt.conf\n", h > f
			printf "dpkg_root = %s/root\n", h > f
			printf "service_provider = sysv\n" > f
			printf "initd_dir = %s/init.d\n", h > f
			printf "nrpe_config = %s/nrpe.cfg\n", h > f
			# The fleet key is a forced command (--caller
			# fleet) that may run every agent here; the policy
			# tests (t0900) write rules into policy/.
			printf "policy_dir = %s/policy\n", h > f
			printf "policy_default = allow\n" > f
			close(f)

			f = h "/facts.d/role.txt"
			printf "role=%s\nenv=%s\nrack=%s\n", role, env, rack > f
			close(f)

			f = h "/classes.txt"
			printf "base\nrole::%s\n", role > f
			close(f)

			line[i] = sprintf("%s role=%s env=%s rack=%s", \
			    name, role, env, rack)
			isweb[i] = (role == "web")
		}

		f = dir "/inventory"
		printf "# muster inventory of the test fleet (%d hosts)\n", \
		    n > f
		printf "[web]\n" > f
		for (i = 1; i <= n; i++) if (isweb[i]) print line[i] > f
		printf "[db]\n" > f
		for (i = 1; i <= n; i++) if (!isweb[i]) print line[i] > f
		close(f)
	}' || die "cannot write host files"
}

# Everything that names the port.
gen_port_files()
{
	maxstartups=$((N * 2))
	[ "$maxstartups" -lt 10000 ] && maxstartups=10000
	{
		cat <<EOF
# sshd configuration of the muster test fleet, generated by tests/fleet.sh.
# One sshd serves every host; hosts differ by the loopback address they are
# reached at (Match LocalAddress below).
Port $PORT
# 0.0.0.0, not 127.0.0.1: the hosts live on many addresses of 127.0.0.0/8
# and sshd takes at most 16 ListenAddress lines. Logins are accepted from
# loopback sources only (AllowUsers).
ListenAddress 0.0.0.0
AddressFamily inet
HostKey $DIR/ssh_host_ed25519_key
PidFile $DIR/sshd.pid
AuthorizedKeysFile $DIR/authorized_keys
AllowUsers $USER_NAME@127.0.0.0/8
StrictModes no
UsePAM no
UseDNS no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
# The default 10:30:100 drops connections of a large fan-out.
MaxStartups $maxstartups:30:$maxstartups
MaxSessions 1000
LoginGraceTime 60
PrintMotd no
PrintLastLog no
X11Forwarding no
# No Subsystem line: no sftp.
LogLevel INFO
EOF
		[ -n "$KEX" ] && echo "KexAlgorithms $KEX"
		[ -n "$PENALTIES" ] && echo "PerSourcePenalties no"
		echo
		echo "# Per-host environment. Only the first SetEnv line applies,"
		echo "# so every variable is on it; SHLVL=1 keeps bash from"
		echo "# reading rc files for commands run by sshd."
		awk -v n="$N" -v dir="$DIR" 'BEGIN {
			for (i = 1; i <= n; i++) {
				printf "Match LocalAddress 127.0.%d.%d\n", \
				    10 + int((i - 1) / 250), 1 + (i - 1) % 250
				printf "\tSetEnv MUSTER_AGENT_CONFIG=" \
				    "%s/hosts/node%04d/agent.conf SHLVL=1\n", \
				    dir, i
			}
		}'
	} >"$DIR/sshd_config.tmp" || die "cannot write sshd_config"
	mv "$DIR/sshd_config.tmp" "$DIR/sshd_config"

	awk -v n="$N" -v dir="$DIR" -v port="$PORT" -v user="$USER_NAME" \
	    -v hostkey="$HOSTKEY" 'BEGIN {
		split("fleet plain stranger", keys, " ")
		split("ssh_config ssh_config.plain ssh_config.stranger", \
		    files, " ")
		for (k = 1; k <= 3; k++) {
			f = dir "/" files[k]
			printf "# ssh client configuration of the muster " \
			    "test fleet, key \"%s\".\n", keys[k] > f
			printf "# Generated by tests/fleet.sh; use with " \
			    "muster --ssh-config or ssh -F.\n" > f
			for (i = 1; i <= n; i++) {
				printf "Host node%04d\n", i > f
				printf "\tHostName 127.0.%d.%d\n", \
				    10 + int((i - 1) / 250), \
				    1 + (i - 1) % 250 > f
				printf "\tPort %d\n", port > f
				printf "\tUser %s\n", user > f
				printf "\tIdentityFile %s/keys/%s\n", \
				    dir, keys[k] > f
				printf "\tIdentitiesOnly yes\n" > f
				printf "\tIdentityAgent none\n" > f
				printf "\tUserKnownHostsFile %s/known_hosts\n", \
				    dir > f
				printf "\tStrictHostKeyChecking yes\n" > f
				printf "\tBatchMode yes\n" > f
			}
			close(f)
		}
		f = dir "/known_hosts"
		for (i = 1; i <= n; i++)
			printf "[127.0.%d.%d]:%d %s\n", \
			    10 + int((i - 1) / 250), 1 + (i - 1) % 250, \
			    port, hostkey > f
		close(f)
	}' || die "cannot write ssh_config files"
}

write_env()
{
	cat >"$DIR/fleet.env" <<EOF
# The muster test fleet in $DIR; generated by tests/fleet.sh.
FLEET_DIR='$DIR'
FLEET_N='$N'
FLEET_PORT='$PORT'
FLEET_PID='$1'
FLEET_AGENT='$AGENT_BIN'
FLEET_SSH_CONFIG='$DIR/ssh_config'
FLEET_SSH_CONFIG_PLAIN='$DIR/ssh_config.plain'
FLEET_SSH_CONFIG_STRANGER='$DIR/ssh_config.stranger'
FLEET_INVENTORY='$DIR/inventory'
EOF
}

# Start sshd; 0 when it listens, 2 when its port was taken, 1 otherwise.
start_sshd()
{
	rm -f "$DIR/sshd.pid"
	: >>"$DIR/sshd.log"
	logstart=$(wc -c <"$DIR/sshd.log")
	# -r: no re-exec of sshd for each connection. Process creation is
	# what a connection costs this sshd (about 85 ms of CPU with re-exec,
	# 68 ms without, measured on the 2-CPU development VM), and the fleet
	# shares one machine with the client under test.
	setsid='nohup'
	command -v setsid >/dev/null 2>&1 && setsid=setsid
	$setsid "$SSHD" -D -r -f "$DIR/sshd_config" -E "$DIR/sshd.log" \
	    </dev/null >>"$DIR/sshd.log" 2>&1 &
	spid=$!
	i=0
	while [ $i -lt 100 ]; do
		if ! alive "$spid"; then
			if tail -c +"$((logstart + 1))" "$DIR/sshd.log" |
			    grep -q -e 'Address already in use' \
			    -e 'Cannot bind any address'; then
				return 2
			fi
			return 1
		fi
		if [ -s "$DIR/sshd.pid" ] && listening "$PORT"; then
			# setsid may have forked: trust sshd's own pid file.
			SSHD_PID=$(cat "$DIR/sshd.pid")
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	kill -TERM "$spid" 2>/dev/null
	return 1
}

cmd_up()
{
	[ $# -ge 2 ] || usage
	DIR=$(absdir "$1")
	N=$2
	shift 2
	KEX=
	PORT=
	while [ $# -gt 0 ]; do
		case "$1" in
		--kex) [ $# -ge 2 ] || usage; KEX=$2; shift 2 ;;
		--port) [ $# -ge 2 ] || usage; PORT=$2; shift 2 ;;
		*) usage ;;
		esac
	done
	case "$N" in
	''|*[!0-9]*) die "N must be a number: $N" ;;
	esac
	# The third octet must stay below 256.
	[ "$N" -ge 1 ] && [ "$N" -le 61500 ] || die "N must be 1..61500"
	if [ -n "$PORT" ]; then
		case "$PORT" in
		''|*[!0-9]*) die "bad port: $PORT" ;;
		esac
		[ "$PORT" -ne 22 ] && [ "$PORT" -gt 0 ] &&
		    [ "$PORT" -lt 65536 ] || die "refusing port $PORT"
		listening "$PORT" && die "port $PORT is in use"
	fi
	case "$KEX" in
	*[!A-Za-z0-9@.,+-]*) die "bad key exchange algorithm: $KEX" ;;
	esac
	check_path "$DIR" "DIR"

	top=$(cd "$(dirname "$0")/.." && pwd)
	case "${BUILD:-build}" in
	/*) AGENT_BIN=${MUSTER_AGENT_BIN:-$BUILD/muster-agent} ;;
	*) AGENT_BIN=${MUSTER_AGENT_BIN:-$top/${BUILD:-build}/muster-agent} ;;
	esac
	check_path "$AGENT_BIN" "the agent path"
	[ -x "$SSHD" ] || die "$SSHD not found: install openssh-server"
	command -v ssh-keygen >/dev/null 2>&1 || die "ssh-keygen not found"
	USER_NAME=$(id -un)

	# Never clobber a directory that is not a fleet's.
	if [ -d "$DIR" ] && [ ! -f "$DIR/fleet.env" ] &&
	    [ -n "$(ls -A "$DIR")" ]; then
		die "$DIR is not empty and holds no fleet"
	fi
	fleet_pid "$DIR" >/dev/null &&
	    die "a fleet already runs in $DIR (fleet.sh down $DIR)"
	[ -x "$AGENT_BIN" ] ||
	    echo "$ME: warning: $AGENT_BIN does not exist (yet)" >&2
	rm -rf "$DIR/hosts" "$DIR/keys"
	rm -f "$DIR/ssh_host_ed25519_key" "$DIR/ssh_host_ed25519_key.pub" \
	    "$DIR/sshd.log" "$DIR/sshd.pid" "$DIR/fleet.env"
	mkdir -p "$DIR/keys" || die "cannot create $DIR"
	# Marks DIR as a fleet's from now on; completed by write_env.
	echo "# fleet being set up by tests/fleet.sh" >"$DIR/fleet.env"
	[ "$(id -u)" = 0 ] && [ ! -d /run/sshd ] && mkdir -p /run/sshd &&
	    chmod 755 /run/sshd

	ssh-keygen -q -t ed25519 -N '' -C muster-fleet-host \
	    -f "$DIR/ssh_host_ed25519_key" || die "ssh-keygen failed"
	for k in fleet plain stranger; do
		ssh-keygen -q -t ed25519 -N '' -C "muster-$k" \
		    -f "$DIR/keys/$k" || die "ssh-keygen failed"
	done
	HOSTKEY=$(cut -d' ' -f1,2 "$DIR/ssh_host_ed25519_key.pub")
	{
		printf 'command="%s --caller fleet",restrict %s\n' \
		    "$AGENT_BIN" "$(cut -d' ' -f1,2 "$DIR/keys/fleet.pub") muster-fleet"
		printf 'restrict %s\n' \
		    "$(cut -d' ' -f1,2 "$DIR/keys/plain.pub") muster-plain"
	} >"$DIR/authorized_keys"

	gen_hosts

	# PerSourcePenalties (OpenSSH 9.8+) would lock out a busy client.
	PENALTIES=
	auto_port=
	[ -z "$PORT" ] && auto_port=1
	tries=0
	while :; do
		[ -n "$auto_port" ] && PORT=$(free_port)
		gen_port_files
		if [ $tries -eq 0 ] && "$SSHD" -t -f "$DIR/sshd_config" \
		    -o PerSourcePenalties=no 2>/dev/null; then
			PENALTIES=1
			gen_port_files
		fi
		"$SSHD" -t -f "$DIR/sshd_config" ||
		    die "sshd rejects $DIR/sshd_config"
		start_sshd
		rc=$?
		[ $rc -eq 0 ] && break
		tries=$((tries + 1))
		if [ $rc -eq 2 ] && [ -n "$auto_port" ] && [ $tries -lt 5 ]; then
			continue
		fi
		echo "$ME: sshd did not start on port $PORT; $DIR/sshd.log:" >&2
		tail -n 20 "$DIR/sshd.log" >&2
		exit 1
	done
	write_env "$SSHD_PID"

	last=$(printf 'node%04d' "$N")
	cat <<EOF
fleet: $N hosts (node0001..$last) on port $PORT, sshd pid $SSHD_PID
  ssh config:  $DIR/ssh_config (fleet key: runs $AGENT_BIN)
               $DIR/ssh_config.plain (plain key: runs what is asked)
  inventory:   $DIR/inventory
  try:         ${BUILD:-build}/muster --ssh-config $DIR/ssh_config -w 'node[0001-$(printf '%04d' "$N")]' ping
  stop:        sh tests/fleet.sh down $DIR
EOF
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case "$cmd" in
up) cmd_up "$@" ;;
down) cmd_down "$@" ;;
status) cmd_status "$@" ;;
port) [ $# -eq 0 ] || usage; free_port ;;
*) usage ;;
esac
