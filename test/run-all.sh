#!/usr/bin/env bash
# run-all.sh: the one test command ("make test").  Run it as root on a fresh
# Debian 12 from the repository root (make does that).
#
# What it proves, in order:
#   setup     the packages are there (test/scripts/deps.sh all), a clean
#             build passes with -Werror, the PostgreSQL extension installs
#   core      the C unit tests of src/core (test/core/*.t, TAP), built with
#             AddressSanitizer and UndefinedBehaviorSanitizer
#   fuzz      every fuzz target's corpus once (test/fuzz/run.sh corpus:
#             gcc with ASan and UBSan, one test per target)
#   layout    no file under src/core/ includes postgres.h or sqlite3.h
#             (and the check itself catches such an include)
#   sqlite    test/sqlite/NAME.sql through the sqlite3 shell matches
#             test/sqlite/expected/NAME.out; test/sqlite/*.py (TAP, Debian's
#             /usr/bin/python3); every NAME.sql again under valgrind (no
#             memory errors, no definite or indirect leaks, same output)
#   scripts   test/scripts/sqlite_*.sh (TAP: concurrency, kill -9, the test/sqlite
#             scripts against a UBSan build of covet.so)
#   cli       test/cli/*.sh except pg_*.sh (TAP): the covet command on SQLite
#             files, its progress display under a pseudo-terminal
#   postgres  inside one throw-away cluster (pg_virtualenv): pg_regress
#             ("make installcheck"), pgTAP (pg_prove), test/scripts/pg_*.sh,
#             test/cli/pg_*.sh (the covet command on PostgreSQL)
#
# Every check counts as one test; a TAP program counts its own "ok" and
# "not ok" lines, and a missing or short plan, a "Bail out!" or a crash
# counts as one more failure.  A step that fails is counted and the run goes
# on.  The last line of output is always "N passed, N failed"; the exit
# status is 0 only if nothing failed.
#
# Outputs are kept under results/ (results/sqlite/NAME.out and NAME.diff,
# results/logs/...).  Each NAME.sql runs with COVET_TMP set to a fresh
# empty directory; occurrences of that directory in the output are replaced
# by the text $COVET_TMP before the comparison.
#
# Internal use: "run-all.sh --pg-inner COUNTFILE" is what runs inside
# pg_virtualenv; it writes "PASSED FAILED" to COUNTFILE.
set -u
set -o pipefail

cd "$(dirname "$0")/.." || exit 1
ROOT=$(pwd)
export LC_ALL=C.UTF-8

TOTAL_PASS=0
TOTAL_FAIL=0
SUITE_PASS=0
SUITE_FAIL=0
PYTHON=/usr/bin/python3
STEP_TIMEOUT=${COVET_STEP_TIMEOUT:-300}
LOGS=$ROOT/results/logs

# --- counting ---------------------------------------------------------------

suite_begin() {
	SUITE_PASS=0
	SUITE_FAIL=0
	echo
	echo "=== $1"
}

suite_end() {
	echo "--- $1: $SUITE_PASS passed, $SUITE_FAIL failed"
	TOTAL_PASS=$((TOTAL_PASS + SUITE_PASS))
	TOTAL_FAIL=$((TOTAL_FAIL + SUITE_FAIL))
}

# pass NAME / fail NAME [REASON]: one test.
pass() {
	SUITE_PASS=$((SUITE_PASS + 1))
	echo "ok      $1"
}

fail() {
	SUITE_FAIL=$((SUITE_FAIL + 1))
	echo "FAILED  $1${2:+: $2}"
}

# show_excerpt FILE [LINES]: the end of a log, indented.
show_excerpt() {
	[ -f "$1" ] || return 0
	tail -n "${2:-30}" "$1" | sed 's/^/    | /'
}

