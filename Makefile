# muster: top-level Makefile.
#
#   make            build build/muster and build/muster-agent
#   make check      install missing packages, build with -Werror, run tests
#   make check-asan the same under AddressSanitizer and UBSan (build-asan/)
#   make demo       install, build, start a local fleet and run a tour
#   make bench      muster against pdsh on a local fleet (bench/fanout)
#   make install    PREFIX=/usr/local DESTDIR=
#   make uninstall  the same variables: removes what install put there
#
# Knobs: DEVELOPER=1 adds -Werror, SANITIZE=address,undefined, V=1 verbose;
# CPPFLAGS, CFLAGS and LDFLAGS are honoured.

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
LIBEXECDIR	?= $(PREFIX)/libexec/muster
DATADIR		?= $(PREFIX)/share
MANDIR		?= $(DATADIR)/man
BASHCOMPDIR	?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR	?= $(DATADIR)/zsh/site-functions
DESTDIR		?=
BUILD		?= build
# Where the client looks for muster-agent on every host unless told
# otherwise (--agent-path, agent_path): where install puts it. DESIGN's
# /usr/libexec/muster/muster-agent is what PREFIX=/usr gives.
AGENT_PATH	?= $(LIBEXECDIR)/muster-agent
# Where the agents' DDL files are installed, and the client reads them.
DDLDIR		?= $(DATADIR)/muster/ddl
DDL_FILES	 = $(notdir $(wildcard ddl/*.json))

CC		?= cc
PKG_CONFIG	?= pkg-config
CLIENT_PKGS	 = libssh2 libevent msgpack ncurses jansson libcrypto \
		   libpcre2-8
AGENT_PKGS	 = msgpack libpcre2-8 yaml-0.1

WARNINGS = -Wall -Wextra -Wformat=2 -Wmissing-prototypes \
	-Wstrict-prototypes -Wshadow -Wwrite-strings -Wvla \
	-Wimplicit-fallthrough
CFLAGS		?= -O2 -g
# The shared library (lib/) and the agent (agents/) see include/ only;
# the client, its unit tests and test tools also src/.
BASE_CPPFLAGS	 = -Iinclude -D_GNU_SOURCE $(CPPFLAGS)
ALL_CPPFLAGS	 = -Iinclude -Isrc -D_GNU_SOURCE \
		   -DMUSTER_AGENT_PATH='"$(AGENT_PATH)"' \
		   -DMUSTER_DDL_DIR='"$(DDLDIR)"' $(CPPFLAGS)
ALL_CFLAGS	 = -std=gnu11 $(WARNINGS) $(CFLAGS)
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
QUIET_AR	 = @echo "  AR      $@";
endif

# Shared by both programs, lib/ is the library libmuster.a both link: the
# codec, the protocol, allocation, logging, the terminal filter and the
# name rules (validate.h). Both sides then check names with one code.
# Its headers are in include/; it never sees the client's src/.
SHARED_SRCS	 = $(sort $(wildcard lib/*.c))
CLIENT_SRCS	 = $(sort $(wildcard src/*.c))
AGENT_SRCS	 = $(sort $(wildcard agents/*.c))
UNIT_SRCS	 = $(sort $(wildcard tests/unit/test-*.c))
TOOL_SRCS	 = $(sort $(wildcard tests/tools/*.c))

CLIENT_OBJS	 = $(CLIENT_SRCS:%.c=$(BUILD)/%.o)
SHARED_OBJS	 = $(SHARED_SRCS:%.c=$(BUILD)/%.o)
AGENT_OBJS	 = $(AGENT_SRCS:%.c=$(BUILD)/%.o)
LIBMUSTER	 = $(BUILD)/libmuster.a
# Everything of the client but main(), for the unit tests.
LIB_OBJS	 = $(filter-out $(BUILD)/src/muster.o,$(CLIENT_OBJS)) \
		   $(SHARED_OBJS)
UNIT_BINS	 = $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_BINS	 = $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tests/%)

# Quiet here (this runs for every target, make deps too); libs-ok shows
# pkg-config's own errors before anything is compiled.
CLIENT_CFLAGS	 = $(shell $(PKG_CONFIG) --cflags $(CLIENT_PKGS) 2>/dev/null)
CLIENT_LIBS	 = $(shell $(PKG_CONFIG) --libs $(CLIENT_PKGS) 2>/dev/null)
AGENT_CFLAGS	 = $(shell $(PKG_CONFIG) --cflags $(AGENT_PKGS) 2>/dev/null)
AGENT_LIBS	 = $(shell $(PKG_CONFIG) --libs $(AGENT_PKGS) 2>/dev/null)
CMOCKA_LIBS	 = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

# The Debian package that ships each pkg-config module.
DEB_libssh2	 = libssh2-1-dev
DEB_libevent	 = libevent-dev
DEB_msgpack	 = libmsgpack-dev
DEB_ncurses	 = libncurses-dev
DEB_jansson	 = libjansson-dev
DEB_libcrypto	 = libssl-dev
DEB_libpcre2-8	 = libpcre2-dev
DEB_cmocka	 = libcmocka-dev
DEB_yaml-0.1	 = libyaml-dev
# $(call libs_check,MODULES): a shell line that shows pkg-config's error
# for each module it cannot find and fails naming the packages to install.
libs_check = missing=; \
	$(foreach p,$(1),$(PKG_CONFIG) --print-errors --exists $(p) || \
	    missing="$$missing $(DEB_$(p))";) \
	if [ -n "$$missing" ]; then \
		echo "make: pkg-config cannot find the libraries above;" \
		    "install:$$missing (make deps does, as root)" >&2; \
		exit 1; \
	fi

all: $(BUILD)/muster $(BUILD)/muster-agent

$(LIBMUSTER): $(SHARED_OBJS)
	$(QUIET_AR)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/muster: $(CLIENT_OBJS) $(LIBMUSTER)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(CLIENT_LIBS)

$(BUILD)/muster-agent: $(AGENT_OBJS) $(LIBMUSTER)
	$(QUIET_LINK)$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(AGENT_LIBS)

$(BUILD)/src/%.o: src/%.c | libs-ok
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(CLIENT_CFLAGS) \
		-MMD -MP -c -o $@ $<

# The library and the agent: no client header within reach.
$(BUILD)/lib/%.o: lib/%.c | libs-ok
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(BASE_CPPFLAGS) $(ALL_CFLAGS) $(CLIENT_CFLAGS) \
		-MMD -MP -c -o $@ $<
$(BUILD)/agents/%.o: agents/%.c | libs-ok
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(BASE_CPPFLAGS) $(ALL_CFLAGS) $(CLIENT_CFLAGS) \
		$(AGENT_CFLAGS) \
		-MMD -MP -c -o $@ $<

# The default agent path and DDL directory are compiled into the client:
# rebuild it when they change (make install PREFIX=... after make), as git
# does with GIT-CFLAGS. The file is rewritten only when its content changes.
$(BUILD)/AGENT-PATH: FORCE
	@mkdir -p $(BUILD)
	@printf '%s\n' '$(AGENT_PATH)' '$(DDLDIR)' | cmp -s - $@ || \
		printf '%s\n' '$(AGENT_PATH)' '$(DDLDIR)' >$@
$(CLIENT_OBJS): $(BUILD)/AGENT-PATH

$(BUILD)/tests/test-%: tests/unit/test-%.c $(LIB_OBJS) | libs-ok-tests
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(CLIENT_CFLAGS) \
		-o $@ $^ $(ALL_LDFLAGS) $(CLIENT_LIBS) \
		$(CMOCKA_LIBS)

# Test tools: libc, and msgpack-c for the reply dumper.
$(BUILD)/tests/%: tests/tools/%.c | libs-ok
	@mkdir -p $(dir $@)
	$(QUIET_LINK)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(CLIENT_CFLAGS) \
		-o $@ $< $(ALL_LDFLAGS) $(AGENT_LIBS)

libs-ok:
	@$(call libs_check,$(CLIENT_PKGS) $(filter-out $(CLIENT_PKGS),$(AGENT_PKGS)))
libs-ok-tests:
	@$(call libs_check,cmocka)

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
	@$(MAKE) -s --no-print-directory all $(BUILD)/tests/pid-daemon
	@BUILD=$(BUILD) sh tests/demo.sh

bench: deps
	@sh tests/install-deps.sh pdsh
	@$(MAKE) --no-print-directory all
	@BUILD=$(BUILD) sh bench/fanout

# Every file install puts in place, for uninstall.
INSTALLED	 = $(BINDIR)/muster $(LIBEXECDIR)/muster-agent \
		   $(MANDIR)/man1/muster.1 $(MANDIR)/man8/muster-agent.8 \
		   $(BASHCOMPDIR)/muster $(ZSHCOMPDIR)/_muster \
		   $(addprefix $(DDLDIR)/,$(DDL_FILES))

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(DDLDIR)
	install -m 755 $(BUILD)/muster $(DESTDIR)$(BINDIR)/muster
	install -m 755 $(BUILD)/muster-agent $(DESTDIR)$(LIBEXECDIR)/muster-agent
	install -m 644 man/muster.1 $(DESTDIR)$(MANDIR)/man1/muster.1
	install -m 644 man/muster-agent.8 $(DESTDIR)$(MANDIR)/man8/muster-agent.8
	install -m 644 completion/muster.bash $(DESTDIR)$(BASHCOMPDIR)/muster
	install -m 644 completion/_muster $(DESTDIR)$(ZSHCOMPDIR)/_muster
	install -m 644 $(addprefix ddl/,$(DDL_FILES)) $(DESTDIR)$(DDLDIR)

# The files install put in place, and muster's own directories if empty.
uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	@case '$(LIBEXECDIR)' in */muster) \
		rmdir '$(DESTDIR)$(LIBEXECDIR)' 2>/dev/null || :;; esac
	@case '$(DDLDIR)' in */muster/ddl) \
		rmdir '$(DESTDIR)$(DDLDIR)' 2>/dev/null && \
		rmdir '$(DESTDIR)$(dir $(DDLDIR))' 2>/dev/null || :;; esac

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
		clang -std=gnu11 $(ALL_CPPFLAGS) -O1 -g \
		    -fsanitize=fuzzer,address,undefined -o build-fuzz/$$t \
		    tests/fuzz/$$t.c $(LIB_OBJS:$(BUILD)/%=build-fuzz/%) \
		    $(CLIENT_LIBS) || exit 1; \
		mkdir -p build-fuzz/corpus-$$t; \
		build-fuzz/$$t -max_total_time=$(FUZZ_SECONDS) \
		    -artifact_prefix=build-fuzz/ build-fuzz/corpus-$$t || exit 1; \
	done

.PHONY: all tests deps check check-asan demo bench install uninstall clean \
	fuzz libs-ok libs-ok-tests FORCE

-include $(CLIENT_OBJS:.o=.d) $(AGENT_OBJS:.o=.d) $(SHARED_OBJS:.o=.d)
