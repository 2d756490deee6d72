#!/bin/sh
test_description='replies: bounded in memory, to this request, exactly one'
. "$(dirname "$0")/test-lib.sh"

# fake_agent NAME ARGS...: an agent script NAME-agent in $TRASH that
# answers with $TOOLS/fake-reply ARGS (see tests/tools/fake-reply.c).
fake_agent() {
	name=$1
	shift
	{
		echo '#!/bin/sh'
		printf 'exec "%s"' "$TOOLS/fake-reply"
		for a in "$@"; do
			printf " '%s'" "$a"
		done
		echo
	} >"$TRASH/$name-agent"
	chmod +x "$TRASH/$name-agent"
}

plain() { "$MUSTER" --ssh-config "$FLEET_SSH_CONFIG_PLAIN" "$@"; }

# Peak RSS in KiB of a command, in the file rss (GNU time).
peak() {
	/usr/bin/time -f "%M" -o rss "$@"
}

fake_agent valid
fake_agent nils -n 16777000
fake_agent big -n 2400000
fake_agent output -b 16000000
fake_agent wrongid -i 0123456789abcdef0123456789abcdef
fake_agent emptyid -i '' -c 4 -m 'request is not msgpack'
fake_agent twice -r 2
fake_agent foreign -s web9

test_expect_success 'a fake agent that answers properly is ok' '
	plain -w node0001 --agent-path "$TRASH/valid-agent" ping --json >out.json &&
	jq -e ".results[0].status == \"ok\" and (.results[0] | has(\"sender\") | not)" out.json
'

test_expect_success 'a valid reply of 16 M nils is agent, and memory stays bounded' '
	command -v /usr/bin/time >/dev/null || exit 0
	test_expect_code 3 peak "$MUSTER" --ssh-config "$FLEET_SSH_CONFIG_PLAIN" \
	    -w "$(fleet_range 1 4)" --agent-path "$TRASH/nils-agent" ping --json >out.json &&
	jq -e "[.results[].status] | unique == [\"agent\"]" out.json &&
	jq -e "all(.results[]; .statusmsg | test(\"too many values\"))" out.json &&
	# Decoded, each would take 400 MB; ASan multiplies memory use.
	[ -n "${MUSTER_TEST_SANITIZED:-}" ] || test $(tail -n 1 rss) -lt 200000
'

test_expect_success 'a reply of 1 MiB of shell output is ok' '
	fleet_muster -w node0001 shell --json "head -c 1048576 /dev/zero | tr \"\\\\0\" x" >out.json &&
	jq -e ".results[0].status == \"ok\" and (.results[0].data.stdout | length) == 1048576" out.json
'

test_expect_success 'a reply of one 16 MB string is ok' '
	plain -w node0001 --agent-path "$TRASH/output-agent" ping --json >out.json &&
	jq -e ".results[0].status == \"ok\"" out.json
'

test_expect_success 'replies held by a run stay within its budget' '
	command -v /usr/bin/time >/dev/null || exit 0
	# Each reply decodes to 57 MiB: four fit in 256 MiB, the rest fail.
	test_expect_code 3 peak "$MUSTER" --ssh-config "$FLEET_SSH_CONFIG_PLAIN" \
	    -w "$(fleet_range 1 12)" --agent-path "$TRASH/big-agent" ping --json >out.json &&
	jq -e "[.results[] | select(.status == \"ok\")] | length == 4" out.json &&
	jq -e "[.results[] | select(.status == \"agent\")] | length == 8" out.json &&
	jq -e "all(.results[] | select(.status == \"agent\"); .statusmsg | test(\"not kept.*256 MiB\"))" out.json &&
	[ -n "${MUSTER_TEST_SANITIZED:-}" ] || test $(tail -n 1 rss) -lt 450000
'

test_expect_success 'a reply to another request is agent' '
	test_expect_code 3 plain -w node0001 --agent-path "$TRASH/wrongid-agent" ping --json >out.json &&
	jq -e ".results[0].status == \"agent\" and (.results[0].statusmsg | test(\"another request \\\\(id 0123456789abcdef0123456789abcdef\\\\)\"))" out.json
'

test_expect_success 'an empty reply id says the agent could not read the request' '
	test_expect_code 3 plain -w node0001 --agent-path "$TRASH/emptyid-agent" ping >out &&
	test_grep "could not read the request: request is not msgpack" out &&
	test_grep "Agent Error: 1   node0001" out
'

test_expect_success 'a second reply is agent' '
	test_expect_code 3 plain -w node0001 --agent-path "$TRASH/twice-agent" ping --json >out.json &&
	jq -e ".results[0].status == \"agent\" and (.results[0].statusmsg | test(\"more than one reply\"))" out.json
'

test_expect_success 'a foreign sender is flagged in the table and in --json' '
	plain -w node0001,node0002 --agent-path "$TRASH/foreign-agent" ping --json >out.json &&
	jq -e "[.results[] | .status] == [\"ok\", \"ok\"]" out.json &&
	jq -e "[.results[] | .sender] == [\"web9\", \"web9\"]" out.json &&
	plain -w node0001,node0002 --agent-path "$TRASH/foreign-agent" ping >out &&
	test_grep "^  *sender: web9" out &&
	test_grep "Foreign Sender: 2   node\[0001-0002\]" out
'

test_expect_success 'the real agent is its host, and not flagged' '
	fleet_muster -w "$(fleet_range 1 3)" ping --json >out.json &&
	jq -e "all(.results[]; .status == \"ok\" and (has(\"sender\") | not))" out.json &&
	fleet_muster -w "$(fleet_range 1 3)" ping >out &&
	test_grep ! "sender" out &&
	test_grep ! "Foreign" out
'

test_done
