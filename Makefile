# covet: one C core, two extensions.
#
#   make            build the PostgreSQL extension (covet_pg.so), the
#                   SQLite extension (covet.so, for ".load ./covet") and
#                   the command ./covet (libpq, with the SQLite extension
#                   linked in)
#   make install    install the PostgreSQL extension (as root), and the
#                   command with its man page into $(CLI_PREFIX) (default
#                   /usr/local: bin/covet, share/man/man1/covet.1)
#   make covet      the command alone
#   make demo       apply examples/ to a SQLite file with the command and
#                   print its status
#   make test       install what the tests need (as root), run every suite
#   make bench      print the benchmarks
#   make fuzz       fuzz every parser (test/fuzz/, clang's libFuzzer with
#                   ASan and UBSan) for FUZZ_SECONDS (default 60) seconds
#                   per target; "make test" runs their corpora once
#
# The SQLite half builds without PostgreSQL's development files, so "make
# covet.so" and "make demo" work on a machine with SQLite only; without
# libpq-fe.h (Debian's libpq-dev) ./covet is built for SQLite alone and
# says so when given a PostgreSQL URL.

all:

EXTENSION = covet
MODULE_big = covet_pg
DATA = sql/covet--0.1.0.sql sql/covet--0.1.0--0.2.0.sql
PGFILEDESC = "covet - schema and data migrations inside the database"

