#!/usr/bin/env bash
# sqlite_cli.sh: the covet command against SQLite files (TAP).
#
# Runs the real binary (./covet, built by "make covet") in a temporary
# directory, from the repository root.  What it proves, command by command:
# help and usage errors (exit 2), --version; a missing database file for a
# command that reads (says so, exit 1, creates nothing) and for one that
# writes (creates the file, as sqlite3 does); `covet new`; `migrate up`
# (files sent from the client, commit per migration: a failure keeps the
# migrations before it, exit 1 with ERROR and DETAIL), `--to`, `--dry-run`
# (a failing dry run exits 4 and changes nothing), `--all-or-nothing`;
# `status` (shows files not yet sent as pending and writes nothing), its
# --json; `history`; `migrate down` N and --to; `load`, `baseline`,
# `mark-applied`, `mark-rolled-back`, `forget`, `repair`, `adopt`
# (golang-migrate files and their schema_migrations table); another
# process holding the write lock (exit 3); `backfill` and a named
# operation, their generated --help, `runs`, `watch`, `undo`, `pause` and
# `cancel` refusals; Ctrl-C (SIGINT) during a foreground run pauses it and
# `resume` completes it; --json on every command (one valid document);
# valgrind (--error-exitcode=1 --leak-check=full) on a few commands.
set -u

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh

# on tmpfs where there is one: a commit per batch costs an fsync on a disk
T=$(mktemp -d -p "$( [ -d /dev/shm ] && [ -w /dev/shm ] && echo /dev/shm || echo "${TMPDIR:-/tmp}")")
trap 'rm -rf "$T"' EXIT

if ! make --no-print-directory -s covet >"$T/build.log" 2>&1; then
	not_ok "make covet" "$(tail -20 "$T/build.log")"
	done_testing
	exit 1
fi
ok "make covet"
COVET=$ROOT/covet
cd "$T" || exit 1
unset DATABASE_URL

# cv ARGS...: run covet; stdout in OUT, stderr in ERR, exit status in RC.
cv() {
	"$COVET" "$@" >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
}

# js EXPR: EXPR (Python, d = the JSON document on stdout) printed.
js() {
	/usr/bin/python3 -c "import json,sys; d = json.load(open(sys.argv[1])); print($1)" "$T/out" 2>&1
}

