#!/bin/sh
test_description='the live view: a full-screen picture of a run on a terminal, the keys, and the terminal given back'
# Hosts 7 and 8 get real puppet, for runall.
TEST_OWN_FLEET=1
TEST_FLEET_N=8
. "$(dirname "$0")/test-lib.sh"

command -v tmux >/dev/null || test_skip_all "no tmux"

# A private tmux server, killed at the end whatever happens. Its socket
# is named after the scratch directory (a path in it may be too long for
# a socket's).
unset TMUX
TM_NAME=muster-live-${TRASH##*.}
tm() { tmux -L "$TM_NAME" -f /dev/null "$@"; }
live_cleanup() {
	sock=$(tm display -p "#{socket_path}" 2>/dev/null)
	tm kill-server 2>/dev/null
	[ -n "$sock" ] && rm -f "$sock"
	test_cleanup
}
trap live_cleanup EXIT
trap 'live_cleanup; exit 130' INT
trap 'live_cleanup; exit 143' TERM HUP

ESC=$(printf '\033')
# What the screen does (xterm-256color): into and out of the alternate
# screen, as curses does it.
SMCUP="$ESC\\[?1049h"
RMCUP="$ESC\\[?1049l"

# live_start NAME [WxH] MUSTER-ARGS: a tmux session NAME of that size
# (120x40) whose shell runs muster with MUSTER-ARGS (shell words, as
# typed) on the fleet; everything the pane shows is recorded in NAME.raw
# from the start. When muster ends, its exit status is in NAME.code, the
# terminal's modes before and after in NAME.stty-before and -after, and
# the pane says "== done ==".
live_start() {
	name=$1
	shift
	size=120x40
	case $1 in
	*x[0-9]*) size=$1; shift ;;
	esac
	cat >"$TRASH/$name.sh" <<-EOF
	TERM=xterm-256color
	export TERM
	# Ctrl-C is muster's to handle; this shell goes on afterwards.
	trap : INT
	cd "$TRASH"
	echo \$\$ >$name.pid
	while [ ! -e $name.go ]; do sleep 0.05; done
	stty -a >$name.stty-before
	"$MUSTER" --ssh-config "$FLEET_DIR/ssh_config" $*
	echo \$? >$name.code
	stty -a >$name.stty-after
	echo "== done =="
	exec cat
	EOF
	tm new-session -d -s "$name" -x "${size%x*}" -y "${size#*x}" \
	    "sh $TRASH/$name.sh" &&
	tm pipe-pane -t "$name" -o "cat >>$TRASH/$name.raw" &&
	touch "$TRASH/$name.go"
}

# pane_wait NAME PATTERN [SECONDS]: the pane shows PATTERN (grep -E) within
# SECONDS (30); the screen is left in NAME.pane.
pane_wait() {
	n=0
	while [ $n -lt $((${3:-30} * 10)) ]; do
		tm capture-pane -p -J -t "$1" >"$1.pane" 2>/dev/null &&
		    grep -Eq -e "$2" "$1.pane" && return 0
		sleep 0.1
		n=$((n + 1))
	done
	echo "pane_wait: '$2' did not show in $1; the pane:" >&2
	sed 's/^/| /' "$1.pane" >&2
	return 1
}

# pane_gone NAME PATTERN [SECONDS]: the pane no longer shows PATTERN.
pane_gone() {
	n=0
	while [ $n -lt $((${3:-30} * 10)) ]; do
		tm capture-pane -p -J -t "$1" >"$1.pane" 2>/dev/null &&
		    ! grep -Eq -e "$2" "$1.pane" && return 0
		sleep 0.1
		n=$((n + 1))
	done
	echo "pane_gone: '$2' still shows in $1; the pane:" >&2
	sed 's/^/| /' "$1.pane" >&2
	return 1
}

# live_done NAME: muster ended (60 s at most) and gave the terminal back:
# the main screen, a visible cursor, the modes it found (echo, icanon;
# the first line of stty -a is the size).
live_done() {
	pane_wait "$1" "^== done ==" 60 &&
	test "$(tm display -p -t "$1" "#{alternate_on}")" = 0 &&
	test "$(tm display -p -t "$1" "#{cursor_flag}")" = 1 &&
	sed 1d "$1.stty-before" >"$1.modes-before" &&
	sed 1d "$1.stty-after" >"$1.modes-after" &&
	test_cmp "$1.modes-before" "$1.modes-after" &&
	test_grep -e " echo " "$1.stty-after" &&
	test_grep -e " icanon " "$1.stty-after"
}

# raw_has NAME WHAT: the pane's output had WHAT (a grep -E pattern).
raw_has() {
	grep -Eq -e "$2" "$1.raw"
}

