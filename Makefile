# muster: top-level Makefile.
#
#   make            build build/muster and build/muster-agent
#   make check      install missing packages, build with -Werror, run tests
#   make check-asan the same under AddressSanitizer and UBSan (build-asan/)
#   make demo       install, build, start a local fleet and run a tour
#   make bench      muster against pdsh on a local fleet (bench/fanout)
#   make install    PREFIX=/usr/local DESTDIR=
#
# Knobs: DEVELOPER=1 adds -Werror, SANITIZE=address,undefined, V=1 verbose.

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
# The agent goes where the client looks for it on every host by default
# (DESIGN section 4), whatever PREFIX is.
LIBEXECDIR	?= /usr/libexec/muster
DATADIR		?= $(PREFIX)/share
MANDIR		?= $(DATADIR)/man
DESTDIR		?=
BUILD		?= build

CC		?= cc
PKG_CONFIG	?= pkg-config
CLIENT_PKGS	 = libssh2 libevent msgpack ncurses jansson libcrypto
AGENT_PKGS	 = msgpack

WARNINGS = -Wall -Wextra -Wformat=2 -Wmissing-prototypes \
	-Wstrict-prototypes -Wshadow -Wwrite-strings -Wvla \
	-Wimplicit-fallthrough
CFLAGS		?= -O2 -g
ALL_CFLAGS	 = -std=gnu11 $(WARNINGS) $(CFLAGS) -Iinclude -Isrc \
		   -D_GNU_SOURCE
ALL_LDFLAGS	 = $(LDFLAGS)
ifdef DEVELOPER
ALL_CFLAGS	+= -Werror
endif
ifdef SANITIZE
ALL_CFLAGS	+= -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all
ALL_LDFLAGS	+= -fsanitize=$(SANITIZE)
endif
ifndef V
QUIET_CC	 = @echo "  CC      $@";
QUIET_LINK	 = @echo "  LINK    $@";
endif

# Shared by both programs: the codec, the protocol, allocation, logging.
SHARED_SRCS	 = src/wire.c src/proto.c src/xmalloc.c src/log.c \
		   src/sanitise.c
CLIENT_SRCS	 = $(sort $(wildcard src/*.c))
AGENT_SRCS	 = $(sort $(wildcard agents/*.c)) $(SHARED_SRCS)
UNIT_SRCS	 = $(sort $(wildcard tests/unit/test-*.c))
TOOL_SRCS	 = $(sort $(wildcard tests/tools/*.c))

CLIENT_OBJS	 = $(CLIENT_SRCS:%.c=$(BUILD)/%.o)
AGENT_OBJS	 = $(AGENT_SRCS:%.c=$(BUILD)/%.o)
# Everything of the client but main(), for the unit tests.
LIB_OBJS	 = $(filter-out $(BUILD)/src/muster.o,$(CLIENT_OBJS))
UNIT_BINS	 = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BINS	 = $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tests/%)

CLIENT_CFLAGS	 = $(shell $(PKG_CONFIG) --cflags $(CLIENT_PKGS) 2>/dev/null)
CLIENT_LIBS	 = $(shell $(PKG_CONFIG) --libs $(CLIENT_PKGS) 2>/dev/null)
AGENT_LIBS	 = $(shell $(PKG_CONFIG) --libs $(AGENT_PKGS) 2>/dev/null)
CMOCKA_LIBS	 = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

all: $(BUILD)/muster $(BUILD)/muster-agent

$(BUILD)/muster: $(CLIENT_OBJS)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(CLIENT_LIBS)

$(BUILD)/muster-agent: $(AGENT_OBJS)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(AGENT_LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(CLIENT_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/test-%: tests/unit/test-%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(CLIENT_CFLAGS) -o $@ $^ \
		$(ALL_LDFLAGS) $(CLIENT_LIBS) $(CMOCKA_LIBS)

# Test tools: libc, and msgpack-c for the reply dumper.
$(BUILD)/tests/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) $(CLIENT_CFLAGS) -o $@ $< \
		$(ALL_LDFLAGS) $(AGENT_LIBS)

tests: all $(UNIT_BINS) $(TOOL_BINS)

deps:
	@sh tests/install-deps.sh

# The test suite always builds with warnings as errors.
check: deps
	@$(MAKE) --no-print-directory DEVELOPER=1 tests
	@BUILD=$(BUILD) sh tests/run.sh

check-asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan DEVELOPER=1 \
		SANITIZE=address,undefined CFLAGS="-O1 -g" tests
	@BUILD=build-asan ASAN_OPTIONS=detect_leaks=1 MUSTER_TEST_SANITIZED=1 \
		sh tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh tests/demo.sh

bench: deps
	@sh tests/install-deps.sh pdsh
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh bench/fanout

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DATADIR)/bash-completion/completions \
		$(DESTDIR)$(DATADIR)/zsh/vendor-completions
	install -m 755 $(BUILD)/muster $(DESTDIR)$(BINDIR)/muster
	install -m 755 $(BUILD)/muster-agent $(DESTDIR)$(LIBEXECDIR)/muster-agent
	install -m 644 man/muster.1 $(DESTDIR)$(MANDIR)/man1/muster.1
	install -m 644 man/muster-agent.8 $(DESTDIR)$(MANDIR)/man8/muster-agent.8
	install -m 644 completion/muster.bash \
		$(DESTDIR)$(DATADIR)/bash-completion/completions/muster
	install -m 644 completion/_muster \
		$(DESTDIR)$(DATADIR)/zsh/vendor-completions/_muster

clean:
	rm -rf build build-asan build-fuzz

# libFuzzer targets for every decoder of remote input (clang needed):
# FUZZ_SECONDS each, corpus and crashes kept in build-fuzz/.
FUZZ_SECONDS	?= 60
FUZZ_TARGETS	 = $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz-*.c))
fuzz:
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link" \
		SANITIZE=address,undefined $(LIB_OBJS:$(BUILD)/%=build-fuzz/%)
	@for t in $(FUZZ_TARGETS); do \
		clang -std=gnu11 -D_GNU_SOURCE -Iinclude -Isrc -O1 -g \
		    -fsanitize=fuzzer,address,undefined -o build-fuzz/$$t \
		    tests/fuzz/$$t.c $(LIB_OBJS:$(BUILD)/%=build-fuzz/%) \
		    $(CLIENT_LIBS) || exit 1; \
		mkdir -p build-fuzz/corpus-$$t; \
		build-fuzz/$$t -max_total_time=$(FUZZ_SECONDS) \
		    -artifact_prefix=build-fuzz/ build-fuzz/corpus-$$t || exit 1; \
	done

.PHONY: all tests deps check check-asan demo bench install clean fuzz

-include $(CLIENT_OBJS:.o=.d) $(AGENT_OBJS:.o=.d)
