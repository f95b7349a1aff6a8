# assist: build, test and install.
#   make                 build assistd, assist-cli and assist-audit into $(BUILD)/
#   make check           build and run every test (unit, fuzz corpus replay, end to end)
#   make check-unit      unit tests and fuzz corpus replay only
#   make SAN=1 BUILD=build-san check-unit   the same under ASan+UBSan
#   make fuzz            libFuzzer binaries (clang) into build-fuzz/
#   make install PREFIX=/usr/local DESTDIR= [SYSCONFDIR=/etc/assist]
#                [SYSLOG_PATH=/dev/log]
.SUFFIXES:

BUILD    ?= build
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
# The administrator's assistd.conf lives here; a build-time choice only.
SYSCONFDIR ?= /etc/assist
# The syslog socket assistd mirrors its transcripts to ("" for none); a
# build-time choice only, too.
SYSLOG_PATH ?= /dev/log
CC       ?= cc
PKG_CONFIG ?= pkg-config

VERSION  := 0.1.0

WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wpointer-arith \
            -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
            -Wno-unused-parameter
CFLAGS   ?= -O2 -g
DEFS     := -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
            -DASSIST_VERSION='"$(VERSION)"'
SYSCONF_DEF = -DASSIST_SYSCONFDIR='"$(SYSCONFDIR)"' \
              -DASSIST_SYSLOG_PATH='"$(SYSLOG_PATH)"'
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
endif

PKGS_COMMON := libssh libcrypto zlib
PKGS_D      := $(PKGS_COMMON) libseccomp x11 xext xdamage xfixes xrandr \
               xtst pixman-1
PKGS_CLI    := $(PKGS_COMMON) x11 xext
PKGS_TEST   := $(PKGS_D) cmocka

pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1))
pc_libs   = $(shell $(PKG_CONFIG) --libs $(1))

ALL_CFLAGS = $(WARN) $(DEFS) -I. $(CFLAGS) $(SANFLAGS) \
             $(call pc_cflags,$(PKGS_TEST))
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

