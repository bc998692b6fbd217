#!/usr/bin/env bash
# sqlite_ubsan.sh: the SQLite extension built with UndefinedBehaviorSanitizer
# runs every test/sqlite/NAME.sql with the same output and no report (TAP).
#
# What it proves: covet.so compiled with -fsanitize=undefined (alignment
# included), float-cast-overflow (a double too large for the integer it
# becomes, which -fsanitize=undefined leaves out in gcc) and
# -fno-sanitize-recover=all, loaded by the sqlite3 shell in
# place of ./covet, makes no misaligned access (SQLite's allocator gives 8-byte
# alignment, not 16: the per-call memory blocks of sqlite_driver.c must align
# what they hand out themselves), no signed overflow, no shift out of range,
# no call through a wrong function type; the first such access aborts the
# shell, so the output differs from test/sqlite/expected/NAME.out and a
# "runtime error" is shown.
#
# Needs gcc's libubsan (Debian's gcc brings it); builds into a temporary
# directory and leaves ./covet.so alone.
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
export LC_ALL=C.UTF-8

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# -O1: fast enough, and the checks stay in place (-O2 may fold some away).
if ! ${CC:-cc} -O1 -g -fPIC -std=c11 -D_GNU_SOURCE -Isrc/core \
	-fsanitize=undefined,float-cast-overflow -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-shared -o "$TMP/covet.so" src/core/*.c sqlite_ext/*.c \
	-lyaml -lyajl -lcsv >"$TMP/build.log" 2>&1; then
	echo "Bail out! the UBSan build of covet.so failed: $(head -n 5 "$TMP/build.log")"
	exit 1
fi
ok "covet.so builds with -fsanitize=undefined"

export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=0:exitcode=77

for f in test/sqlite/*.sql; do
	name=$(basename "$f" .sql)
	work=$(mktemp -d -p "$TMP")
	sed "s#^\.load \./covet\$#.load $TMP/covet#" "$f" >"$TMP/$name.sql"
	COVET_TMP=$work timeout -k 10 300 sqlite3 :memory: <"$TMP/$name.sql" \
		>"$TMP/$name.out" 2>&1
	rc=$?
	sed -i "s#$work#\$COVET_TMP#g" "$TMP/$name.out"
	reports=$(grep -A12 'runtime error' "$TMP/$name.out" | head -n 20)
	if [ -n "$reports" ]; then
		not_ok "$name.sql: no UBSan report" "$reports"
	elif ! diff -u "test/sqlite/expected/$name.out" "$TMP/$name.out" >"$TMP/$name.diff"; then
		not_ok "$name.sql: same output as test/sqlite/expected/$name.out (exit status $rc)" \
			"$(head -n 20 "$TMP/$name.diff")"
	else
		ok "$name.sql: same output, no UBSan report"
	fi
	rm -rf "$work"
done

done_testing