# --- help, usage, version ---------------------------------------------------
cv --version
like "$OUT" '^covet [0-9]+\.[0-9]+\.[0-9]+$' "--version prints the version"
cv --help
is "$RC" 0 "--help exits 0"
like "$OUT" 'migrate .*apply' "--help lists the commands"
cv
is "$RC" 2 "no command: exit 2"
cv frobnicate
is "$RC" 2 "an unknown command: exit 2"
like "$ERR" 'covet: ERROR: unknown command "frobnicate"' "... says so"
bad=""
for c in $("$COVET" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'); do
	"$COVET" "$c" --help >"$T/h" 2>&1 || bad="$bad $c(rc)"
	grep -q "Usage: covet $c" "$T/h" || bad="$bad $c(text)"
done
is "$bad" "" "every command has --help (exit 0, a Usage line)"
missing=""
for c in $("$COVET" --help | awk '/^Commands:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'); do
	grep -q -- "$(sed 's/-/\\\\-/g' <<<"$c")" "$ROOT/doc/covet.1" || missing="$missing $c"
done
is "$missing" "" "the man page names every command"
if make --no-print-directory -s -C "$ROOT" install-covet DESTDIR="$T/inst" CLI_PREFIX=/usr >"$T/inst.log" 2>&1 &&
	[ -x "$T/inst/usr/bin/covet" ] && [ -f "$T/inst/usr/share/man/man1/covet.1" ]; then
	ok "make install-covet puts bin/covet and man1/covet.1 under the prefix"
else
	not_ok "make install-covet puts bin/covet and man1/covet.1 under the prefix" "$(tail -5 "$T/inst.log")"
fi
cv migrate sideways
is "$RC" 2 "migrate with neither up nor down: exit 2"
like "$ERR" 'Usage: covet migrate up' "... with the usage"
cv migrate up --frobnicate
is "$RC" 2 "an unknown option: exit 2"
cv migrate down 2 --to x
is "$RC" 2 "migrate down N and --to together: exit 2"
cv migrate down two
is "$RC" 2 "migrate down with a non-number: exit 2"
cv new
is "$RC" 2 "new without a name: exit 2"
cv new 'bad name;'
is "$RC" 2 "new with a bad name: exit 2"
cv --json frobnicate
is "$(js 'd["ok"], d["exit"]')" "False 2" "a usage error with --json is a JSON document"

# --- a missing database -------------------------------------------------------
cv --db sqlite:missing.db status
is "$RC" 1 "status on a missing file: exit 1"
like "$ERR" 'database file "missing.db" does not exist' "... says the file does not exist"
[ -e missing.db ] && not_ok "... and creates nothing" || ok "... and creates nothing"
cv --db missing2.db history
is "$RC" 1 "history on a missing plain path: exit 1"
cv --db sqlite:missing.db --json status
is "$(js 'd["error"]["message"]')" 'database file "missing.db" does not exist' "... in JSON too"

# --- new, migrate up, status ------------------------------------------------
cv --dir m/sub new create_users
is "$RC" 0 "new creates a file"
f=$(ls m/sub 2>/dev/null)
like "$f" '^[0-9]{14}_create_users\.sql$' "... named YYYYMMDDHHMMSS_name.sql, in a new directory"
like "$(cat "m/sub/$f")" 'covet:up' "... with -- covet:up"
like "$(cat "m/sub/$f")" 'covet:down' "... and -- covet:down"
cv --dir m/sub --json new x2
like "$(js 'd["file"]')" '^m/sub/[0-9]{14}_x2\.sql$' "new --json names the file"

mkdir migrations
cat >migrations/001_users.sql <<'EOF'
-- covet:up
CREATE TABLE users (id integer PRIMARY KEY, email text, n integer);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3000)
INSERT INTO users SELECT x, 'U' || x || '@Example.com', x FROM c;
-- covet:down
DROP TABLE users;
EOF
cat >migrations/002_orders.sql <<'EOF'
-- covet:up
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer);
-- covet:down
DROP TABLE orders;
EOF
cv migrate up
is "$RC" 0 "migrate up on a new file: exit 0"
[ -f covet.db ] && ok "... creates covet.db (the default database)" || not_ok "... creates covet.db"
like "$OUT" 'applied 001_users' "... applies 001_users"
like "$OUT" 'applied 002_orders' "... and 002_orders"
cv migrate up
is "$RC" 0 "migrate up again: exit 0"
is "$(sqlite3 covet.db 'SELECT count(*) FROM covet_applied')" 2 "... nothing applied twice"

cat >migrations/003_bad.sql <<'EOF'
-- covet:up
CREATE TABLE t3 (id integer);
INSERT INTO nowhere VALUES (1);
-- covet:down
DROP TABLE t3;
EOF
cat >migrations/004_later.sql <<'EOF'
-- covet:up
CREATE TABLE t4 (id integer);
-- covet:down
DROP TABLE t4;
EOF
cv status
is "$RC" 0 "status: exit 0"
like "$OUT" '003_bad +\| schema \| pending' "status shows a file not yet sent as pending"
like "$OUT" '001_users +\| schema \| applied' "... and applied ones"
like "$OUT" '\(4 rows\)' "... a psql-style table"
is "$(sqlite3 covet.db "SELECT count(*) FROM covet_migrations WHERE name = '003_bad'")" 0 \
	"status writes nothing (003_bad not defined)"
cv --json status
is "$(js '[m["name"] + ":" + m["state"] for m in d["migrations"]]')" \
	"['001_users:applied', '002_orders:applied', '003_bad:pending', '004_later:pending']" \
	"status --json: every migration with its state"
is "$(js 'type(d["migrations"][0]["drift"]).__name__, type(d["migrations"][0]["rows"]).__name__')" \
	"bool int" "... drift a boolean, rows a number"

cv migrate up --dry-run
is "$RC" 4 "a dry run that fails: exit 4"
like "$ERR" 'dry run: migration "003_bad" failed' "... with the error"
is "$(sqlite3 covet.db 'SELECT count(*) FROM covet_applied')" 2 "... and nothing applied"
cv --json migrate up --dry-run
is "$(js 'd["exit"]')" 4 "... --json says exit 4"
cv migrate up --dry-run --to 002_orders
is "$RC" 0 "a dry run with nothing failing: exit 0"

