#!/bin/sh
test_description='muster-agent: the request filter on live facts, skipped, facts in replies'
TEST_NO_FLEET=1
. "$(dirname "$0")/test-lib.sh"

REQ=$TOOLS/mkrequest
DUMP=$TOOLS/msgdump

mkdir facts.d
cat >facts.d/10-base.txt <<EOF
# read first
role=web
env=prod
app.port=8080
app.tls=true
flag=false
load=1.5
pkgver=1.2.10
EOF
cat >facts.d/20-site.txt <<EOF
env=staging
identity=evil
EOF
printf "base\nrole::web\nmysql::server\n" >classes.txt
cat >agent.conf <<EOC
identity = test01
facts_dir = $TRASH/facts.d
classes_file = $TRASH/classes.txt
audit_log = $TRASH/audit.log
EOC
MUSTER_AGENT_CONFIG=$TRASH/agent.conf
export MUSTER_AGENT_CONFIG

# The filters, as the JSON mkrequest writes as msgpack trees (filter_put).
WEB='["fact", "role", "=", "web"]'
DB='["fact", "role", "=", "db"]'
MARK="touch $TRASH/ran"

# run FILTER [mkrequest options]: shell run of the marker command.
run() {
	f=$1 && shift &&
	rm -f ran &&
	"$REQ" "$@" -f "$f" shell run command="$MARK" | "$AGENT" | "$DUMP" >out
}
ran() {
	jq -e ".statuscode == 0 and .skipped == false and .data.exitcode == 0" out &&
	test -e ran
}
skipped() {
	jq -e ".statuscode == 0 and .skipped == true and .data == {} and
	    .statusmsg == \"skipped: the filter does not match this host\"" out &&
	test ! -e ran
}

test_expect_success 'a matching filter runs the action' '
	run "$WEB" && ran
'

test_expect_success 'a filter that does not match answers skipped and runs nothing' '
	run "$DB" && skipped
'

test_expect_success 'the audit line says skipped' '
	run "$DB" &&
	tail -n 1 audit.log >line &&
	test_grep "statuscode=0 skipped=true" line &&
	run "$WEB" &&
	tail -n 1 audit.log >line &&
	! test_grep "skipped" line
'

test_expect_success 'the filter comes first: an action or input not known here is skipped' '
	rm -f ran &&
	"$REQ" -f "$DB" package install package=zsh | "$AGENT" | "$DUMP" >out &&
	jq -e ".skipped == true and .statuscode == 0" out &&
	"$REQ" -f "$DB" nosuch thing | "$AGENT" | "$DUMP" >out &&
	jq -e ".skipped == true and .statuscode == 0" out &&
	"$REQ" -f "$DB" shell run command="$MARK" bogus=1 | "$AGENT" | "$DUMP" >out &&
	jq -e ".skipped == true" out && test ! -e ran &&
	"$REQ" -f "$WEB" shell run command="$MARK" bogus=1 | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 4 and .skipped == false" out && test ! -e ran
'

test_expect_success 'and, or, not' '
	run "[\"and\", $WEB, [\"not\", [\"fact\", \"env\", \"=\", \"prod\"]]]" && ran &&
	run "[\"and\", $WEB, [\"fact\", \"env\", \"=\", \"prod\"]]" && skipped &&
	run "[\"or\", $DB, $WEB]" && ran &&
	run "[\"not\", [\"or\", $DB, $WEB]]" && skipped &&
	run "[\"and\", $WEB, [\"class\", \"base\", false], [\"agent\", \"shell\"]]" && ran &&
	run "[\"and\", $WEB, [\"class\", \"base\", false], $DB]" && skipped &&
	run "[\"or\", $DB, $DB, $WEB]" && ran
'

test_expect_success 'external facts: later file wins, identity cannot be overridden' '
	run "[\"fact\", \"env\", \"=\", \"staging\"]" && ran &&
	run "[\"fact\", \"identity\", \"=\", \"test01\"]" && ran &&
	run "[\"fact\", \"identity\", \"=\", \"evil\"]" && skipped
'

test_expect_success 'dotted keys and typed values: numbers, booleans, versions' '
	run "[\"fact\", \"app.port\", \"=\", \"8080\"]" && ran &&
	run "[\"fact\", \"app.port\", \">\", \"900\"]" && ran &&
	run "[\"fact\", \"app.port\", \"<\", \"900\"]" && skipped &&
	run "[\"fact\", \"app.tls\", \"=\", \"true\"]" && ran &&
	run "[\"fact\", \"flag\", \"!=\", \"false\"]" && skipped &&
	run "[\"fact\", \"flag\", \"=\", \"false\"]" && ran &&
	run "[\"fact\", \"pkgver\", \">\", \"1.2.9\"]" && ran &&
	run "[\"fact\", \"pkgver\", \"<\", \"1.2.9\"]" && skipped
'

test_expect_success 'built-in facts: numbers are integers' '
	run "[\"fact\", \"processors.count\", \">=\", \"1\"]" && ran &&
	run "[\"fact\", \"memory.total_mb\", \">\", \"0\"]" && ran &&
	run "[\"fact\", \"os.family\", \"=~\", \"^[a-z]+\$\"]" && ran
'

test_expect_success 'a fact the host lacks matches no comparison, not even !=' '
	run "[\"fact\", \"nosuch\", \"!=\", \"x\"]" && skipped &&
	run "[\"not\", [\"fact\", \"nosuch\", \"=\", \"x\"]]" && ran
