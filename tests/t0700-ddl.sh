#!/bin/sh
test_description='DDL: the agents described by their DDL files, a user DDL overriding the shipped one, a malformed DDL named, muster agents and muster doc'
. "$(dirname "$0")/test-lib.sh"

ddl_dir=$HOME/.config/muster/ddl

test_expect_success 'muster agents lists every shipped agent with its actions' '
	"$MUSTER" agents >out &&
	test_grep "^rpcutil  *ping inventory get_fact agent_inventory policy_check$" out &&
	test_grep "^shell  *run$" out &&
	test $(wc -l <out) -eq $(ls "$TOP"/ddl/*.json | wc -l)
'

test_expect_success 'muster doc shell shows the inputs and outputs' '
	"$MUSTER" doc shell >out &&
	test_grep "^shell .*($TOP/ddl/shell.json), timeout 60 s$" out &&
	test_grep "^run (display always)$" out &&
	test_grep "^    command: string, required, maxlength 65536$" out &&
	test_grep "^    timeout: integer, optional$" out &&
	test_grep "^    exitcode: integer, shown as \"Exit Code\"$" out &&
	"$MUSTER" doc rpcutil >out &&
	test_grep "^    fact: string, required, maxlength 128, validation" out &&
	test_grep "^  Aggregate: summary(value)$" out
'

test_expect_success 'muster doc of every shipped agent names each action, input and output' '
	for f in "$TOP"/ddl/*.json; do
		a=$(jq -r .metadata.name "$f") &&
		"$MUSTER" doc "$a" >out &&
		test_grep "^$a .*(.*/ddl/$a.json), timeout [0-9]* s$" out &&
		for act in $(jq -r ".actions[].action" "$f"); do
			test_grep "^$act (display " out || exit 1
		done &&
		for w in $(jq -r ".actions[] | (.input // {}), (.output // {}) | keys[]" "$f" | sort -u); do
			test_grep "^    $w: " out || exit 1
		done || exit 1
	done
'

test_expect_success 'muster doc of an unknown agent is one line and exit 64' '
	test_expect_code 64 "$MUSTER" doc nosuch 2>err &&
	test_grep "no DDL describes agent .nosuch." err &&
	test $(wc -l <err) -eq 1
'

test_expect_success 'rpc through the shipped DDLs works as before' '
	fleet_muster -w "$(fleet_range 1 3)" rpc rpcutil get_fact fact=role --json >out.json &&
	jq -e ".summary.ok == 3 and .request.timeout == 20" out.json >/dev/null &&
	fleet_muster -w node0001 rpc shell run "command=touch $TRASH/shipped" >out &&
	test -f "$TRASH/shipped"
'

test_expect_success 'the validation of the shipped DDL refuses before sending' '
	test_expect_code 64 fleet_muster -w node0001 rpc rpcutil get_fact "fact=a;b" 2>err &&
	test_grep "input .fact. does not match its validation" err &&
	test $(wc -l <err) -eq 1
'

# A Choria-style DDL for shell, stricter: only lower-case words.
test_expect_success 'a DDL in ~/.config/muster/ddl overrides the shipped one' '
	mkdir -p "$ddl_dir" &&
	cat >"$ddl_dir/shell.json" <<-\EOF &&
	{
	  "$schema": "https://choria.io/schemas/mcorpc/ddl/v1/agent.json",
	  "metadata": {"name": "shell", "description": "strict shell",
	    "author": "ops", "license": "Apache-2.0", "version": "0.1.0",
	    "url": "https://example.org", "timeout": 30},
	  "actions": [
	    {"action": "run", "description": "run a word", "display": "failed",
	     "input": {
	       "command": {"prompt": "Command", "description": "a word",
	         "type": "string", "optional": false,
	         "validation": "\\A[a-z]+( [a-z]+)*\\z", "maxlength": 256}},
	     "output": {
	       "stdout": {"description": "out", "display_as": "Output",
	         "type": "string"}}}
	  ]
	}
	EOF
	"$MUSTER" doc shell >out &&
	test_grep "($ddl_dir/shell.json), timeout 30 s$" out &&
	test_grep "validation \\\\A\[a-z\]+( \[a-z\]+)\*\\\\z$" out &&
	test_expect_code 64 fleet_muster -w node0001 rpc shell run \
	    "command=touch $TRASH/marker" 2>err &&
	test_grep "rpc: input .command. does not match its validation" err &&
	test $(wc -l <err) -eq 1 &&
	test_expect_code 64 fleet_muster -w node0001 rpc shell run \
	    command=true timeout=5 2>err &&
	test_grep "shell.run has no input .timeout." err &&
	! test -e "$TRASH/marker"