COMMON_SRC := $(sort $(wildcard common/*.c))
D_SRC      := $(sort $(wildcard assistd/*.c))
CLI_SRC    := $(sort $(wildcard assist-cli/*.c))
UNIT_SRC   := $(sort $(wildcard tests/unit/test_*.c))
HELPER_SRC := $(sort $(wildcard tests/helpers/*.c))
FUZZ_SRC   := $(sort $(wildcard tests/fuzz/fuzz_*.c))

# Objects live under $(OBJ): $(BUILD)/assistd is the program itself.
OBJ        := $(BUILD)/obj
COMMON_OBJ := $(COMMON_SRC:%.c=$(OBJ)/%.o)
D_OBJ      := $(D_SRC:%.c=$(OBJ)/%.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(OBJ)/%.o)
D_LIBOBJ   := $(filter-out $(OBJ)/assistd/main.o,$(D_OBJ))
CLI_LIBOBJ := $(filter-out $(OBJ)/assist-cli/main.o,$(CLI_OBJ))

LIBCOMMON  := $(BUILD)/libcommon.a
LIBD       := $(BUILD)/libassistd.a
LIBCLI     := $(BUILD)/libassistcli.a

UNIT_BIN   := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
HELPER_BIN := $(HELPER_SRC:tests/helpers/%.c=$(BUILD)/tests/%)
FUZZ_BIN   := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/tests/%)

PROGS := $(BUILD)/assistd $(BUILD)/assist-cli $(BUILD)/assist-audit

all: $(PROGS)

$(OBJ)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBCOMMON): $(COMMON_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBD): $(D_LIBOBJ)
	rm -f $@ && ar rcs $@ $^

$(LIBCLI): $(CLI_LIBOBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/assistd: $(OBJ)/assistd/main.o $(LIBD) $(LIBCOMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(PKGS_D))

# Only main.c uses SYSCONFDIR and SYSLOG_PATH (see common/srvconfig.h).
$(OBJ)/assistd/main.o: ALL_CFLAGS += $(SYSCONF_DEF)

# A copy of assistd whose administrator file is under SYSCONFDIR (and
# whose syslog socket is SYSLOG_PATH), for the e2e tests (there is
# deliberately no run-time option for either):
#   make BUILD=build SYSCONFDIR=/tmp/x [SYSLOG_PATH=/tmp/x/log] \
#        SYSCONF_OUT=/tmp/x/assistd sysconf-assistd
sysconf-assistd: $(LIBD) $(LIBCOMMON)
	@test -n "$(SYSCONF_OUT)" || { echo "set SYSCONF_OUT" >&2; exit 1; }
	$(CC) $(ALL_CFLAGS) $(SYSCONF_DEF) -c -o $(SYSCONF_OUT).o assistd/main.c
	$(CC) $(ALL_LDFLAGS) -o $(SYSCONF_OUT) $(SYSCONF_OUT).o $(LIBD) \
	  $(LIBCOMMON) $(call pc_libs,$(PKGS_D))
	rm -f $(SYSCONF_OUT).o

# assist-cli mirrors its own transcripts to the same syslog socket.
$(OBJ)/assist-cli/main.o: ALL_CFLAGS += -DASSIST_SYSLOG_PATH='"$(SYSLOG_PATH)"'

$(BUILD)/assist-cli: $(OBJ)/assist-cli/main.o $(LIBCLI) $(LIBCOMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(PKGS_CLI))

# The administrator's transcript checker: common/ only.
$(BUILD)/assist-audit: $(OBJ)/tools/assist-audit.o $(LIBCOMMON)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,libcrypto)

TEST_LIBS = $(LIBD) $(LIBCLI) $(LIBCOMMON)

$(BUILD)/tests/test_%: $(OBJ)/tests/unit/test_%.o $(TEST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(PKGS_TEST))

$(BUILD)/tests/fuzz_%: $(OBJ)/tests/fuzz/fuzz_%.o $(OBJ)/tests/fuzz/replay.o $(TEST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(PKGS_D))

$(BUILD)/tests/%: $(OBJ)/tests/helpers/%.o $(TEST_LIBS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,$(PKGS_D))

tests: $(PROGS) $(UNIT_BIN) $(HELPER_BIN) $(FUZZ_BIN)

deps:
	./scripts/install-deps

# Installs what is missing first, so `make check` works on a fresh machine.
check: deps
	$(MAKE) tests
	sh tests/run.sh $(BUILD) all

check-unit: $(UNIT_BIN) $(FUZZ_BIN)
	sh tests/run.sh $(BUILD) unit

# End-to-end only; E2E="name ..." picks scripts.
check-e2e: tests
	sh tests/run.sh $(BUILD) e2e $(E2E)

demo: deps
	$(MAKE) all
	sh tests/demo.sh $(BUILD)

# The CA tool (a script) goes with `make install`, and so do the section 5
# pages when there are any (man/*.1, assist-ca.1 included, go above).
install: install-ca
install-ca:
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 keys/assist-ca $(DESTDIR)$(BINDIR)/
	$(if $(wildcard man/*.5),install -d $(DESTDIR)$(MANDIR)/man5 && \
	  install -m 0644 $(wildcard man/*.5) $(DESTDIR)$(MANDIR)/man5/)
.PHONY: install-ca

# libFuzzer builds (clang): one binary per tests/fuzz/fuzz_*.c.
FUZZ_BUILD := build-fuzz
fuzz:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang \
	  SANFLAGS='-fsanitize=fuzzer-no-link,address,undefined' \
	  $(FUZZ_BUILD)/libassistd.a $(FUZZ_BUILD)/libassistcli.a \
	  $(FUZZ_BUILD)/libcommon.a
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  echo "clang $$n"; \
	  clang $(WARN) $(DEFS) -I. -g -O1 -fsanitize=fuzzer,address,undefined \
	    $(call pc_cflags,$(PKGS_TEST)) -o $(FUZZ_BUILD)/$$n $$f \
	    $(FUZZ_BUILD)/libassistd.a $(FUZZ_BUILD)/libassistcli.a \
	    $(FUZZ_BUILD)/libcommon.a \
	    $(call pc_libs,$(PKGS_D)) || exit 1; done

install: $(PROGS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	  $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(PROGS) $(DESTDIR)$(BINDIR)/
	install -m 0644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/*.5 $(DESTDIR)$(MANDIR)/man5/

clean:
	rm -rf build build-san build-fuzz

.PHONY: all deps tests check check-unit check-e2e demo fuzz install clean \
        sysconf-assistd

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