cv migrate up --all-or-nothing
is "$RC" 1 "--all-or-nothing failing: exit 1"
is "$(sqlite3 covet.db 'SELECT count(*) FROM covet_applied')" 2 "... nothing of the run applied"
cv migrate up
is "$RC" 1 "commit per migration, failing at 003_bad: exit 1"
like "$ERR" '^covet: ERROR: migration "003_bad" failed: no such table: nowhere' "... ERROR names the migration"
like "$ERR" 'DETAIL: ' "... with a DETAIL line"
cv --json migrate up
is "$(js 'd["ok"], d["exit"], d["error"]["message"][:27]')" "False 1 migration \"003_bad\" failed:" \
	"... --json: the error as a document"

cat >migrations/003_bad.sql <<'EOF'
-- covet:up
CREATE TABLE t3 (id integer);
-- covet:down
DROP TABLE t3;
EOF
cv migrate up --to 003_bad
is "$RC" 0 "migrate up --to 003_bad after the fix: exit 0"
is "$(sqlite3 covet.db "SELECT group_concat(name, ',') FROM (SELECT name FROM covet_applied ORDER BY name)")" \
	"001_users,002_orders,003_bad" "... applies up to and including 003_bad"
cv --json migrate up
is "$(js 'd["ok"], d["report"]')" "True ['applied 004_later (1 statement, 0 rows)']" "migrate up --json: the report"

# --- history, down ------------------------------------------------------------
cv history
like "$OUT" '004_later +\| apply' "history lists applies"
cv --json history 003_bad
is "$(js '[h["action"] for h in d["history"]]')" "['apply']" "history NAME --json: that migration's rows"
cv migrate down
is "$RC" 0 "migrate down: exit 0"
like "$OUT" 'rolled back 004_later' "... rolls back the last one"
cv migrate down 2
like "$OUT" 'rolled back 002_orders' "migrate down 2 rolls back two"
cv migrate up
cv --json migrate down --to 001_users
is "$(js 'len(d["report"])')" 3 "migrate down --to 001_users --json: three rolled back"
is "$(sqlite3 covet.db 'SELECT group_concat(name) FROM covet_applied')" "001_users" "... 001_users stays applied"
cv migrate down --dry-run
is "$RC" 0 "migrate down --dry-run: exit 0"
is "$(sqlite3 covet.db 'SELECT count(*) FROM covet_applied')" 1 "... changes nothing"

# --- baseline, mark-applied, mark-rolled-back, forget, repair, load ----------
cv baseline 002_orders
is "$RC" 0 "baseline 002_orders: exit 0"
is "$(sqlite3 covet.db "SELECT action FROM covet_history WHERE name = '002_orders' ORDER BY id DESC LIMIT 1")" \
	baseline "... history action baseline"
cv mark-applied 003_bad
is "$RC" 0 "mark-applied: exit 0"
cv mark-rolled-back 003_bad
is "$RC" 0 "mark-rolled-back: exit 0"
cv mark-applied nosuch
is "$RC" 1 "mark-applied of an unknown migration: exit 1"
like "$ERR" 'nosuch' "... naming it"
cv mark-applied
is "$RC" 2 "mark-applied without a name: exit 2"
rm migrations/004_later.sql
cv --json forget 004_later
is "$(js 'd["ok"]')" True "forget a pending migration whose file is gone: ok"
cv forget 001_users
is "$RC" 1 "forget an applied migration: exit 1"
sqlite3 covet.db "UPDATE covet_applied SET checksum = 'ab' || substr(checksum, 3) WHERE name = '002_orders'"
cv status
like "$OUT" '002_orders .*checksum drift' "status shows drift"
cv --json repair
is "$(js 'd["report"][0][:19]')" "repaired 002_orders" "repair accepts it"
cv --json load
is "$(js 'd["ok"]')" True "load --json: ok"
cv --dir nowhere load
is "$RC" 1 "load from a missing directory: exit 1"
like "$ERR" 'could not open migrations directory "nowhere"' "... says so"

