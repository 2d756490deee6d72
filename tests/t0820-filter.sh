#!/bin/sh
test_description='metadata filters on the fleet: -F -C -I -A -W -S choose whom to contact from the cache and the inventory, and every agent checks the filter on its live facts (skipped)'
TEST_OWN_FLEET=1
TEST_FLEET_N=10
. "$(dirname "$0")/test-lib.sh"

# fleet.sh: role db on 4 and 8, web elsewhere; env staging on 9-10;
# rack r(i % 5); classes base and role::ROLE. The fleet's inventory holds
# role, env and rack as static facts, in groups [web] and [db].
all=$(fleet_range 1 10)
inv=$FLEET_INVENTORY
f() { fleet_muster -i "$inv" "$@"; }
# find contacts no host: it takes no SSH option.
g() { "$MUSTER" -i "$inv" "$@"; }
# hosts FILE: the host names of a --json document, sorted, on one line.
hosts() { jq -r '[.results[].host] | sort | join(" ")' "$1"; }
# status FILE STATUS: the hosts of that status, sorted, on one line.
status() { jq -r "[.results[] | select(.status == \"$2\") | .host] | sort | join(\" \")" "$1"; }

test_expect_success 'without a cache, static facts of the inventory decide' '
	g find -F role=db >out 2>err &&
	test "$(cat out | tr "\n" " ")" = "node0004 node0008 " &&
	test_must_be_empty err &&
	g find -S "(role=web or role=db) and not env=staging and rack=r1" >out &&
	test "$(cat out | tr "\n" " ")" = "node0001 node0006 " &&
	g find -I node0001 -I "/^node001[0-9]$/" >out &&
	test "$(cat out | tr "\n" " ")" = "node0001 node0010 "
'

test_expect_success 'without a cache, a class is unknown: every host asked, each decides' '
	g find -C role::db >out 2>err &&
	test $(wc -l <out) -eq 10 &&
	test_grep "10 of these have no cached facts" err &&
	f ping -C role::db --json >out.json &&
	test "$(status out.json ok)" = "node0004 node0008" &&
	test "$(jq ".summary.skipped" out.json)" = 8 &&
	jq -e ".results[] | select(.status == \"skipped\") | .statusmsg | test(\"filter\")" out.json >/dev/null
'

test_expect_success 'a skipped host runs nothing (a marker proves it)' '
	f shell --discovery live -w node0001,node0004 -C role::db --json "touch $TRASH/marker.\$(id -u).run" >out.json &&
	test "$(status out.json ok)" = node0004 &&
	test "$(status out.json skipped)" = node0001 &&
	test -f "$TRASH/marker.$(id -u).run" &&
	rm "$TRASH/marker.$(id -u).run" &&
	# The replies carried the hosts facts: now node0001 is known not to
	# match, and is not even contacted.
	test_expect_code 1 f shell -w node0001 -C role::db --json "touch $TRASH/marker.again" >out.json 2>err &&
	test_grep "no host matched" err &&
	test ! -e "$TRASH/marker.again"
'

test_expect_success 'with the cache filled, hosts that cannot match are not contacted' '
	f -w "$all" facts --refresh >out &&
	test_grep "Nodes: 10 / 10" out &&
	g find -C role::db >out 2>err &&
	test "$(cat out | tr "\n" " ")" = "node0004 node0008 " &&
	test_must_be_empty err &&
	f ping -C role::db -A rpcutil --json >out.json &&
	test "$(hosts out.json)" = "node0004 node0008" &&
	f ping -W "env=prod role::web rack!=r1" --json >out.json &&
	test "$(hosts out.json)" = "node0002 node0003 node0005 node0007"
'

test_expect_success 'facts on the host changed since the cache: skipped, nothing run' '
	echo "role=db" >"$FLEET_DIR/hosts/node0002/facts.d/zz.txt" &&
	f shell -w node0002 -F role=web --json "touch $TRASH/marker.changed" >out.json &&
	test "$(status out.json skipped)" = node0002 &&
	test ! -e "$TRASH/marker.changed" &&
	g find -F role=db >out &&
	test_grep node0002 out &&
	rm "$FLEET_DIR/hosts/node0002/facts.d/zz.txt"
'

test_expect_success '--discovery live: the cache is left out, every host decides' '
	g find --discovery live -C role::db >out 2>err &&
	test $(wc -l <out) -eq 10 &&
	f ping --discovery live -F role=db --json >out.json &&
	test "$(status out.json ok)" = "node0004 node0008"
'

test_expect_success 'a host the cache does not hold is still found' '
	cp "$HOME/.cache/muster/facts" cache.saved &&
	rm "$HOME/.cache/muster/facts" &&
	f -w "$(fleet_range 1 5)" facts --refresh >/dev/null &&
	f ping -w "$all" -C role::db --json >out.json &&
	test "$(status out.json ok)" = "node0004 node0008" &&
	cp cache.saved "$HOME/.cache/muster/facts"
'

test_expect_success 'numbers, versions and regexes on live facts' '
	g find -F "processors.count>=1" -F "os.release.major=~^[0-9]+$" >out &&
	test $(wc -l <out) -eq 10 &&
	g find -F "identity=/^node000[1-3]$/" >out &&
	test $(wc -l <out) -eq 3 &&
	test_expect_code 1 g find -F "memory.total_mb<1" >out 2>err &&
	test_must_be_empty out
'

test_expect_success 'a filter nothing matches: exit 1, nothing contacted' '
	test_expect_code 1 f ping -F role=nosuch >out 2>err &&
	test_grep "no host matched" err
'

test_expect_success 'mistakes are one line naming the column, exit 64' '
	test_expect_code 64 g find -S "(role=web or role=db" 2>err &&
	test_grep "^muster: -S: expected .). to close the .(. of column 1 at column 21$" err &&
	test $(wc -l <err) -eq 1 &&
	test_expect_code 64 g find -F "role" 2>err &&
	test_grep "is not KEY OP VALUE" err &&
	test_expect_code 64 g find -F "x=/a(/" 2>err &&
	test_grep "bad regular expression" err &&
	test_expect_code 64 g find -A "No-Agent" 2>err &&
	test_grep "is not an agent name" err
'

test_expect_success 'the dry run shows the filter; the audit line records it' '
	f -n ping -C role::db -F "env!=staging" >out &&
	test_grep "^filter: role::db and env!=staging$" out &&
	f ping -F role=db --reason "filter audit" >/dev/null &&
	tail -n 1 "$HOME/.local/state/muster/audit.jsonl" >line &&
	jq -e ".filter == \"role=db\" and .reason == \"filter audit\"" line
'

test_done
