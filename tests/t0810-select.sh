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

test_expect_success '--limit: the same seed keeps the same hosts, another seed others' '
	"$MUSTER" -i "$inv" --limit 5 --limit-seed 1 find >a &&
	"$MUSTER" -i "$inv" --limit 5 --limit-seed 1 find >b &&
	"$MUSTER" -i "$inv" --limit-seed 2 --limit 5 find >c &&
	test $(wc -l <a) -eq 5 && test_cmp a b &&
	! cmp -s a c &&
	"$MUSTER" -i "$inv" find >all &&
	grep -x -F -f a all >inorder && test_cmp a inorder
'

test_expect_success '--limit N%: rounded up, at least one host; no more than there are' '
	"$MUSTER" -w "$(fleet_range 1 12)" --limit 10% find >out &&
	test $(wc -l <out) -eq 2 &&
	"$MUSTER" -w "$(fleet_range 1 3)" --limit 1% find >out &&
	test $(wc -l <out) -eq 1 &&
	"$MUSTER" -w "$(fleet_range 1 3)" --limit 9 find >out &&
	test $(wc -l <out) -eq 3
'

test_expect_success '--limit without a seed: a random one, told at -v, that gives the same hosts' '
	"$MUSTER" -v -i "$inv" --limit 4 find >a 2>err &&
	seed=$(sed -n "s/.*--limit 4 --limit-seed \([0-9]*\): 4 hosts: .*/\1/p" err) &&
	test -n "$seed" &&
	"$MUSTER" -i "$inv" --limit 4 --limit-seed "$seed" find >b &&
	test_cmp a b
'

test_expect_success '--limit applies after -x and to a group' '
	"$MUSTER" -i "$inv" -w @db -x node0004 --limit 2 --limit-seed 3 find >out &&
	test $(wc -l <out) -eq 2 && ! grep -x node0004 out &&
	group db >db && grep -x -F -f out db >inboth && test_cmp out inboth
'

test_expect_success '--rerun without a record: one line naming the file, exit 64' '
	test_expect_code 64 "$MUSTER" --rerun failed find 2>err &&
	test_grep "^muster: no previous run recorded ($state/last-run)$" err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'a run records its hosts and their status (0700 directory, 0600 file)' '
	test_expect_code 3 "$MUSTER" --ssh-config down.conf -w "down1,$(fleet_range 1 3)" \
	    ping >out &&
	test -f "$state/last-run" &&
	test "$(stat -c %a "$state/last-run")" = 600 &&
	test "$(stat -c %a "$state")" = 700 &&
	jq -e ".command == \"rpcutil.ping\" and (.time | test(\"^20[0-9-]+T[0-9:]+Z$\"))" \
	    "$state/last-run" &&
	jq -r ".hosts[] | \"\(.host) \(.status)\"" "$state/last-run" | sort >got &&
	printf "down1 unreachable\nnode0001 ok\nnode0002 ok\nnode0003 ok\n" >expect &&
	test_cmp expect got &&
	ls -a "$state" >files && ! grep "last-run\." files
'

test_expect_success '--rerun failed and unanswered: the unreachable host, not the others' '
	"$MUSTER" --rerun failed find >out &&
	echo down1 >expect && test_cmp expect out &&
	"$MUSTER" --rerun unanswered -w node0001 find >out &&
	test_cmp expect out &&
	test_expect_code 1 "$MUSTER" --rerun failed -x down1 find >out
'

test_expect_success '--rerun failed after a failed reply; unanswered finds none (exit 1)' '
	test_expect_code 2 fleet_muster -w "$(fleet_range 1 2)" -x node0002 shell false >out &&
	"$MUSTER" --rerun failed find >out &&
	echo node0001 >expect && test_cmp expect out &&
	test_expect_code 1 fleet_muster --rerun unanswered ping >out 2>err &&
	test_grep "^muster: no host went unanswered in the previous run$" err &&
	test_grep "no host matched" err &&
	fleet_muster --rerun failed --json shell true >out.json &&
	jq -e "[.results[].host] == [\"node0001\"]" out.json &&
	test_expect_code 1 fleet_muster --rerun failed ping 2>err &&
	test_grep "^muster: no host failed in the previous run$" err