# build_errors LOG: the compiler's and make's complaints in a build log.
build_errors() {
	local found
	found=$(grep -E -A3 '(error|warning):|\*\*\*' "$1" | awk '!seen[$0]++' | head -n 40)
	if [ -n "$found" ]; then
		printf '%s\n' "$found" | sed 's/^/    | /'
	else
		show_excerpt "$1" 5
	fi
}

# tap_tally NAME LOG RC: count a TAP program's output: lines "ok N" and
# "not ok N" (numbered, so that pg_prove's own "ok" verdict is not
# counted); "not ok N ... # TODO" is a pass.  See below for what else
# counts as a failure.
tap_tally() {
	local name=$1 log=$2 rc=$3 counts ok notok planned bail extra=""
	counts=$(awk '
		/^ok [0-9]+([ \t]|$)/ { ok++; next }
		/^not ok [0-9]+([ \t]|$)/ {
			if ($0 ~ /#[ \t]*[Tt][Oo][Dd][Oo]/) ok++; else notok++
			next
		}
		/^1\.\.[0-9]+/ { if (plan == "") { sub(/^1\.\./, ""); plan = $0 + 0 } ; next }
		/^Bail out!/ { bail = 1 }
		END { printf "%d %d %s %d\n", ok, notok, (plan == "" ? "-" : plan), bail }
	' "$log" 2>/dev/null)
	read -r ok notok planned bail <<<"${counts:-0 0 - 0}"
	SUITE_PASS=$((SUITE_PASS + ok))
	SUITE_FAIL=$((SUITE_FAIL + notok))
	# A missing plan or too many tests is one more failure; each planned
	# test that did not run is one.  "Bail out!", a timeout, death by a
	# signal or a non-zero exit make the program fail (one failure) if
	# nothing else did.
	local more=0
	if [ "$planned" = "-" ]; then
		extra="no plan"
		more=1
	elif [ $((ok + notok)) -lt "$planned" ]; then
		extra="planned $planned, ran $((ok + notok))"
		more=$((planned - ok - notok))
	elif [ $((ok + notok)) -gt "$planned" ]; then
		extra="planned $planned, ran $((ok + notok))"
		more=1
	fi
	[ "$bail" -ne 0 ] && extra="${extra:+$extra; }bailed out"
	if [ "$rc" -eq 124 ]; then
		extra="${extra:+$extra; }timed out"
	elif [ "$rc" -gt 128 ]; then
		extra="${extra:+$extra; }killed by signal $((rc - 128))"
	elif [ "$rc" -ne 0 ] && [ "$notok" -eq 0 ]; then
		extra="${extra:+$extra; }exit status $rc"
	fi
	if [ -n "$extra" ] && [ "$more" -eq 0 ] && [ "$notok" -eq 0 ]; then
		more=1
	fi
	SUITE_FAIL=$((SUITE_FAIL + more))
	if [ "$notok" -eq 0 ] && [ -z "$extra" ]; then
		echo "ok      $name ($ok tests)"
	else
		echo "FAILED  $name ($ok passed, $notok failed${extra:+; $extra})"
		# the failing lines and their diagnostics
		awk '
			/^not ok/ && !/#[ \t]*[Tt][Oo][Dd][Oo]/ { show = 1; print; next }
			/^#/ && show { print; next }
			{ show = 0 }
		' "$log" | head -n 60 | sed 's/^/    | /'
		if [ -n "$extra" ]; then
			show_excerpt "$log" 15
		fi
	fi
}

# run_tap NAME LOG CMD...: run a TAP program (with a time limit) and count it.
run_tap() {
	local name=$1 log=$2 rc
	shift 2
	(timeout -k 10 "$STEP_TIMEOUT" "$@" >"$log" 2>&1 </dev/null; exit $?) 2>/dev/null
	rc=$?
	tap_tally "$name" "$log" "$rc"
}

# --- PostgreSQL suites (inside pg_virtualenv) -------------------------------

# pg_regress: "test NAME ... ok" (PG 15), "     NAME ... FAILED",
# "ok N - NAME" / "not ok N - NAME" (PG 16 and later).
pg_regress_suite() {
	local log=$LOGS/installcheck.log rc counts ok bad
	if ! compgen -G "sql/[!c]*.sql" >/dev/null; then
		echo "(no pg_regress tests yet)"
		return
	fi
	timeout -k 10 "$STEP_TIMEOUT" make --no-print-directory installcheck >"$log" 2>&1 </dev/null
	rc=$?
	counts=$(awk '
		function name(s) { sub(/^(test|ok [0-9]+ +[-+]|not ok [0-9]+ +[-+])? */, "", s); sub(/ .*/, "", s); return s }
		/^(test +| +)?[^ \t]+ +\.\.\. +ok( |$)/ { ok++; print "ok      installcheck " name($0); next }
		/^(test +| +)?[^ \t]+ +\.\.\. +(FAILED|failed)/ { bad++; print "FAILED  installcheck " name($0); next }
		/^ok [0-9]+ +[-+] / { ok++; print "ok      installcheck " name($0); next }
		/^not ok [0-9]+ +[-+] / { bad++; print "FAILED  installcheck " name($0); next }
		END { printf "COUNT %d %d\n", ok, bad }
	' "$log")
	grep -v '^COUNT ' <<<"$counts"
	read -r _ ok bad <<<"$(grep '^COUNT ' <<<"$counts")"
	SUITE_PASS=$((SUITE_PASS + ok))
	SUITE_FAIL=$((SUITE_FAIL + bad))
	if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
		fail "installcheck" "make installcheck exited with status $rc"
		show_excerpt "$log" 30
	fi
	if [ "$rc" -ne 0 ] || [ "$bad" -ne 0 ]; then
		if [ -s regression.diffs ]; then
			echo "    regression.diffs (first 200 lines):"
			head -n 200 regression.diffs | sed 's/^/    | /'
		fi
	fi
}

pgtap_suite() {
	local f name log rc
	if ! compgen -G "test/pgtap/*.sql" >/dev/null; then
		echo "(no pgTAP tests yet)"
		return
	fi
	# One database; each test file runs in BEGIN ... ROLLBACK.  pgTAP is
	# installed here; the files create covet themselves (IF NOT EXISTS is
	# fine either way).
	psql -X -q -v ON_ERROR_STOP=1 -d postgres \
		-c "DROP DATABASE IF EXISTS covet_pgtap" \
		-c "CREATE DATABASE covet_pgtap" >"$LOGS/pgtap-setup.log" 2>&1 &&
		psql -X -q -v ON_ERROR_STOP=1 -d covet_pgtap \
			-c "CREATE EXTENSION pgtap" >>"$LOGS/pgtap-setup.log" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "pgtap setup" "could not create the test database"
		show_excerpt "$LOGS/pgtap-setup.log"
		return
	fi
	for f in test/pgtap/*.sql; do
		name=$(basename "$f" .sql)
		log=$LOGS/pgtap-$name.log
		run_tap "pgtap $name" "$log" pg_prove -v -d covet_pgtap "$f"
	done
}

pg_scripts_suite() {
	local f name
	if ! compgen -G "test/scripts/pg_*.sh" >/dev/null; then
		echo "(no PostgreSQL scripts yet)"
		return
	fi
	for f in test/scripts/pg_*.sh; do
		name=$(basename "$f" .sh)
		run_tap "script $name" "$LOGS/$name.log" bash "$f"
	done
}

pg_cli_suite() {
	local f name
	if ! compgen -G "test/cli/pg_*.sh" >/dev/null; then
		echo "(no PostgreSQL command tests yet)"
		return
	fi
	for f in test/cli/pg_*.sh; do
		name=$(basename "$f" .sh)
		run_tap "cli $name" "$LOGS/cli-$name.log" bash "$f"
	done
}

pg_inner() {
	local countfile=$1
	mkdir -p "$LOGS"
	suite_begin "postgres: pg_regress (make installcheck)"
	pg_regress_suite
	suite_end "pg_regress"
	suite_begin "postgres: pgTAP (pg_prove)"
	pgtap_suite
	suite_end "pgTAP"
	suite_begin "postgres: scripts (test/scripts/pg_*.sh)"
	pg_scripts_suite
	suite_end "postgres scripts"
	suite_begin "postgres: the covet command (test/cli/pg_*.sh)"
	pg_cli_suite
	suite_end "postgres cli"
	echo "$TOTAL_PASS $TOTAL_FAIL" >"$countfile"
}

if [ "${1:-}" = "--pg-inner" ]; then
	pg_inner "$2"
	exit 0
fi

# --- setup --------------------------------------------------------------------

# free_port: a TCP port nobody listens on, so that this run's cluster does not
# collide with another pg_virtualenv.
free_port() {
	local p
	for _ in $(seq 1 50); do
		p=$((20000 + (RANDOM % 20000)))
		[ -e "/var/run/postgresql/.s.PGSQL.$p" ] && continue
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	echo 25432
}

finish() {
	echo
	echo "$TOTAL_PASS passed, $TOTAL_FAIL failed"
	[ "$TOTAL_FAIL" -eq 0 ]
	exit $?
}

START=$(date +%s)
mkdir -p "$LOGS"

suite_begin "setup"
if bash test/scripts/deps.sh all; then
	pass "Debian packages (test/scripts/deps.sh all)"
else
	fail "Debian packages" "install them first (see above)"
	suite_end "setup"
	finish
fi

# A clean build: every file compiles again, so -Werror sees all of it.
make --no-print-directory clean >/dev/null 2>&1
mkdir -p "$LOGS"
if make --no-print-directory >"$LOGS/build.log" 2>&1; then
	pass "make (clean build, -Werror)"
else
	fail "make" "the build failed"
	build_errors "$LOGS/build.log"
	# the SQLite half may still build: run what can run
	make --no-print-directory covet.so >>"$LOGS/build.log" 2>&1
fi

# The PostgreSQL extension must be installed for the postgres suites.
PG_CONFIG_BIN=${PG_CONFIG:-pg_config}
PG_OK=1
if [ "$(id -u)" -eq 0 ]; then
	if make --no-print-directory install >"$LOGS/install.log" 2>&1; then
		pass "make install"
	else
		fail "make install"
		show_excerpt "$LOGS/install.log" 20
		PG_OK=0
	fi
else
	libdir=$($PG_CONFIG_BIN --pkglibdir 2>/dev/null)
	sharedir=$($PG_CONFIG_BIN --sharedir 2>/dev/null)
	if [ ! -f "$libdir/covet_pg.so" ] || [ ! -f "$sharedir/extension/covet.control" ]; then
		fail "make install" "not root, and the PostgreSQL extension is not installed: run \"make install\" (or \"make test\") as root"
		PG_OK=0
	elif cmp -s covet_pg.so "$libdir/covet_pg.so" &&
		cmp -s sql/covet--0.1.0--0.2.0.sql "$sharedir/extension/covet--0.1.0--0.2.0.sql"; then
		pass "extension installed (not root: using the installed copy, the same as this build)"
	else
		pass "extension installed (not root: using the installed copy)"
		echo "WARNING the installed extension differs from this build; the postgres suites test the installed one (run \"make install\" as root)"
	fi
fi
suite_end "setup"

# --- core -------------------------------------------------------------------

suite_begin "core: C unit tests (test/core/*.t)"
if make --no-print-directory core-tests >"$LOGS/core-build.log" 2>&1; then
	for t in test/core/*.t; do
		[ -e "$t" ] || {
			echo "(no core tests yet)"
			break
		}
		name=$(basename "$t" .t)
		run_tap "core $name" "$LOGS/core-$name.log" "./$t"
	done
else
	fail "make core-tests" "the core tests did not build"
	build_errors "$LOGS/core-build.log"
fi
suite_end "core"

# --- fuzz corpora --------------------------------------------------------------

suite_begin "fuzz corpora (test/fuzz/corpus, gcc ASan and UBSan)"
run_tap "fuzz corpora" "$LOGS/fuzz-corpora.log" bash test/fuzz/run.sh corpus
suite_end "fuzz corpora"

# --- layout -----------------------------------------------------------------

# engine_includes DIR HEADER: the lines under DIR that #include HEADER.h
# (or HEADERext.h), with or without a directory, in <> or "".
engine_includes() {
	grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]([^\">]*/)?${2}(ext)?\\.h[\">]" "$1" 2>/dev/null
}

layout_tap() {
	local tmp hits n=0 h
	echo "1..5"
	# the check itself: it must see these includes, and only these
	tmp=$(mktemp -d)
	printf '#include "covet.h"\n#  include <postgres.h>\n/* #include "sqlite3.h" in a comment */\n' >"$tmp/a.c"
	printf '#include <stdio.h>\n#include "sqlite3.h"\n' >"$tmp/b.h"
	for h in postgres sqlite3; do
		n=$((n + 1))
		hits=$(engine_includes "$tmp" "$h" | wc -l)
		if [ "$hits" -eq 1 ]; then
			echo "ok $n - self-test: the check finds one #include of $h.h in a planted file"
		else
			echo "not ok $n - self-test: the check finds one #include of $h.h in a planted file (found $hits)"
		fi
	done
	rm -rf "$tmp"
	n=$((n + 1))
	if compgen -G "src/core/*.[ch]" >/dev/null; then
		echo "ok $n - src/core/ has C files"
	else
		echo "not ok $n - src/core/ has C files"
	fi
	for h in postgres sqlite3; do
		n=$((n + 1))
		hits=$(engine_includes src/core/ "$h")
		if [ -z "$hits" ]; then
			echo "ok $n - no file under src/core/ includes $h.h"
		else
			echo "not ok $n - no file under src/core/ includes $h.h"
			while IFS= read -r line; do echo "# $line"; done <<<"$hits"
		fi
	done
}

suite_begin "layout"
layout_tap >"$LOGS/layout.log" 2>&1
tap_tally "layout src/core is engine-neutral" "$LOGS/layout.log" 0
suite_end "layout"

# --- sqlite -----------------------------------------------------------------

SQLITE_RESULTS=$ROOT/results/sqlite
mkdir -p "$SQLITE_RESULTS"

# run_sql NAME OUT [PREFIX...]: test/sqlite/NAME.sql through the shell, with
# a fresh COVET_TMP; the shell's exit status is returned.
run_sql() {
	local name=$1 out=$2 rc tmp
	shift 2
	tmp=$(mktemp -d)
	COVET_TMP=$tmp timeout -k 10 "$STEP_TIMEOUT" "$@" sqlite3 :memory: \
		<"test/sqlite/$name.sql" >"$out" 2>&1
	rc=$?
	sed -i "s#$tmp#\$COVET_TMP#g" "$out"
	rm -rf "$tmp"
	return "$rc"
}

# same_output NAME OUT DIFF: compare with test/sqlite/expected/NAME.out.
same_output() {
	local expected=test/sqlite/expected/$1.out
	if [ ! -f "$expected" ]; then
		echo "no expected file $expected" >"$3"
		return 1
	fi
	diff -u "$expected" "$2" >"$3" 2>&1
}

suite_begin "sqlite: shell scripts, Python, valgrind (test/sqlite/)"
SQL_FILES=()
for f in test/sqlite/*.sql; do
	[ -e "$f" ] && SQL_FILES+=("$(basename "$f" .sql)")
done
[ ${#SQL_FILES[@]} -eq 0 ] && echo "(no SQLite .sql tests yet)"
for name in "${SQL_FILES[@]}"; do
	out=$SQLITE_RESULTS/$name.out
	diffout=$SQLITE_RESULTS/$name.diff
	run_sql "$name" "$out"
	rc=$?
	if same_output "$name" "$out" "$diffout"; then
		rm -f "$diffout"
		pass "sqlite $name"
	else
		fail "sqlite $name" "output differs (results/sqlite/$name.diff)"
		head -n 40 "$diffout" | sed 's/^/    | /'
	fi
	[ "$rc" -gt 128 ] && [ "$rc" -ne 124 ] && fail "sqlite $name" "sqlite3 died with signal $((rc - 128))"
done

for f in test/sqlite/*.py; do
	[ -e "$f" ] || break
	name=$(basename "$f" .py)
	(
		COVET_TMP=$(mktemp -d)
		export COVET_TMP
		timeout -k 10 "$STEP_TIMEOUT" "$PYTHON" "$f"
		rc=$?
		rm -rf "$COVET_TMP"
		exit "$rc"
	) >"$LOGS/python-$name.log" 2>&1 </dev/null
	tap_tally "python $name" "$LOGS/python-$name.log" $?
done

for name in "${SQL_FILES[@]}"; do
	out=$SQLITE_RESULTS/$name.valgrind.out
	diffout=$SQLITE_RESULTS/$name.valgrind.diff
	vglog=$SQLITE_RESULTS/$name.valgrind.log
	run_sql "$name" "$out" valgrind --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 -q \
		--log-file="$vglog"
	rc=$?
	if [ "$rc" -eq 99 ]; then
		fail "valgrind $name" "valgrind reported errors (results/sqlite/$name.valgrind.log)"
		head -n 60 "$vglog" | sed 's/^/    | /'
	elif [ "$rc" -eq 124 ]; then
		fail "valgrind $name" "timed out"
	elif ! same_output "$name" "$out" "$diffout"; then
		fail "valgrind $name" "output under valgrind differs (results/sqlite/$name.valgrind.diff)"
		head -n 40 "$diffout" | sed 's/^/    | /'
	else
		rm -f "$diffout"
		pass "valgrind $name"
	fi
done
suite_end "sqlite"

suite_begin "sqlite: scripts (test/scripts/sqlite_*.sh)"
for f in test/scripts/sqlite_*.sh; do
	[ -e "$f" ] || {
		echo "(no SQLite scripts yet)"
		break
	}
	name=$(basename "$f" .sh)
	run_tap "script $name" "$LOGS/$name.log" bash "$f"
done
suite_end "sqlite scripts"

suite_begin "cli: the covet command (test/cli/*.sh but pg_*.sh)"
for f in test/cli/*.sh; do
	[ -e "$f" ] || {
		echo "(no command tests yet)"
		break
	}
	name=$(basename "$f" .sh)
	case $name in pg_*) continue ;; esac
	run_tap "cli $name" "$LOGS/cli-$name.log" bash "$f"
done
suite_end "cli"

# --- postgres ---------------------------------------------------------------

echo
echo "=== postgres: one throw-away cluster (pg_virtualenv)"
COUNTFILE=$(mktemp)
rm -f "$COUNTFILE"
if [ "$PG_OK" -eq 1 ]; then
	PORT=$(free_port)
	timeout -k 30 1500 pg_virtualenv -t -v 15 -c "-p $PORT" \
		bash "$ROOT/test/run-all.sh" --pg-inner "$COUNTFILE" </dev/null
	rc=$?
	if [ -s "$COUNTFILE" ]; then
		read -r p f <"$COUNTFILE"
		TOTAL_PASS=$((TOTAL_PASS + p))
		TOTAL_FAIL=$((TOTAL_FAIL + f))
	else
		echo "FAILED  postgres: the suites did not finish (pg_virtualenv exit status $rc)"
		TOTAL_FAIL=$((TOTAL_FAIL + 1))
	fi
	rm -f "$COUNTFILE"
else
	echo "FAILED  postgres: not run, the extension is not installed"
	TOTAL_FAIL=$((TOTAL_FAIL + 1))
fi

echo
echo "took $(($(date +%s) - START)) s; logs in results/"
finish
