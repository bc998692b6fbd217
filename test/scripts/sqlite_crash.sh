#!/usr/bin/env bash
# sqlite_crash.sh: a SQLite runner killed with kill -9 in the middle of a run
# leaves its lock row behind, and the next runner takes it over at once
# (TAP).
#
# Needs ./covet.so built ("make covet.so"); uses a temporary database file.
#
# What it proves: with m1 (fast) and m2 (creates a table, then counts to
# 300 million) pending, killing the sqlite3 process during m2 leaves
#   - the covet_lock row, naming the dead pid (nobody can clear it but the
#     next runner),
#   - neither table, and no covet_applied or covet_history row (the run's
#     transaction is rolled back from the journal);
# m2, still pending, may be redefined; a new process's covet_migrate_up()
# with the default lock_timeout (60 s) takes the stale lock over at once
# (under 5 s) instead of waiting for it, applies m1 and m2 exactly once, and
# leaves covet_lock empty.
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/sqlite.sh
. test/scripts/lib/sqlite.sh

sqlite_scratch crash

# plain: without the extension (what any reader sees)
plain() {
	sqlite3 "$DB" "$@" 2>&1
}

out=$(s "SELECT covet_define('m1', 'CREATE TABLE crash_a (id int)')" \
	"SELECT covet_define('m2', 'CREATE TABLE crash_b (id int); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000000) SELECT count(*) FROM c;')")
is "$out" "defined m1
defined m2" "define m1 and m2 (m2 counts to 300 million)"

sqlite3 "$DB" ".load $ROOT/covet" "SELECT covet_migrate_up()" >"$TMP/runner.out" 2>&1 &
runner=$!
sleep 1
if kill -0 "$runner" 2>/dev/null; then
	ok "the runner (pid $runner) is still running after 1 s"
else
	not_ok "the runner is still running after 1 s" "$(cat "$TMP/runner.out")"
fi
kill -9 "$runner"
wait "$runner" 2>/dev/null
rc=$?
dead=$runner
runner=""
is "$rc" 137 "kill -9 the runner"

is "$(plain "SELECT pid FROM covet_lock")" "$dead" "the covet_lock row is still there, naming the dead pid $dead"
is "$(plain "SELECT count(*) FROM sqlite_schema WHERE name IN ('crash_a', 'crash_b')")" 0 \
	"neither crash_a nor crash_b exists"
is "$(plain "SELECT count(*) FROM covet_applied")" 0 "covet_applied is empty"
is "$(plain "SELECT count(*) FROM covet_history")" 0 "covet_history is empty"
is "$(plain "PRAGMA integrity_check")" "ok" "the database file is intact"

is "$(s "SELECT covet_define('m2', 'CREATE TABLE crash_b (id int)')")" "redefined m2" \
	"m2 is still pending, so it may be redefined without the slow count"

t0=$(date +%s%N)
out=$(s "SELECT covet_set('lock_timeout', '60000')" "SELECT covet_migrate_up()")
rc=$?
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
is "$rc|$(grep -c '^applied m[12] ' <<<"$out")" "0|2" "a new process's covet_migrate_up() applies m1 and m2"
[ "$rc" -ne 0 ] && echo "# $out"
if [ "$ms" -lt 5000 ]; then
	ok "it took the stale lock over at once (${ms} ms, lock_timeout 60 s)"
else
	not_ok "it took the stale lock over at once (${ms} ms, lock_timeout 60 s)"
fi
is "$(plain "SELECT count(*) FROM sqlite_schema WHERE name IN ('crash_a', 'crash_b')")" 2 \
	"crash_a and crash_b exist"
is "$(plain "SELECT group_concat(name, ' ') FROM (SELECT name FROM covet_applied ORDER BY name)")" "m1 m2" \
	"covet_applied: m1, m2"
is "$(plain "SELECT group_concat(name || ':' || action, ' ') FROM (SELECT name, action FROM covet_history ORDER BY name)")" \
	"m1:apply m2:apply" "covet_history: one apply row each"
is "$(plain "SELECT count(*) FROM covet_lock")" 0 "covet_lock is empty afterwards"
is "$(s "SELECT covet_migrate_up()")" "nothing to apply" "a second run has nothing to apply"

done_testing