'

test_expect_success 'a class filter on classes_file' '
	run "[\"class\", \"mysql::server\", false]" && ran &&
	run "[\"class\", \"^role::w\", true]" && ran &&
	run "[\"class\", \"nginx\", false]" && skipped &&
	run "[\"class\", \"^role::db\", true]" && skipped
'

test_expect_success 'an agent filter on the agents this muster-agent offers' '
	run "[\"agent\", \"shell\"]" && ran &&
	run "[\"agent\", \"package\"]" && ran &&
	run "[\"agent\", \"puppet\"]" && ran &&
	run "[\"agent\", \"nosuch\"]" && skipped
'

test_expect_success 'facts=true: the reply carries typed facts, classes and agents' '
	"$REQ" -F rpcutil ping | "$AGENT" | "$DUMP" >out &&
	jq -e ".statuscode == 0 and (.facts | keys) == [\"agents\", \"classes\", \"facts\"] and
	    .facts.facts[\"app.port\"] == 8080 and .facts.facts[\"app.tls\"] == true and
	    .facts.facts.flag == false and .facts.facts.load == 1.5 and
	    .facts.facts.pkgver == \"1.2.10\" and .facts.facts.env == \"staging\" and
	    .facts.facts.identity == \"test01\" and .facts.facts.role == \"web\" and
	    (.facts.facts[\"processors.count\"] | type) == \"number\" and
	    (.facts.facts[\"memory.total_mb\"] | type) == \"number\" and
	    (.facts.facts.uptime_s | type) == \"number\" and
	    (.facts.facts[\"os.release.full\"] | type) == \"string\" and
	    .facts.classes == [\"base\", \"mysql::server\", \"role::web\"] and
	    .facts.agents == [\"nrpe\", \"package\", \"puppet\", \"rpcutil\", \"service\", \"shell\"]" out
'

test_expect_success 'a skipped reply carries the facts too; without facts=true none' '
	run "$DB" -F && skipped &&
	jq -e ".facts.facts.role == \"web\" and (.facts.classes | length) == 3" out &&
	run "$DB" && skipped &&
	jq -e "has(\"facts\") | not" out
'

test_expect_success 'rpcutil inventory and get_fact give the typed facts' '
	"$REQ" rpcutil inventory | "$AGENT" | "$DUMP" >out &&
	jq -e ".data.facts[\"app.port\"] == 8080 and .data.facts[\"app.tls\"] == true and
	    .data.identity == \"test01\" and (.data.agents | index(\"rpcutil\"))" out &&
	"$REQ" rpcutil get_fact fact=app.port | "$AGENT" | "$DUMP" >out &&
	jq -e ".data.value == 8080" out &&
	"$REQ" rpcutil get_fact fact=nosuch | "$AGENT" | "$DUMP" >out &&
	jq -e ".data.value == null" out
'

test_expect_success 'a filter that cannot be decoded is status 4, nothing runs' '
	for f in "{}" "\"role=web\"" "[]" "[\"nope\", 1]" "[\"and\", $WEB]" \
	    "[\"fact\", \"role\", \"~~\", \"web\"]" "[\"fact\", \"\", \"=\", \"x\"]" \
	    "[\"fact\", \"role\", \"=\", 7]" "[\"class\", \"base\"]" \
	    "[\"fact\", \"role\", \"=~\", \"(\"]" "[\"class\", \"(\", true]"
	do
		run "$f" &&
		jq -e ".statuscode == 4 and .skipped == false and
		    (.statusmsg | test(\"filter\"))" out &&
		test ! -e ran || return 1
	done &&
	run "[\"fact\", \"role\", \"=~\", \"(\"]" &&
	test_grep "regular expression" out
'

test_expect_success 'a filter nested past the codec depth bound is status 4' '
	deep=$WEB && i=0 &&
	while test $i -lt 40
	do
		deep="[\"not\", $deep]" && i=$((i + 1))
	done &&
	run "$deep" &&
	jq -e ".statuscode == 4 and (.statusmsg | test(\"deep\"))" out &&
	test ! -e ran
'

test_expect_success 'several requests on one stdin: filters apply to each' '
	rm -f ran &&
	{ "$REQ" -f "$DB" shell run command="$MARK" &&
	  "$REQ" -F rpcutil ping &&
	  "$REQ" -f "$WEB" shell run command="echo yes"; } | "$AGENT" | "$DUMP" >out &&
	jq -s -e ".[0].skipped == true and .[1].facts.facts.role == \"web\" and
	    .[2].data.stdout == \"yes\n\"" out &&
	test ! -e ran
'

test_expect_success 'filters and facts in one stream: exit 0, nothing on stderr (sanitizers too)' '
	{ "$REQ" -F -f "$DB" shell run command="$MARK" &&
	  "$REQ" -F -f "[\"or\", $WEB, [\"class\", \"^b\", true]]" rpcutil ping &&
	  "$REQ" -f "[\"fact\", \"role\", \"=~\", \"(\"]" rpcutil ping &&
	  "$REQ" -f "[\"fact\", \"role\", \"=~\", \"^w\"]" rpcutil inventory &&
	  "$REQ" -f "[\"nope\"]" rpcutil ping; } >reqs &&
	"$AGENT" <reqs >raw 2>err &&
	test_must_be_empty err &&
	"$DUMP" <raw >out &&
	test $(wc -l <out) -eq 5
'

test_done
