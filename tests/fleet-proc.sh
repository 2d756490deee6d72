# fleet-proc.sh: process helpers that tests/fleet.sh and
# tests/fleet-agents.sh share (sourced by both).

# alive PID...: is any of them still running? A zombie is not: it waits
# for init (or whatever PID 1 is) to reap it, which may take a while.
alive()
{
	for p in "$@"; do
		s=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)
		[ -n "$s" ] && [ "$s" != Z ] && return 0
	done
	return 1
}
