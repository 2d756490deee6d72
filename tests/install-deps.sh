#!/bin/sh
# install-deps.sh: install the Debian packages muster needs to build and
# test, doing nothing when they are all there. Used by `make deps` (and so
# by `make check` and `make demo`). Extra package names may be given as
# arguments (bench/ adds pdsh).
set -eu

pkgs="gcc make pkg-config libc6-dev libssh2-1-dev libssl-dev libevent-dev
libmsgpack-dev libncurses-dev libjansson-dev libpcre2-dev libyaml-dev
libcmocka-dev clang libclang-rt-dev tmux
openssh-server openssh-client jq monitoring-plugins-basic dpkg-dev xz-utils
puppet
$*"

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages:$missing" >&2
	echo "install-deps: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi

echo "install-deps: installing$missing"
# openssh-server must not start a system sshd on port 22: the test fleet
# runs its own. A policy-rc.d that exits 101 forbids service starts while
# the packages are configured.
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' >"$policy"
	chmod 755 "$policy"
	made_policy=1
fi
trap '[ -n "$made_policy" ] && rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || apt-get update
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
