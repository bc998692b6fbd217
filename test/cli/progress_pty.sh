#!/usr/bin/env bash
# progress_pty.sh: the progress display under a pseudo-terminal and without
# one (TAP).
#
# Builds test/cli/progress_format.t and test/cli/progress_drive.t
# ("make cli-progress-tests") and checks:
#   - the pure formatting's unit tests (progress_format.t) all pass;
#   - under a pseudo-terminal (util-linux `script`, 60 columns) the bar
#     draws, is redrawn in place ("\r" ... "\033[K") several times with a
#     growing percent, never wider than the terminal, and ends at 100% with
#     a newline; the same driven by the watcher thread; an unknown total
#     shows a spinner and ends at 100%; a failed run does not claim 100%;
#   - not on a terminal the output is timestamped lines (ISO 8601 UTC), no
#     "\r" and no escape, a first line, lines every interval, a last
#     "done" line; JSON mode is one valid object per line;
#   - the real thing: `covet backfill` of 200,000 rows in batches of 500
#     on a SQLite file, under a pseudo-terminal (a bar redrawn several
#     times, growing, ending at 100% with every row done) and not (lines);
#   - a data migration inside `covet migrate up` (a backfill in its text)
#     shows the same bar under a pty, growing, ending at 100% before the
#     report, and lines when not on a terminal; a schema migration none;
#   - valgrind: the watcher starts, stops and joins with no error and no
#     leak, and helgrind sees no data race.
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if ! make --no-print-directory -s cli-progress-tests >"$TMP/build.log" 2>&1; then
	not_ok "make cli-progress-tests" "$(tail -20 "$TMP/build.log")"
	done_testing
	exit 1
fi
ok "make cli-progress-tests"

DRIVE=$ROOT/test/cli/progress_drive.t

# unit tests of the formatting
out=$(./test/cli/progress_format.t 2>&1)
rc=$?
nok=$(grep -c '^ok ' <<<"$out")
nbad=$(grep -c '^not ok ' <<<"$out")
if [ "$rc" -eq 0 ] && [ "$nbad" -eq 0 ] && [ "$nok" -ge 50 ] && grep -q "^1\.\.$nok\$" <<<"$out"; then
	ok "progress_format.t: $nok unit tests of the formatting pass"
else
	not_ok "progress_format.t: unit tests of the formatting" "$(grep -A3 '^not ok' <<<"$out" | head -40)"
fi

# pty CMD...: run CMD under a pseudo-terminal of 60 columns; output in
# $TMP/pty.out, status in $pty_rc.
pty() {
	script -qfec "stty cols 60 rows 24; $*" /dev/null >"$TMP/pty.out" 2>&1 </dev/null
	pty_rc=$?
}

# frames FILE: the redrawn lines, one per line ("\r" splits them; "\033[K"
# and the newline removed).
frames() {
	tr '\r' '\n' <"$1" | sed 's/\x1b\[K//g' | grep -v '^$'
}

# check_bar WHAT: the checks of a bar run that succeeded, on $TMP/pty.out.
check_bar() {
	local what=$1 f n pcts sorted last maxw
	f=$(frames "$TMP/pty.out")
	n=$(grep -c 'rows' <<<"$f")
	if grep -q $'\r' "$TMP/pty.out" && grep -q $'\x1b\\[K' "$TMP/pty.out"; then
		ok "$what: redrawn in place (\\r, clear to end of line)"
	else
		not_ok "$what: redrawn in place" "$(od -c "$TMP/pty.out" | head -10)"
	fi
	if [ "$n" -ge 4 ]; then
		ok "$what: drawn $n times"
	else
		not_ok "$what: drawn at least 4 times" "$f"
	fi
	pcts=$(grep -oE '[0-9]+%' <<<"$f" | tr -d '%')
	sorted=$(sort -n <<<"$pcts")
	if [ "$pcts" = "$sorted" ] && [ "$(sort -un <<<"$pcts" | wc -l)" -ge 3 ]; then
		ok "$what: the percent grows ($(tr '\n' ' ' <<<"$pcts"))"
	else
		not_ok "$what: the percent grows" "$pcts"
	fi
	last=$(tail -1 <<<"$f")
	like "$last" '^backfill users? \[#+\] 100%  1000/1000 rows' "$what: ends at 100% with the rows"
	if [ "$(tail -c 2 "$TMP/pty.out" | od -An -c | tr -d ' ')" = '\r\n' ]; then
		ok "$what: ends with a newline"
	else
		not_ok "$what: ends with a newline" "$(tail -c 20 "$TMP/pty.out" | od -c)"
	fi
	maxw=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' <<<"$f")
	if [ "$maxw" -le 59 ]; then
		ok "$what: fits 60 columns ($maxw)"
	else
		not_ok "$what: fits 60 columns" "widest frame: $maxw"
	fi
}

