#!/bin/sh
test_description='the filter and policy parsers under libFuzzer, briefly (make fuzz runs them longer)'
TEST_NO_FLEET=1
. "$(dirname "$0")/test-lib.sh"

# Seconds of fuzzing; make fuzz and MUSTER_FUZZ_SECONDS run longer.
SECONDS_RUN=${MUSTER_FUZZ_SECONDS:-15}

test_expect_success 'the filter fuzzer builds with clang and libFuzzer' '
	command -v clang >/dev/null &&
	clang -std=gnu11 -I"$TOP/include" -D_GNU_SOURCE -O1 -g \
	    -fsanitize=fuzzer,address,undefined \
	    -o fuzz-filter "$TOP/tests/fuzz/fuzz-filter.c" \
	    "$TOP"/lib/*.c $(pkg-config --cflags --libs msgpack libpcre2-8) 2>build.log ||
	    { cat build.log; false; }
'

test_expect_success "the filter parser survives $SECONDS_RUN s of fuzzing" '
	mkdir corpus &&
	for s in "role=web" "(a or b) and not c=/x\\/y/" "x>=1.2-3 agent(p) !y" \
	    "\"q\\\"\" or (((z)))" "k=~^a.*\$ && l<2 || m!=n"; do
		printf "%s" "$s" >corpus/$(printf "%s" "$s" | md5sum | cut -c1-8)
	done &&
	./fuzz-filter -max_total_time="$SECONDS_RUN" -max_len=512 \
	    -artifact_prefix=./ corpus >fuzz.log 2>&1 ||
	    { tail -n 30 fuzz.log; false; }
'

test_expect_success 'the policy fuzzer builds' '
	clang -std=gnu11 -I"$TOP/include" -D_GNU_SOURCE -O1 -g \
	    -fsanitize=fuzzer,address,undefined \
	    -o fuzz-policy "$TOP/tests/fuzz/fuzz-policy.c" \
	    "$TOP"/lib/*.c $(pkg-config --cflags --libs msgpack libpcre2-8) 2>build.log ||
	    { cat build.log; false; }
'

test_expect_success "the policy parser survives $SECONDS_RUN s of fuzzing" '
	mkdir pcorpus &&
	printf "policy default deny\nallow  ops  install update  role=web  *\n" >pcorpus/a &&
	printf "deny\tfleet\trun\tenv=prod\trole::db\nallow fleet run * *\n" >pcorpus/b &&
	printf "# c\r\npolicy default allow\nallow  * ops  *  (x\n" >pcorpus/c &&
	./fuzz-policy -max_total_time="$SECONDS_RUN" -max_len=1024 \
	    -artifact_prefix=./ pcorpus >pfuzz.log 2>&1 ||
	    { tail -n 30 pfuzz.log; false; }
'

test_done