# --- adopt: golang-migrate files and their schema_migrations ----------------
mkdir gm
printf 'CREATE TABLE a (id integer);\n' >gm/000001_a.up.sql
printf 'DROP TABLE a;\n' >gm/000001_a.down.sql
printf 'CREATE TABLE b (id integer);\n' >gm/000002_b.up.sql
printf 'DROP TABLE b;\n' >gm/000002_b.down.sql
sqlite3 gm.db "CREATE TABLE a (id integer); CREATE TABLE schema_migrations (version bigint, dirty boolean); INSERT INTO schema_migrations VALUES (1, 0);"
cv --db gm.db --dir gm adopt
is "$RC" 0 "adopt golang-migrate's history: exit 0"
like "$OUT" 'adopted 000001_a' "... adopts 000001_a"
cv --db gm.db --dir gm migrate up
like "$OUT" 'applied 000002_b' "... then migrate up applies only 000002_b"
cv --db gm.db --dir gm migrate down
like "$OUT" 'rolled back 000002_b' "... down halves were sent too"

# --- a lock held by another process -----------------------------------------
printf 'BEGIN IMMEDIATE;\n.system sleep 3\nCOMMIT;\n' | sqlite3 covet.db &
holder=$!
sleep 0.5
cv --lock-timeout 300ms migrate up
is "$RC" 3 "another process holds the write lock: exit 3"
like "$ERR" 'lock is held' "... ERROR says the lock is held"
cv --lock-timeout 300ms --json migrate down
is "$(js 'd["exit"]')" 3 "... --json: exit 3"
wait "$holder"

# --- batched operations ----------------------------------------------------
cv backfill users --set 'n = n + 1' --batch 500
is "$RC" 0 "backfill: exit 0"
like "$OUT" 'run 1 \(backfill on users\): completed, 3000 rows in 6 batches' "... completes in batches"
like "$ERR" 'done, 3000/3000 rows \(100%\)' "... progress lines on stderr, ending at 100%"
is "$(sqlite3 covet.db 'SELECT sum(n) FROM users')" 4504500 "... the rows changed"
cv --json copy-field users --source email --dest email --transform lower --batch 1000
is "$(js 'd["run"], d["op"], d["state"], d["rows_done"]')" "2 copy_field completed 3000" \
	"copy-field --json: the run's row"
cv transform-field --help
like "$OUT" 'Usage: covet transform-field TABLE --field VALUE --expr VALUE \[--reverse-expr VALUE\] \[--batch N\] \[--no-undo\] \[--workers N\] \[--batch-time-ms N\] \[--retries N\] \[--on-error VALUE\] \[--background\]' \
	"an operation's --help is made from covet_op_defs"
cv backfill users
is "$RC" 2 "backfill without --set: exit 2"
cv backfill users --set 'n = 1' --batch x
is "$RC" 2 "backfill --batch x: exit 2"
cv backfill --set 'n = 1'
is "$RC" 2 "backfill without a table: exit 2"
cv backfill nosuch --set 'n = 1'
is "$RC" 1 "backfill of an unknown table: exit 1"
like "$ERR" 'table "nosuch" does not exist' "... says so"
cv backfill users --set 'n = 1; DROP TABLE users'
is "$RC" 1 "backfill with a second statement in --set: exit 1"
cv backfill users --set 'n = 1' --background
is "$RC" 1 "--background on SQLite: exit 1"
like "$ERR" 'not available on SQLite' "... says so"
# the arguments every operation takes (issue 16), flags from covet_op_defs
cv backfill --help
like "$OUT" '\[--workers N\] \[--batch-time-ms N\] \[--retries N\] \[--on-error VALUE\]' \
	"backfill --help shows --workers, --batch-time-ms, --retries, --on-error"
cv backfill users --set 'n = 1' --workers 2
is "$RC" 1 "backfill --workers 2 on SQLite: exit 1"
like "$ERR" 'workers > 1 is not supported on SQLite' "... says so"
cv backfill users --set 'n = 1' --on-error x
like "$ERR" "on_error of covet_backfill must be 'stop' or 'skip', not 'x'" "--on-error x: covet's message"
cv runs
like "$OUT" ' 2 \| copy_field \| users +\| completed' "runs lists the runs"
cv --json runs
is "$(js '[(r["id"], r["state"], r["percent"]) for r in d["runs"]]')" \
	"[(1, 'completed', 100), (2, 'completed', 100)]" "runs --json"