pty "$DRIVE auto 1000 20 60"
is "$pty_rc" 0 "pty, main thread drawing: exit 0"
check_bar "pty, main thread drawing"

pty "$DRIVE auto 1000 20 60 watch 50"
is "$pty_rc" 0 "pty, watcher thread: exit 0"
check_bar "pty, watcher thread"

pty "$DRIVE auto -1 12 80 watch 50"
f=$(frames "$TMP/pty.out")
like "$(head -1 <<<"$f")" '^backfill users [|/\\-] [0-9]+ rows' "pty, unknown total: a spinner and the rows"
if [ "$(grep -oE 'users [|/\\-]' <<<"$f" | sort -u | wc -l)" -ge 2 ]; then
	ok "pty, unknown total: the spinner turns"
else
	not_ok "pty, unknown total: the spinner turns" "$f"
fi
like "$(tail -1 <<<"$f")" '100%  1200/1200 rows' "pty, unknown total: ends at 100% of what was done"

pty "$DRIVE auto 1000 20 40 watch 50 fail"
is "$pty_rc" 1 "pty, failed run: exit 1"
f=$(frames "$TMP/pty.out")
if grep -q '100%' <<<"$f"; then
	not_ok "pty, failed run: never shows 100%" "$f"
else
	ok "pty, failed run: never shows 100% ($(tail -1 <<<"$f" | grep -oE '[0-9]+%'))"
fi

# not a terminal: lines
DRIVE_INTERVAL_MS=300 "$DRIVE" auto 1000 20 60 >"$TMP/lines.out" 2>/dev/null
rc=$?
is "$rc" 0 "no terminal: exit 0"
if grep -q $'[\r\x1b]' "$TMP/lines.out"; then
	not_ok "no terminal: no \\r and no escape sequence" "$(od -c "$TMP/lines.out" | head)"
else
	ok "no terminal: no \\r and no escape sequence"
fi
n=$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z backfill users: ' "$TMP/lines.out")
total=$(wc -l <"$TMP/lines.out")
if [ "$n" -eq "$total" ] && [ "$n" -ge 3 ]; then
	ok "no terminal: $n timestamped lines (ISO 8601 UTC), a few while running"
else
	not_ok "no terminal: timestamped lines" "$(cat "$TMP/lines.out")"
fi
like "$(head -1 "$TMP/lines.out")" 'backfill users: 0/1000 rows \(0%\)$|backfill users: [0-9]+/1000 rows \([0-9]+%\)' "no terminal: a first line"
like "$(tail -1 "$TMP/lines.out")" 'backfill users: done, 1000/1000 rows \(100%\), [0-9.]+k? rows/s$' "no terminal: a last line, done at 100%"

"$DRIVE" lines 1000 10 30 >"$TMP/lines5.out" 2>/dev/null
is "$(wc -l <"$TMP/lines5.out")" 2 "no terminal, default interval (5 s): a first and a last line for a short run"

