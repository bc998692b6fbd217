#!/usr/bin/env bash
# pg_cli.sh: the covet command against PostgreSQL (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER, PGPASSWORD set; a
# superuser) with the extension installed; test/run-all.sh does that.  It
# creates and drops its own databases and role.
#
# What it proves: the database as a conninfo string, as a postgresql:// URL
# and from DATABASE_URL; migrate up (files sent with covet_load_text,
# CALL covet_migrate_up_commit: a failure keeps what committed before it,
# exit 1 with the server's ERROR and DETAIL), --dry-run (exit 4),
# --all-or-nothing, status and history (also --json), migrate down N and
# --to, baseline, mark-applied, mark-rolled-back, forget, repair; the
# runner lock held by another session (exit 3); an unreachable server, a
# wrong password (scram over TCP, as pg_virtualenv configures it) and the
# right one from ~/.pgpass; a database without the extension (the hint
# says CREATE EXTENSION); backfill in the foreground (CALL
# covet_backfill_commit, progress lines read over a second connection),
# --background with watch, a named operation, runs --json, Ctrl-C pausing
# a foreground run through covet_pause and resume completing it.
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch cli
cleanup() {
	pg_cleanup_more
	pg_cleanup
}
pg_cleanup_more() {
	[ -n "${holder:-}" ] && kill "$holder" 2>/dev/null
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS ${DB}_bare WITH (FORCE)" >/dev/null 2>&1
	psql -X -q -d postgres -c "DROP ROLE IF EXISTS covet_cli_pw_$$" >/dev/null 2>&1
}
trap cleanup EXIT

if ! make --no-print-directory -s covet >"$TMP/build.log" 2>&1; then
	not_ok "make covet" "$(tail -20 "$TMP/build.log")"
	done_testing
	exit 1
fi
ok "make covet"
COVET=$ROOT/covet
create_db
ok "fresh database $DB with CREATE EXTENSION covet"
cd "$TMP" || exit 1
export DATABASE_URL="dbname=$DB"

cv() {
	"$COVET" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
}

js() {
	/usr/bin/python3 -c "import json,sys; d = json.load(open(sys.argv[1])); print($1)" "$TMP/out" 2>&1
}

# --- the runner ------------------------------------------------------------
mkdir migrations
cat >migrations/001_users.sql <<'EOF'
-- covet:up
CREATE TABLE users (id integer PRIMARY KEY, email text, n integer, first text, last text);
INSERT INTO users SELECT x, 'U' || x || '@Example.com', x, NULL, NULL FROM generate_series(1, 3000) x;
-- covet:down
DROP TABLE users;
EOF
cat >migrations/002_orders.sql <<'EOF'
-- covet:up
CREATE TABLE orders (id integer PRIMARY KEY);
-- covet:down
DROP TABLE orders;
EOF
cat >migrations/003_bad.sql <<'EOF'
-- covet:up
CREATE TABLE t3 (id integer);
SELECT 1 / 0;
-- covet:down
DROP TABLE t3;
EOF