'

test_expect_success 'a corrupt record is one line naming the file, exit 64' '
	printf "{\"hosts\": [" >"$state/last-run" &&
	test_expect_code 64 "$MUSTER" --rerun failed find 2>err &&
	test_grep "^muster: $state/last-run: corrupt run record" err &&
	test $(wc -l <err) -eq 1 &&
	printf "{\"hosts\": [{\"host\": \"a\", \"status\": \"weird\"}]}" >"$state/last-run" &&
	test_expect_code 64 "$MUSTER" --rerun failed find 2>err &&
	test_grep "corrupt run record (an unknown status" err &&
	rm "$state/last-run"
'

test_expect_success '$XDG_STATE_HOME holds the record when set' '
	XDG_STATE_HOME=$TRASH/xdg fleet_muster -w node0001 ping >out &&
	test -f "$TRASH/xdg/muster/last-run" &&
	test ! -f "$state/last-run" &&
	test_expect_code 1 env XDG_STATE_HOME=$TRASH/xdg "$MUSTER" --rerun failed find
'

# A fake ssh that prints its arguments, one a line.
mkdir -p bin &&
printf "#!/bin/sh\nfor a; do printf \"%%s\\\\n\" \"\$a\"; done\n" >bin/ssh &&
chmod +x bin/ssh

test_expect_success 'muster ssh: one host runs ssh with muster'\''s ssh_config and the words after --' '
	PATH=$TRASH/bin:$PATH "$MUSTER" --ssh-config down.conf ssh -w node0002 -- uname -a >out &&
	printf "%s\n" -F down.conf -- node0002 uname -a >expect &&
	test_cmp expect out &&
	PATH=$TRASH/bin:$PATH "$MUSTER" -i "$inv" ssh -w @db -x "$(fleet_range 5 100)" >out &&
	printf "%s\n" -- node0004 >expect &&
	test_cmp expect out
'

test_expect_success 'muster ssh passes muster'\''s own ssh_config, not ~/.ssh/config' '
	mkdir -p "$HOME/.config/muster" &&
	cp down.conf "$HOME/.config/muster/ssh_config" &&
	PATH=$TRASH/bin:$PATH "$MUSTER" ssh -w node0001 >out &&
	printf "%s\n" -F "$HOME/.config/muster/ssh_config" -- node0001 >expect &&
	test_cmp expect out &&
	rm -r "$HOME/.config/muster"
'

test_expect_success 'muster ssh: several hosts and no terminal: one line listing them, exit 64' '
	PATH=$TRASH/bin:$PATH test_expect_code 64 "$MUSTER" ssh -w "$(fleet_range 1 3)" \
	    </dev/null >out 2>err &&
	test_must_be_empty out &&
	test_grep "^muster: 3 hosts match: node\[0001-0003\]; narrow the selection$" err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'muster ssh: several hosts on a terminal: a numbered menu' '
	if ! command -v script >/dev/null 2>&1; then
		echo "# no script(1) to give muster a terminal; skipped" && exit 0
	fi &&
	(printf "2\n"; sleep 3) | PATH=$TRASH/bin:$PATH script -qec \
	    "\"$MUSTER\" ssh -w $(fleet_range 1 3) -- uptime" /dev/null >out &&
	tr -d "\r" <out >menu &&
	test_grep "^   2) node0002$" menu &&
	# The answer was typed ahead, so the prompt line goes on with ssh.
	test_grep "^host number (1-3): --$" menu &&
	sed "1,/^host number/d" menu >args &&
	printf "%s\n" node0002 uptime >expect && test_cmp expect args &&
	rc=0 && { (printf "9\n"; sleep 3) | script -qec \
	    "\"$MUSTER\" ssh -w $(fleet_range 1 3)" /dev/null >out || rc=$?; } &&
	test "$rc" -eq 64 && tr -d "\r" <out >menu &&
	test_grep "muster: no host chosen$" menu
'

test_expect_success 'muster ssh: no host, exit 1' '
	PATH=$TRASH/bin:$PATH test_expect_code 1 "$MUSTER" -i "$inv" ssh -w @db -x @db \
	    >out 2>err &&
	test_must_be_empty out &&
	test_grep "no host matched" err
'

test_done