DRIVE_INTERVAL_MS=200 "$DRIVE" json 1000 10 60 watch 50 >"$TMP/json.out" 2>/dev/null
out=$(/usr/bin/python3 - "$TMP/json.out" <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]
keys = {"time", "label", "id", "op", "target", "state", "done", "total", "rate", "eta", "parts"}
assert all(set(o) == keys for o in objs), "keys"
assert objs[-1]["done"] == objs[-1]["total"] == 1000, "last"
assert objs[-1]["state"] == "completed", objs[-1]["state"]
assert [o["done"] for o in objs] == sorted(o["done"] for o in objs), "order"
print(len(objs))
EOF
)
if [ "$out" -ge 3 ] 2>/dev/null; then
	ok "JSON mode: $out objects, one per line, the fields of CliRunSnap, last completed at 1000"
else
	not_ok "JSON mode: one object per line" "$out
$(cat "$TMP/json.out")"
fi

# valgrind: the watcher's start, stop and join
if command -v valgrind >/dev/null; then
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
		"$DRIVE" lines 1000 10 20 watch 10 >/dev/null 2>"$TMP/vg.out"
	rc=$?
	is "$rc" 0 "valgrind memcheck: the watcher leaks nothing, no error" || true
	[ "$rc" -ne 0 ] && sed 's/^/# /' "$TMP/vg.out" | head -30
	valgrind -q --tool=helgrind --error-exitcode=99 \
		"$DRIVE" lines 1000 10 20 watch 10 >/dev/null 2>"$TMP/hg.out"
	rc=$?
	is "$rc" 0 "valgrind helgrind: no data race between the watcher and the main thread"
	[ "$rc" -ne 0 ] && sed 's/^/# /' "$TMP/hg.out" | head -30
else
	not_ok "valgrind is installed (test/scripts/deps.sh all)"
fi

