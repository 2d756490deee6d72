#!/bin/sh
test_description='host lists: -w @GROUP and ^FILE, --limit, --rerun, muster ssh'
. "$(dirname "$0")/test-lib.sh"

inv=$FLEET_INVENTORY
state=$HOME/.local/state/muster

# group NAME: the hosts of a [NAME] section of the fleet inventory, in order.
group() {
	awk -v g="[$1]" '/^\[/ { on = ($1 == g); next } on && NF { print $1 }' "$inv"
}

refused=$("$TOOLS/free-port")
{
	printf "Host down1 down2\n\tHostName 127.0.0.1\n\tPort %s\n" "$refused"
	cat "$FLEET_DIR/ssh_config"
} >down.conf

test_expect_success '-w @GROUP selects the hosts under an inventory [GROUP] header' '
	group db >expect && test -s expect &&
	"$MUSTER" -i "$inv" -w @db find >out &&
	test_cmp expect out &&
	group web >expect &&
	"$MUSTER" -w @web find -i "$inv" >out &&
	test_cmp expect out
'

test_expect_success '-w @GROUP also selects hosts with a group= fact, and mixes with names' '
	printf "[web]\nweb[1-3]\nweb4 group=odd\n[db]\ndb1 group=odd\n" >g.inv &&
	"$MUSTER" -i g.inv -w @odd find >out &&
	printf "web4\ndb1\n" >expect && test_cmp expect out &&
	"$MUSTER" -i g.inv -w "x[1-2],@odd" find >out &&
	printf "x1\nx2\nweb4\ndb1\n" >expect && test_cmp expect out
'

test_expect_success '-x @GROUP removes a group' '
	"$MUSTER" -i "$inv" -x @web find >out &&
	group db >expect && test_cmp expect out
'

test_expect_success 'an unknown group is one line naming it and the groups known, exit 64' '
	test_expect_code 64 "$MUSTER" -i "$inv" -w @nosuch find >out 2>err &&
	test_must_be_empty out &&
	test_grep "^muster: -w @nosuch: no group .nosuch. in .*inventory (groups: db, web)$" err &&
	test $(wc -l <err) -eq 1 &&
	test_expect_code 64 "$MUSTER" -w @web find 2>err &&
	test_grep "no inventory to find group .web." err
'

test_expect_success '-w ^FILE reads names; -w @FILE says it is now ^FILE' '
	printf "node0002 # a comment\nnode000[4-5]\n" >list &&
	"$MUSTER" -i "$inv" -w ^list find >out &&
	printf "node0002\nnode0004\nnode0005\n" >expect && test_cmp expect out &&
	"$MUSTER" -i "$inv" -w @web -x ^list find >out &&
	group web | grep -v -x -e node0002 -e node0005 >expect && test_cmp expect out &&
	test_expect_code 64 "$MUSTER" -i "$inv" -w @list find 2>err &&
	test_grep "^muster: -w @list: -w @FILE is now -w ^FILE$" err &&
	test_expect_code 64 "$MUSTER" -i "$inv" -w @./nolist find 2>err &&
	test_grep "@FILE is now -w ^FILE" err &&
	test_expect_code 64 "$MUSTER" -i "$inv" -w ^nolist find 2>err &&
	test_grep "^muster: -w: nolist: No such file" err
'

test_done
