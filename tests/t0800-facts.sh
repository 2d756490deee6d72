#!/bin/sh
test_description='facts: the fact cache, facts [FACT], facts --refresh, inventory'
TEST_OWN_FLEET=1
TEST_FLEET_N=12
. "$(dirname "$0")/test-lib.sh"

all=$(fleet_range 1 12)
cache=$HOME/.cache/muster/facts

# Varied external facts: tier=gold on 1-7, silver on 8-9, copper on 10,
# none on 11-12 (role is web but on 4, 8 and 12: db, from fleet.sh).
for i in 1 2 3 4 5 6 7 8 9 10; do
	case $i in
	[1-7]) tier=gold ;;
	[89]) tier=silver ;;
	*) tier=copper ;;
	esac
	printf "tier=%s\n" "$tier" \
	    >"$FLEET_DIR/hosts/$(printf node%04d $i)/facts.d/t0800.txt"
done
# Static facts of the inventory: dc for everyone, a tier the host's own
# facts override on node0001, one only the inventory knows.
printf "[web]\nnode00[01-12] dc=a\nnode0001 tier=lead owner=ops\n" >inv

test_expect_success 'facts with an empty cache: every host unknown' '
	fleet_muster -w "$all" facts os.family >out &&
	test_grep "unknown: 12 hosts node\[0001-0012\]" out
'

test_expect_success 'facts --refresh fills the cache from every host' '
	fleet_muster -w "$all" facts --refresh >out &&
	test_grep "Nodes: 12 / 12" out &&
	test -f "$cache" &&
	test "$(stat -c %a "$cache")" = 600 &&
	test "$(stat -c %a "$(dirname "$cache")")" = 700
'

test_expect_success 'facts os.family: one value on every host' '
	fleet_muster -w "$all" facts os.family >out &&
	test_grep "Report for fact: os.family" out &&
	test_grep "^  [a-z]*  *found 12 times$" out &&
	test_must_fail grep unknown out
'

test_expect_success 'facts role: the minority with its hosts' '
	fleet_muster -w "$all" facts role >out &&
	test_grep "^  web  found 9 times$" out &&
	test_grep "^  db   found 3 times  node\[0004,0008,0012\]$" out &&
	test "$(grep -n found out | head -n 1 | cut -d: -f1)" -lt \
	    "$(grep -n "db " out | cut -d: -f1)"
'

test_expect_success 'facts tier: hosts without it are unknown' '
	fleet_muster -w "$all" facts tier >out &&
	test_grep "^  gold    found 7 times$" out &&
	test_grep "^  silver  found 2 times  node\[0008-0009\]$" out &&
	test_grep "^  copper  found 1 time  node0010$" out &&
	test_grep "^unknown: 2 hosts node\[0011-0012\]$" out
'

test_expect_success 'facts --json: the same as a document' '
	fleet_muster -w "$all" facts tier --json >out.json &&
	jq -e ".fact == \"tier\"" out.json &&
	jq -e ".values[0].value == \"gold\" and .values[0].count == 7" out.json &&
	jq -e ".values[1].minority == true" out.json &&
	jq -e ".unknown.count == 2 and .unknown.hosts == [\"node0011\",\"node0012\"]" out.json
'

test_expect_success 'facts without FACT: every key and on how many hosts' '
	fleet_muster -w "$all" facts >out &&
	test_grep "^  os.family  *on 12 hosts$" out &&
	test_grep "^  tier  *on 10 hosts$" out &&
	fleet_muster -w "$all" facts --json >out.json &&
	jq -e ".facts.tier == 10 and .hosts == 12" out.json
'

test_expect_success 'static facts of the inventory fill in; host facts win' '
	fleet_muster -i inv facts dc >out &&
	test_grep "^  a  found 12 times$" out &&
	fleet_muster -i inv facts tier >out &&
	test_grep "^  gold    found 7 times$" out &&
	test_must_fail grep lead out &&
	fleet_muster -i inv facts owner >out &&
	test_grep "^  ops  found 1 time$" out &&
	test_grep "^unknown: 11 hosts" out