'

test_expect_success 'the overriding DDL sets the timeout and display policy' '
	fleet_muster -w node0001 -n rpc shell run command=true >out &&
	test_grep "(timeout 30 s)" out &&
	fleet_muster -w node0001 rpc shell run command=true >out &&
	test_grep ! "^node0001" out &&
	rm "$ddl_dir/shell.json"
'

test_expect_success 'a foreign DDL with an unknown validator loads with one warning' '
	cat >"$ddl_dir/shell.json" <<-\EOF &&
	{"metadata": {"name": "shell", "timeout": 60},
	 "actions": [{"action": "run", "display": "always", "input": {
	   "command": {"type": "string", "validation": "hostname",
	     "maxlength": 300, "optional": false,
	     "description": "a \u001b]0;title\u0007 command"}}}]}
	EOF
	fleet_muster -w node0001 rpc shell run "command=touch $TRASH/foreign" 2>err >out &&
	test_grep "shell.json: action .run. input .command.: unknown validator .hostname." err &&
	test $(wc -l <err) -eq 1 &&
	test -f "$TRASH/foreign" &&
	test_expect_code 64 fleet_muster -w node0001 rpc shell run \
	    "command=$(printf "%0301d" 0)" 2>err &&
	test_grep "input .command. is longer than 300 characters" err &&
	"$MUSTER" doc shell >out 2>err &&
	test_grep "^      a ?\]0;title? command$" out &&
	rm "$ddl_dir/shell.json"
'

test_expect_success 'a malformed DDL names its file and what is wrong' '
	printf "{\"metadata\": {\"name\": \"shell\", \"timeout\": 60},\n \"actions\": [\n" \
	    >"$ddl_dir/shell.json" &&
	test_expect_code 64 fleet_muster -w node0001 rpc shell run command=true 2>err &&
	test_grep "$ddl_dir/shell.json:3:" err &&
	test $(wc -l <err) -eq 1 &&
	test_expect_code 64 "$MUSTER" doc shell 2>err &&
	test_grep "$ddl_dir/shell.json:3:" err &&
	test_expect_code 64 "$MUSTER" agents >out 2>err &&
	test_grep "$ddl_dir/shell.json:3:" err &&
	test_grep "^rpcutil " out &&
	printf "{\"metadata\": {\"name\": \"shell\", \"timeout\": 60}, \"actions\": [{\"action\": \"run\", \"input\": {\"command\": {\"type\": \"text\"}}}]}\n" \
	    >"$ddl_dir/shell.json" &&
	test_expect_code 64 fleet_muster -w node0001 rpc shell run command=true 2>err &&
	test_grep "$ddl_dir/shell.json: action .run. input .command.: unknown type .text." err &&
	rm "$ddl_dir/shell.json"
'

test_expect_success 'MUSTER_DDL_PATH is searched in order, after the user directory' '
	mkdir -p a b &&
	sed "s/\"timeout\": 60/\"timeout\": 41/" "$TOP/ddl/shell.json" >a/shell.json &&
	sed "s/\"timeout\": 60/\"timeout\": 42/" "$TOP/ddl/shell.json" >b/shell.json &&
	MUSTER_DDL_PATH="$TRASH/b:$TRASH/a:$TOP/ddl" "$MUSTER" doc shell >out &&
	test_grep "timeout 42 s$" out &&
	MUSTER_DDL_PATH="$TRASH/a:$TOP/ddl" "$MUSTER" doc shell >out &&
	test_grep "timeout 41 s$" out &&
	MUSTER_DDL_PATH="$TRASH/a" "$MUSTER" doc shell >out &&
	test_grep "timeout 41 s$" out &&
	test_grep "$TRASH/a/shell.json" out
'

test_expect_success 'run from the build tree, muster finds the tree'"'"'s DDL files' '
	env -u MUSTER_DDL_PATH "$MUSTER" agents >out &&
	test_grep "^rpcutil" out &&
	test_grep "^shell" out
'

test_done