CORE_SRC = $(sort $(wildcard src/core/*.c))
CORE_HDR = $(wildcard src/core/*.h)
PG_SRC = $(sort $(wildcard src/pg/*.c))
SQLITE_SRC = $(sort $(wildcard sqlite_ext/*.c))

OBJS = $(CORE_SRC:.c=.o) $(PG_SRC:.c=.o)

# Fixture formats: libyaml (YAML), yajl (streaming JSON), libcsv (CSV).
FORMAT_LIBS = -lyaml -lyajl -lcsv
SHLIB_LINK = $(FORMAT_LIBS)

REGRESS = $(basename $(notdir $(sort $(wildcard sql/[!c]*.sql))))
REGRESS_OPTS = --load-extension=covet

WARN = -Wall -Wextra -Werror
PG_CPPFLAGS = -Isrc/core
PG_CFLAGS = $(WARN) -Wno-unused-parameter -Wno-sign-compare -Wno-missing-field-initializers -Isrc/core
EXTRA_CLEAN = covet.so covet build test/core/*.t test/core/*.o test/core/obj demo.db

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
# No LLVM bitcode: JIT buys nothing here.  PGXS decides while it is being
# read, so the setting must be an override made before the include.
override with_llvm = no

ifneq ($(PGXS),)
include $(PGXS)
all: covet.so covet
install: install-covet
else
all: covet.so covet
	@echo "pg_config not found: built the SQLite extension and the command only" >&2
install: install-covet
clean:
	rm -rf $(EXTRA_CLEAN)
endif

$(OBJS): $(CORE_HDR)

# --- SQLite extension -------------------------------------------------------
SQLITE_CFLAGS = -O2 -g -fPIC -std=c11 -D_GNU_SOURCE $(WARN) -Wdeclaration-after-statement -Isrc/core

covet.so: $(CORE_SRC) $(CORE_HDR) $(SQLITE_SRC) $(wildcard sqlite_ext/*.h)
	$(CC) $(SQLITE_CFLAGS) -shared -o $@ $(CORE_SRC) $(SQLITE_SRC) $(FORMAT_LIBS)

# --- the covet command -------------------------------------------------------
# src/cli/ with src/core and sqlite_ext compiled in (-DSQLITE_CORE: the
# extension's sqlite3ext.h calls are direct calls; it is registered with
# sqlite3_auto_extension, nothing is loaded).  Objects go to build/cli/.
CLI_SRC = $(sort $(wildcard src/cli/*.c))
CLI_ALL_SRC = $(CORE_SRC) $(SQLITE_SRC) $(CLI_SRC)
CLI_OBJS = $(patsubst %.c,build/cli/%.o,$(CLI_ALL_SRC))
LIBPQ_INCDIR := $(shell $(PG_CONFIG) --includedir 2>/dev/null)
LIBPQ_HDR := $(firstword $(wildcard $(LIBPQ_INCDIR)/libpq-fe.h /usr/include/postgresql/libpq-fe.h))
ifneq ($(LIBPQ_HDR),)
CLI_PQ_CFLAGS = -I$(dir $(LIBPQ_HDR))
CLI_PQ_LIBS = -lpq
else
CLI_PQ_CFLAGS = -DCOVET_CLI_NO_LIBPQ
CLI_PQ_LIBS =
endif
CLI_CFLAGS = -O2 -g -std=c11 -D_GNU_SOURCE -DSQLITE_CORE $(WARN) -Wdeclaration-after-statement \
	-Isrc/core -Isrc/cli -Isqlite_ext $(CLI_PQ_CFLAGS) -pthread
CLI_PREFIX ?= /usr/local
CLI_BINDIR ?= $(CLI_PREFIX)/bin
CLI_MANDIR ?= $(CLI_PREFIX)/share/man

build/cli/%.o: %.c $(CORE_HDR) $(wildcard sqlite_ext/*.h) $(wildcard src/cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CLI_CFLAGS) -c -o $@ $<

covet: $(CLI_OBJS)
ifeq ($(LIBPQ_HDR),)
	@echo "libpq-fe.h not found (Debian: libpq-dev): ./covet is built for SQLite only" >&2
endif
	$(CC) $(CLI_CFLAGS) -o $@ $(CLI_OBJS) $(CLI_PQ_LIBS) -lsqlite3 $(FORMAT_LIBS) -lm

.PHONY: install-covet
install-covet: covet
	install -d $(DESTDIR)$(CLI_BINDIR) $(DESTDIR)$(CLI_MANDIR)/man1
	install -m 755 covet $(DESTDIR)$(CLI_BINDIR)/covet
	install -m 644 doc/covet.1 $(DESTDIR)$(CLI_MANDIR)/man1/covet.1

# --- core unit tests (TAP) --------------------------------------------------
CORE_TESTS = $(patsubst %.c,%.t,$(filter-out test/core/tap.c,$(wildcard test/core/*.c)))

# Built with AddressSanitizer and UndefinedBehaviorSanitizer (libasan and
# libubsan come with Debian's gcc): an overflow, a leak, a misaligned or
# otherwise undefined access stops the test with a report instead of passing.
# The core is compiled once into test/core/obj/ and linked into each test.
CORE_TEST_SAN = -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer
CORE_TEST_CFLAGS = -O0 -g -std=c11 -D_GNU_SOURCE $(WARN) $(CORE_TEST_SAN) -Isrc/core -Itest/core
CORE_TEST_OBJS = $(patsubst src/core/%.c,test/core/obj/%.o,$(CORE_SRC)) test/core/obj/tap.o

test/core/obj/%.o: src/core/%.c $(CORE_HDR)
	@mkdir -p test/core/obj
	$(CC) $(CORE_TEST_CFLAGS) -c -o $@ $<

test/core/obj/tap.o: test/core/tap.c test/core/tap.h $(CORE_HDR)
	@mkdir -p test/core/obj
	$(CC) $(CORE_TEST_CFLAGS) -c -o $@ $<

test/core/%.t: test/core/%.c test/core/tap.h $(CORE_TEST_OBJS)
	$(CC) $(CORE_TEST_CFLAGS) -o $@ $< $(CORE_TEST_OBJS) $(FORMAT_LIBS)

core-tests: $(CORE_TESTS)

# --- the covet command's progress display: test programs --------------------
# test/cli/progress_format.t (the pure formatting, with ASan and UBSan) and
# test/cli/progress_drive.t (progress.c and watch.c driven without a
# database; run under a pseudo-terminal and valgrind by progress_pty.sh).
CLI_PROGRESS_SRC = src/cli/progress.c src/cli/watch.c
CLI_PROGRESS_HDR = src/cli/cli.h src/cli/progress.h
CLI_PROGRESS_CFLAGS = -O0 -g -std=c11 -D_GNU_SOURCE $(WARN) -Wdeclaration-after-statement -Isrc/cli
CLI_PROGRESS_TESTS = test/cli/progress_format.t test/cli/progress_drive.t
EXTRA_CLEAN += $(CLI_PROGRESS_TESTS)

test/cli/progress_format.t: test/cli/progress_format.c $(CLI_PROGRESS_SRC) $(CLI_PROGRESS_HDR)
	$(CC) $(CLI_PROGRESS_CFLAGS) $(CORE_TEST_SAN) -o $@ $< $(CLI_PROGRESS_SRC) -lm -lpthread

test/cli/progress_drive.t: test/cli/progress_drive.c $(CLI_PROGRESS_SRC) $(CLI_PROGRESS_HDR)
	$(CC) $(CLI_PROGRESS_CFLAGS) -o $@ $< $(CLI_PROGRESS_SRC) -lm -lpthread

cli-progress-tests: $(CLI_PROGRESS_TESTS)

.PHONY: demo test bench core-tests fuzz cli-progress-tests

demo:
	@bash test/scripts/deps.sh sqlite
	@$(MAKE) --no-print-directory covet.so covet
	@bash examples/demo.sh

test:
	@bash test/run-all.sh

bench:
	@bash test/bench/run.sh

fuzz:
	@bash test/fuzz/run.sh fuzz