'

test_expect_success 'inventory HOST: static facts, groups, cached facts, classes, agents' '
	"$MUSTER" -i inv inventory node0001 >out &&
	test_grep "Inventory for node0001:" out &&
	test_grep "owner *= ops" out &&
	test_grep "Groups: web" out &&
	test_grep "Facts (collected .* seconds ago):" out &&
	test_grep "tier *= gold" out &&
	test_grep "role::web" out &&
	test_grep "rpcutil" out &&
	"$MUSTER" -i inv inventory node0001 --json >out.json &&
	jq -e ".static_facts.owner == \"ops\" and .groups == [\"web\"]" out.json &&
	jq -e ".facts.tier == \"gold\" and (.time | type) == \"number\"" out.json &&
	jq -e "(.classes | index(\"base\")) != null" out.json &&
	jq -e "(.agents | index(\"rpcutil\")) != null" out.json
'

test_expect_success 'inventory HOST of an unknown host: exit 1' '
	test_expect_code 1 "$MUSTER" -w nosuchhost inventory nosuchhost 2>err &&
	test_grep "nothing is known of .nosuchhost." err
'

test_expect_success 'inventory --format with --header: a line per host' '
	"$MUSTER" -w "node000[1-3],node0011" inventory --header \
	    --format "%s\t%s\t%s%%" identity tier role >out &&
	printf "identity\ttier\trole%%\nnode0001\tgold\tweb%%\nnode0002\tgold\tweb%%\nnode0003\tgold\tweb%%\nnode0011\t\tweb%%\n" >expect &&
	test_cmp expect out
'

test_expect_success 'inventory --format: a bad format is one line, exit 64' '
	test_expect_code 64 "$MUSTER" -w node0001 inventory --format "%s %s" identity 2>err &&
	test $(wc -l <err) -eq 1 &&
	test_grep "has 2 %s but 1 field is given" err &&
	test_expect_code 64 "$MUSTER" -w node0001 inventory --format "%d" identity 2>err &&
	test $(wc -l <err) -eq 1 &&
	test_grep "not .%d. at column 1" err
'

test_expect_success 'every host command refreshes the cache from its replies' '
	printf "tier=platinum\n" >"$FLEET_DIR/hosts/node0011/facts.d/t0800.txt" &&
	fleet_muster -w node0011 rpc rpcutil inventory >/dev/null &&
	fleet_muster -w node0011 facts tier >out &&
	test_grep "^  platinum  found 1 time$" out
'

test_expect_success 'a corrupt cache is warned about once and ignored' '
	cp "$cache" good &&
	printf "\301garbage" >>"$cache" &&
	fleet_muster -w "$all" facts role >out 2>err &&
	test $(wc -l <err) -eq 1 &&
	test_grep "fact cache $cache is unreadable (.*); ignored" err &&
	test_grep "unknown: 12 hosts" out &&
	fleet_muster -w "$all" facts --refresh >/dev/null 2>err &&
	fleet_muster -w "$all" facts role >out 2>err &&
	test_must_be_empty err &&
	test_grep "found 9 times" out
'

test_expect_success 'two concurrent facts --refresh leave a valid cache' '
	rm -f "$cache" &&
	fleet_muster -w "$(fleet_range 1 6)" facts --refresh >out1 2>err1 &
	pid=$! &&
	fleet_muster -w "$(fleet_range 7 12)" facts --refresh >out2 2>err2 &&
	wait $pid &&
	fleet_muster -w "$all" facts os.family >out 2>err &&
	test_must_be_empty err &&
	test_grep "found 12 times" out &&
	test_must_fail grep unknown out &&
	ls "$(dirname "$cache")" >files &&
	printf "facts\nfacts.lock\n" >expect && test_cmp expect files
'

test_done