cv migrate up --dry-run
is "$RC" 4 "a failing dry run: exit 4"
like "$ERR" 'dry run: migration "003_bad" failed at statement 2: division by zero' "... with the server's message"
is "$(q 'SELECT count(*) FROM covet.applied')" 0 "... nothing applied"
cv migrate up --all-or-nothing
is "$RC" 1 "--all-or-nothing failing: exit 1"
is "$(q 'SELECT count(*) FROM covet.applied')" 0 "... nothing applied"
cv migrate up
is "$RC" 1 "commit per migration failing at 003_bad: exit 1"
like "$ERR" '^covet: ERROR: migration "003_bad" failed: division by zero' "... ERROR from the server"
like "$ERR" 'DETAIL: Applied and committed before it: 001_users, 002_orders\.' "... DETAIL: what committed"
is "$(q 'SELECT count(*) FROM covet.applied')" 2 "... the two before it stay applied"
cv --json migrate up
is "$(js 'd["exit"], d["error"]["sqlstate"]')" "1 22012" "--json: the error with its SQLSTATE"
printf -- '-- covet:up\nCREATE TABLE t3 (id integer);\n-- covet:down\nDROP TABLE t3;\n' >migrations/003_bad.sql
cv --db "postgresql:///$DB?host=$PGHOST&port=$PGPORT" migrate up
is "$RC" 0 "a postgresql:// URL: migrate up after the fix, exit 0"
like "$OUT" 'applied 003_bad' "... applies 003_bad"
printf -- '-- covet:up\nCREATE TABLE t4 (id integer);\n-- covet:down\nDROP TABLE t4;\n' >migrations/004_t4.sql
cv status
like "$OUT" '004_t4 +\| schema \| pending' "status shows a file not yet sent as pending"
is "$(q "SELECT count(*) FROM covet.migrations WHERE name = '004_t4'")" 0 "... and writes nothing"
cv --json status
is "$(js '[m["state"] for m in d["migrations"]]')" "['applied', 'applied', 'applied', 'pending']" "status --json"
cv --json migrate up --to 004_t4
is "$(js 'd["report"]')" "['applied 004_t4 (1 statement, 0 rows)']" "migrate up --to --json"
cv --json history
is "$(js '[h["action"] for h in d["history"]]')" "['apply', 'apply', 'apply', 'apply']" "history --json"
cv migrate down 2
like "$OUT" 'rolled back 004_t4.*' "migrate down 2"
is "$(q 'SELECT count(*) FROM covet.applied')" 2 "... two left"
cv migrate down --to 001_users --all-or-nothing
is "$RC" 0 "migrate down --to --all-or-nothing: exit 0"
is "$(q "SELECT string_agg(name, ',') FROM covet.applied")" "001_users" "... 001_users stays"
cv baseline 003_bad
is "$RC" 0 "baseline: exit 0"
is "$(q "SELECT count(*) FROM covet.history WHERE action = 'baseline'")" 2 "... two migrations baselined"
cv mark-rolled-back 003_bad
is "$RC" 0 "mark-rolled-back: exit 0"
cv mark-applied 003_bad
is "$RC" 0 "mark-applied: exit 0"
rm migrations/004_t4.sql
cv forget 004_t4
is "$RC" 0 "forget: exit 0"
cv --json repair
is "$(js 'd["ok"]')" True "repair --json: ok"

# --- the lock ----------------------------------------------------------------
psql -X -q -d "$DB" -c "SELECT pg_advisory_lock(1668249204, 1), pg_sleep(8)" >/dev/null 2>&1 &
holder=$!
wait_for "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1668249204 AND granted" 1
cv --lock-timeout 300ms migrate up
is "$RC" 3 "the runner lock held by another session: exit 3"
like "$ERR" 'migration lock is held by process' "... ERROR names the holder"
cv --lock-timeout 300ms --json migrate down
is "$(js 'd["exit"], d["error"]["sqlstate"]')" "3 55P03" "... --json: exit 3, SQLSTATE 55P03"
start=$(date +%s)
cv status
is "$RC" 0 "status while another session holds the lock: exit 0"
like "$OUT" 'WARNING: not loaded: 001_users.sql and the files after it: migration lock is held' \
	"... says the files could not be sent"
[ $(($(date +%s) - start)) -lt 10 ] && ok "... after one short wait" || not_ok "... after one short wait"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
holder=""

# --- connections ------------------------------------------------------------
cv --db "postgresql://localhost:1/nothing" status
is "$RC" 1 "an unreachable server: exit 1"
like "$ERR" 'could not connect to the database: .*(refused|failed)' "... says it could not connect"
role=covet_cli_pw_$$
q "CREATE ROLE $role LOGIN PASSWORD 'right-$$'" >/dev/null
PGPASSWORD=wrong "$COVET" --db "host=localhost port=$PGPORT dbname=$DB user=$role" status >"$TMP/out" 2>"$TMP/err"
is "$?" 1 "a wrong password: exit 1"
like "$(cat "$TMP/err")" "password authentication failed for user \"$role\"" "... the server's message"
mkdir -p "$TMP/home"
printf 'localhost:%s:*:%s:right-%s\n' "$PGPORT" "$role" "$$" >"$TMP/home/.pgpass"
chmod 600 "$TMP/home/.pgpass"
env -u PGPASSWORD HOME="$TMP/home" "$COVET" --db "host=localhost port=$PGPORT dbname=$DB user=$role" status >"$TMP/out" 2>"$TMP/err"
like "$(cat "$TMP/err")" 'permission denied for function covet_status' \
	"the password from ~/.pgpass connects (then covet_status is not granted to the role)"