# covet backfill, the watcher reading covet's runs table on its own connection
if [ -x ./covet ] || make --no-print-directory -s covet >/dev/null 2>&1; then
	BF=$TMP/bf.db
	sqlite3 "$BF" "CREATE TABLE t (id integer PRIMARY KEY, x int);
		WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 200000)
		INSERT INTO t SELECT i, 0 FROM s;"
	pty "$ROOT/covet --db sqlite:$BF backfill t --set 'x = id * 2' --batch 500"
	is "$pty_rc" 0 "covet backfill under a pty: exit 0"
	f=$(frames "$TMP/pty.out" | grep '%')
	n=$(grep -c '%' <<<"$f")
	if [ "$n" -ge 3 ]; then ok "covet backfill under a pty: the bar is drawn $n times"; else
		not_ok "covet backfill under a pty: the bar is drawn at least 3 times" "$f"
	fi
	pcts=$(grep -oE '[0-9]+%' <<<"$f" | tr -d '%')
	if [ "$pcts" = "$(sort -n <<<"$pcts")" ] && [ "$(sort -un <<<"$pcts" | wc -l)" -ge 2 ]; then
		ok "covet backfill under a pty: the percent grows ($(tr '\n' ' ' <<<"$pcts"))"
	else
		not_ok "covet backfill under a pty: the percent grows" "$pcts"
	fi
	like "$(tail -1 <<<"$f")" '^backfill \[#+\] 100%  200000/200000 rows' "covet backfill under a pty: ends at 100%"
	like "$(frames "$TMP/pty.out" | tail -1)" '^run [0-9]+ \(backfill on t\): completed, 200000 rows' "covet backfill under a pty: then the result line"
	is "$(sqlite3 "$BF" 'SELECT count(*) FROM t WHERE x = id * 2')" 200000 "covet backfill: every row done"

	"$ROOT/covet" --db "sqlite:$BF" backfill t --set 'x = id * 3' --batch 2000 >"$TMP/bf.out" 2>"$TMP/bf.err"
	is "$?" 0 "covet backfill, no terminal: exit 0"
	if grep -q $'[\r\x1b]' "$TMP/bf.err"; then
		not_ok "covet backfill, no terminal: plain lines" "$(od -c "$TMP/bf.err" | head)"
	else
		ok "covet backfill, no terminal: plain lines (no \\r, no escape)"
	fi
	like "$(tail -1 "$TMP/bf.err")" '^[0-9-]{10}T[0-9:]{8}Z backfill: done, 200000/200000 rows \(100%\)' \
		"covet backfill, no terminal: a timestamped last line at 100%"

	# a data migration inside covet migrate up: its run shows a bar too
	# (SQLite: from the driver's progress reports, the migration being one
	# transaction)
	mkdir -p "$TMP/dm"
	sqlite3 "$BF" "CREATE TABLE t2 (id integer PRIMARY KEY, x int);
		WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 600000)
		INSERT INTO t2 SELECT i, 0 FROM s;"
	printf -- "-- covet:up\nSELECT covet_backfill('t2', 'x = id * 5', 100);\n" >"$TMP/dm/0001_bump.sql"
	pty "$ROOT/covet --db sqlite:$BF --dir $TMP/dm migrate up"
	is "$pty_rc" 0 "covet migrate up of a data migration under a pty: exit 0"
	f=$(frames "$TMP/pty.out" | grep '%')
	n=$(grep -c '%' <<<"$f")
	if [ "$n" -ge 2 ]; then ok "migrate up under a pty: the backfill's bar is drawn $n times"; else
		not_ok "migrate up under a pty: the backfill's bar is drawn at least twice" "$(od -c "$TMP/pty.out" | head -20)"
	fi
	pcts=$(grep -oE '[0-9]+%' <<<"$f" | tr -d '%')
	if [ "$pcts" = "$(sort -n <<<"$pcts")" ] && [ "$(sort -un <<<"$pcts" | wc -l)" -ge 2 ]; then
		ok "migrate up under a pty: the percent grows ($(tr '\n' ' ' <<<"$pcts"))"
	else
		not_ok "migrate up under a pty: the percent grows" "$pcts"
	fi
	like "$(tail -1 <<<"$f")" '^backfill \[#+\] 100%  600000/600000 rows' "migrate up under a pty: the bar ends at 100%"
	like "$(frames "$TMP/pty.out" | tail -1)" '^applied 0001_bump \(1 statement, 600000 rows\)' "migrate up under a pty: then the report"
	is "$(sqlite3 "$BF" 'SELECT count(*) FROM t2 WHERE x = id * 5')" 600000 "migrate up: every row done"
	printf -- "-- covet:up\nSELECT covet_backfill('t', 'x = id * 7', 2000);\n" >"$TMP/dm/0002_bump.sql"
	"$ROOT/covet" --db "sqlite:$BF" --dir "$TMP/dm" migrate up >"$TMP/dm.out" 2>"$TMP/dm.err"
	is "$?" 0 "migrate up of a data migration, no terminal: exit 0"
	like "$(tail -1 "$TMP/dm.err")" '^[0-9-]{10}T[0-9:]{8}Z backfill: done, 200000/200000 rows \(100%\)' \
		"migrate up, no terminal: a timestamped last line at 100%"
	"$ROOT/covet" -q --db "sqlite:$BF" --dir "$TMP/dm" migrate up >"$TMP/dm.out" 2>"$TMP/dm.err"
	printf -- '-- covet:up\nCREATE TABLE plain (id int);\n' >"$TMP/dm/0003_plain.sql"
	"$ROOT/covet" --db "sqlite:$BF" --dir "$TMP/dm" migrate up >"$TMP/dm.out" 2>"$TMP/dm.err"
	is "$?:$(cat "$TMP/dm.err")" "0:" "migrate up of a schema migration: no progress drawn"
	if command -v valgrind >/dev/null; then
		printf -- "-- covet:up\nSELECT covet_backfill('t', 'x = id * 11', 5000);\n" >"$TMP/dm/0004_bump.sql"
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
			"$ROOT/covet" --db "sqlite:$BF" --dir "$TMP/dm" migrate up >"$TMP/dm.out" 2>"$TMP/dm.vg"
		is "$?" 0 "valgrind: migrate up of a data migration with its progress is clean"
	fi
else
	not_ok "./covet builds (make covet)"
fi

done_testing