# raw_order NAME A B: B (a fixed string) came out after the first A.
raw_order() {
	awk -v a="$2" -v b="$3" 'BEGIN { RS = "\001" }
	    { i = index($0, a);
	      if (i > 0 && index(substr($0, i + length(a)), b) > 0) ok = 1 }
	    END { exit !ok }' "$1.raw"
}

test_expect_success 'a run that lasts shows the counters and the hosts in flight' '
	live_start q -w "$(fleet_range 1 6)" -c 2 shell "sleep 6" &&
	pane_wait q "pending 4 +connecting 0 +running 2 +ok 0 +failed 0" &&
	test "$(tm display -p -t q "#{alternate_on}")" = 1 &&
	test_grep -E "^muster --ssh-config .* 0/6 hosts +[0-9.]+s *$" q.pane &&
	test_grep -E "^In flight \(2\)" q.pane &&
	test_grep -E "^  node0001 +[0-9]+\.[0-9]s +running *$" q.pane &&
	test_grep -E "^  node0002 +[0-9]+\.[0-9]s +running *$" q.pane &&
	test_grep -E "q: start no new host +q q, \^C: cancel +f: failures" q.pane
'

test_expect_success 'q: no new host starts, the running ones finish' '
	tm send-keys -t q q &&
	pane_wait q "no new host starts: stopped from the live view" &&
	test_grep "cancelled 4" q.pane &&
	test_grep "running 2" q.pane &&
	test_grep "stopping: the running hosts finish" q.pane
'

test_expect_success 'q: then the usual results and summary, on a terminal given back' '
	live_done q &&
	test $(cat q.code) = 3 &&
	test_grep "^---- shell run summary ----" q.pane &&
	test_grep "Nodes: 2 / 6" q.pane &&
	test_grep -E "Cancelled: 4 +node\[0003-0006\]" q.pane &&
	test_grep -E "^node0003 +cancelled: not started: stopped from the live view" q.pane &&
	raw_order q "${ESC}[?1049l" "shell run summary"
'

test_expect_success 'Ctrl-C cancels the run and gives the terminal back' '
	live_start intr -w "$(fleet_range 1 3)" shell "sleep 261" &&
	pane_wait intr "running 3" &&
	tm send-keys -t intr C-c &&
	live_done intr &&
	test $(cat intr.code) = 130 &&
	test_grep "Cancelled: 3" intr.pane &&
	gone "sleep 261"
'

test_expect_success 'a second q cancels the run as Ctrl-C does' '
	live_start qq -w "$(fleet_range 1 4)" -c 2 shell "sleep 262" &&
	pane_wait qq "running 2" &&
	tm send-keys -t qq q &&
	pane_wait qq "stopping: the running hosts finish" &&
	tm send-keys -t qq q &&
	live_done qq &&
	test $(cat qq.code) = 130 &&
	test_grep "Cancelled: 4" qq.pane &&
	gone "sleep 262"
'

test_expect_success 'SIGTERM gives the terminal back' '
	live_start term -w "$(fleet_range 1 2)" shell "sleep 263" &&
	pane_wait term "running 2" &&
	pkill -TERM -P $(cat term.pid) -x muster &&
	live_done term &&
	test $(cat term.code) = 130 &&
	test_grep "Cancelled: 2" term.pane &&
	gone "sleep 263"
'