psql -X -q -d postgres -c "CREATE DATABASE ${DB}_bare" >/dev/null
cv --db "dbname=${DB}_bare" status
is "$RC" 1 "a database without covet: exit 1"
like "$ERR" 'HINT: Is covet installed in this database\? Run CREATE EXTENSION covet' "... the hint says so"

# --- batched operations ----------------------------------------------------
cv backfill users --set 'n = n + 1' --batch 500
is "$RC" 0 "backfill: exit 0"
like "$OUT" 'run 1 \(backfill on users\): completed, 3000 rows in 6 batches' "... completes, committing per batch"
like "$ERR" 'done, 3000/3000 rows \(100%\)' "... progress lines end at 100%"
is "$(q 'SELECT sum(n) FROM users')" 4504500 "... the rows changed"
cv --json split-field users --source email --dests 'first, last' --delimiter @
is "$(js 'd["op"], d["state"], d["rows_done"]')" "split_field completed 3000" "split-field --json"
is "$(q 'SELECT last FROM users WHERE id = 7')" "Example.com" "... the rows changed"
cv --json populate-field users --field first --value "'x'" --no-only-null --background
is "$(js 'd["state"]')" pending "--background: the run id at once"
bg=$(js 'd["run"]')
cv watch "$bg"
is "$RC" 0 "watch the background run: exit 0 when it completes"
is "$(q "SELECT count(*) FROM users WHERE first = 'x'")" 3000 "... the worker changed every row"
cv --json runs
is "$(js '[r["state"] for r in d["runs"]]')" "['completed', 'completed', 'completed']" "runs --json"
cv undo "$bg"
like "$OUT" 'rolled back' "undo"
cv resume 99
is "$RC" 1 "resume an unknown run: exit 1"

# Ctrl-C pauses a foreground run (covet_pause over the second connection)
q "CREATE TABLE big (id integer PRIMARY KEY, n integer); INSERT INTO big SELECT x, 0 FROM generate_series(1, 200000) x" >/dev/null
"$COVET" backfill big --set 'n = n + 1' --batch 50 >"$TMP/out" 2>"$TMP/err" &
pid=$!
wait_for "SELECT count(*) FROM covet.runs WHERE table_name = 'big' AND rows_done > 0" 1 400 0.05
kill -INT "$pid"
wait "$pid"
RC=$?
run=$(q "SELECT max(id) FROM covet.runs WHERE table_name = 'big'")
is "$RC" 1 "Ctrl-C during a backfill: exit 1"
like "$(cat "$TMP/err")" "HINT: Resume it with: covet resume $run" "... prints how to resume"
is "$(q "SELECT state FROM covet.runs WHERE id = $run")" paused "... the run is paused"
done_before=$(q "SELECT rows_done FROM covet.runs WHERE id = $run")
[ "$done_before" -lt 200000 ] 2>/dev/null && ok "... before its end ($done_before rows)" || not_ok "... before its end" "$done_before"
is "$(q "SELECT count(*) FROM big WHERE n = 1")" "$done_before" "... the rows before the pause committed, once"
cv resume "$run"
is "$RC" 0 "resume: exit 0"
like "$OUT" "run $run \\(backfill on big\\): completed, 200000 rows" "... completes the run"
is "$(q "SELECT count(*) FROM big WHERE n = 1")" 200000 "... every row changed once"

# a data migration inside migrate up shows its run's progress (the runs
# table over the second connection; CALL ..._commit commits per batch)
mkdir -p "$TMP/dm"
printf -- "-- covet:up\nCALL covet_backfill_commit('big', 'n = n + 1', 1000);\n" >"$TMP/dm/0001_bump.sql"
"$COVET" --dir "$TMP/dm" migrate up >"$TMP/out" 2>"$TMP/err"
is "$?" 0 "migrate up of a data migration: exit 0"
like "$(grep -v NOTICE "$TMP/err" | tail -1)" '^[0-9-]{10}T[0-9:]{8}Z backfill: done, 200000/200000 rows \(100%\)' \
	"... its run's progress ends with a timestamped line at 100% (not a terminal)"
is "$(q "SELECT count(*) FROM big WHERE n = 2")" 200000 "... every row changed"

done_testing