cv undo 2
like "$OUT" 'rolled back' "undo 2: rolled back"
is "$(sqlite3 covet.db "SELECT email FROM users WHERE id = 1")" "U1@Example.com" "... the values are back"
cv pause 1
is "$RC" 1 "pause a completed run: exit 1"
like "$ERR" 'run 1 is completed' "... says so"
cv cancel 99
is "$RC" 1 "cancel an unknown run: exit 1"
cv pause x
is "$RC" 2 "pause x: exit 2"
cv watch 1
is "$RC" 0 "watch a completed run: exit 0"
cv watch 99
is "$RC" 1 "watch an unknown run: exit 1"

# Ctrl-C pauses a foreground run; resume completes it
sqlite3 covet.db "CREATE TABLE big (id integer PRIMARY KEY, n integer);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 600000) INSERT INTO big SELECT x, 0 FROM c;"
"$COVET" backfill big --set 'n = n + 1' --batch 20 >"$T/out" 2>"$T/err" &
pid=$!
for _ in $(seq 1 100); do
	# a busy timeout: the run commits thousands of batches a second, and a
	# reader that meets its write lock would see nothing and keep polling
	[ "$(sqlite3 -cmd '.timeout 2000' covet.db "SELECT count(*) FROM covet_runs WHERE op = 'backfill' AND table_name = 'big' AND rows_done > 0" 2>/dev/null)" = 1 ] && break
	sleep 0.05
done
t0=$(date +%s%N)
kill -INT "$pid"
wait "$pid"
RC=$?
pause_ms=$((($(date +%s%N) - t0) / 1000000))
run=$(sqlite3 covet.db "SELECT max(id) FROM covet_runs WHERE table_name = 'big'")
is "$RC" 1 "Ctrl-C during a backfill: exit 1"
# the run yields between batches while the pause is wanted (the driver's
# pause flag): about 0.3 s at most, was 2 to 2.5 s; a generous bound
[ "$pause_ms" -lt 1500 ] && ok "... the command ends paused within 1.5 s of Ctrl-C (${pause_ms} ms)" ||
	not_ok "... the command ends paused within 1.5 s of Ctrl-C" "took $pause_ms ms"
like "$(cat "$T/err")" "HINT: Resume it with: covet resume $run" "... prints how to resume"
is "$(sqlite3 covet.db "SELECT state FROM covet_runs WHERE id = $run")" paused "... the run is paused"
done_before=$(sqlite3 covet.db "SELECT rows_done FROM covet_runs WHERE id = $run")
[ "$done_before" -lt 600000 ] && ok "... before its end ($done_before rows)" || not_ok "... before its end" "$done_before"
is "$(sqlite3 covet.db "SELECT count(*) FROM big WHERE n > 1")" 0 "... no row changed twice"
cv resume "$run"
is "$RC" 0 "resume: exit 0"
like "$OUT" "run $run \\(backfill on big\\): completed, 600000 rows" "... completes the run"
is "$(sqlite3 covet.db "SELECT count(*) FROM big WHERE n = 1")" 600000 "... every row changed once"

# --- valgrind on the SQLite paths ------------------------------------------
if command -v valgrind >/dev/null; then
	vg() {
		valgrind -q --error-exitcode=99 --leak-check=full --log-file="$T/vg.log" "$COVET" "$@" >/dev/null 2>&1
		local rc=$?
		if [ "$rc" -eq 99 ]; then
			not_ok "valgrind: covet $*" "$(head -40 "$T/vg.log")"
		else
			ok "valgrind: covet $* (exit $rc, no error, no leak)"
		fi
	}
	rm -f vg.db
	vg --db vg.db status
	vg --db vg.db migrate up
	vg --db vg.db --json status
	vg --db vg.db history
	vg --db vg.db backfill users --set 'n = n - 1' --batch 1000
	vg --db vg.db --json runs
	vg --db vg.db migrate down 2
	vg --db vg.db migrate up --dry-run
	vg --db vg.db backfill users
else
	not_ok "valgrind is installed"
fi

done_testing