cat >hostile-agent <<EOF
#!/bin/sh
case \$MUSTER_AGENT_CONFIG in
*node0001/*)
	sleep 3
	exec "$TOOLS/fake-reply" -c 1 -m "\$(printf "evil \\033]2;PWNED\\007 \\033[2J text")" ;;
*)
	sleep 7
	exec "$TOOLS/fake-reply" ;;
esac
EOF
chmod +x hostile-agent

test_expect_success 'failures show as they arrive, sanitised; f lists only them' '
	live_start fail --ssh-config "$FLEET_SSH_CONFIG_PLAIN" \
	    --agent-path "$TRASH/hostile-agent" -w "$(fleet_range 1 3)" ping &&
	pane_wait fail "^Failures \(1\)" &&
	test_grep -E "^  node0001 +failed +evil \?\]2;PWNED\? \?\[2J text" fail.pane &&
	test_grep "^In flight (2)" fail.pane &&
	test_grep -E "running 2 +ok 0 +failed 1" fail.pane &&
	test "$(tm display -p -t fail "#{pane_title}")" != PWNED &&
	tm send-keys -t fail f &&
	pane_gone fail "^In flight" &&
	test_grep "^Failures (1)" fail.pane &&
	tm send-keys -t fail f &&
	pane_wait fail "^In flight \(2\)" &&
	live_done fail &&
	test $(cat fail.code) = 2 &&
	test_grep -E "Failed: 1 +node0001" fail.pane &&
	! raw_has fail "PWNED$(printf "\007")" &&
	! raw_has fail "${ESC}\]2;PWNED"
'

# node0002 records its host key in a directory that does not exist: a
# warning, while node0001 keeps the view up.
printf "Host node0002\n\tUserKnownHostsFile %s/nodir/kh\n\tStrictHostKeyChecking accept-new\nHost *\nInclude %s\n" \
    "$TRASH" "$FLEET_DIR/ssh_config" >warn.conf

test_expect_success 'a warning written while the view is up comes after it, not over it' '
	live_start warn --ssh-config "$TRASH/warn.conf" -w "$(fleet_range 1 2)" -c 1 shell "sleep 3" &&
	pane_wait warn "running 1" &&
	live_done warn &&
	test $(cat warn.code) = 0 &&
	test_grep "^muster: cannot record the .* host key of .* No such file" warn.pane &&
	raw_order warn "${ESC}[?1049l" "cannot record the" &&
	raw_order warn "cannot record the" "shell run summary" &&
	! raw_order warn "cannot record the" "${ESC}[?1049l"
'

test_expect_success 'a run shorter than two seconds never shows the view' '
	live_start quick -w "$(fleet_range 1 3)" shell "sleep 0.5" &&
	live_done quick &&
	test $(cat quick.code) = 0 &&
	test_grep "Nodes: 3 / 3" quick.pane &&
	! raw_has quick "$SMCUP"
'

test_expect_success '--no-live: the progress bar and the same summary' '
	live_start nolive --no-live -w "$(fleet_range 1 3)" shell "sleep 3" &&
	live_done nolive &&
	test $(cat nolive.code) = 0 &&
	test_grep "Nodes: 3 / 3" nolive.pane &&
	raw_has nolive " \* \[ .*\] [0-3] / 3" &&
	! raw_has nolive "$SMCUP"
'

test_expect_success 'output to a pipe: the progress bar, no view' '
	live_start pipe -w "$(fleet_range 1 3)" shell "sleep 3" "| cat" &&
	live_done pipe &&
	test_grep "Nodes: 3 / 3" pipe.pane &&
	raw_has pipe " \* \[ " &&
	! raw_has pipe "$SMCUP"
'

test_expect_success 'a terminal under 40x10 gets the progress bar' '
	live_start small 39x12 -w "$(fleet_range 1 2)" shell "sleep 3" &&
	live_done small &&
	raw_has small " \* \[ " &&
	! raw_has small "$SMCUP"
'

test_expect_success 'a terminal that shrinks under 40x10 gets the progress bar' '
	live_start shrink -w "$(fleet_range 1 2)" shell "sleep 5" &&
	pane_wait shrink "running 2" &&
	tm resize-window -t shrink -x 30 -y 8 &&
	live_done shrink &&
	test $(cat shrink.code) = 0 &&
	raw_order shrink "${ESC}[?1049l" " * [ " &&
	tm resize-window -t shrink -x 120 -y 40
'

sh "$TOP/tests/fleet-agents.sh" up "$FLEET_DIR" 7 8 puppet >agents.log 2>&1 ||
    { cat agents.log; echo "Bail out! puppet hosts"; exit 1; }
echo 2 >"$FLEET_DIR/hosts/node0007/puppet/sleep"
echo 2 >"$FLEET_DIR/hosts/node0008/puppet/sleep"

test_expect_success 'runall: the view at once, the hosts by what they do; q leaves the queued' '
	live_start runall -w "node[0007-0008]" puppet runall 1 &&
	pane_wait runall "^In flight \(2\): (starting|applying) 1, queued 1" 60 &&
	test_grep -E "^  node0007 +[0-9.]+s +(starting|applying) *$" runall.pane &&
	test_grep -E "^  node0008 +queued *$" runall.pane &&
	# The first picture, before two seconds had passed.
	first=$(grep -ao "0/2 hosts  [0-9.]*s" runall.raw | head -n 1) &&
	case $first in "0/2 hosts  "[01].*) ;; *) echo "first: $first"; exit 1 ;; esac &&
	tm send-keys -t runall q &&
	live_done runall &&
	test $(cat runall.code) = 3 &&
	test_grep -E "^node0007 +changed [0-9]+, failed 0 of [0-9]+ resources" runall.pane &&
	test_grep -E "Cancelled: 1 +node0008" runall.pane &&
	test_grep "not started: stopped from the live view" runall.pane
'

test_done
