#!/usr/bin/env bash
# pg_batch_commit.sh: batched operations called with CALL commit per batch
# in PostgreSQL (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.
#
# What it proves: CALL covet_backfill_commit(...) outside a transaction
# block commits each batch, so another session sees covet.runs.rows_done
# grow while the run is 'running', and pg_stat_activity.query shows the
# progress text; inside BEGIN the CALL runs atomically with a NOTICE, and
# with require_commit => true it fails and changes nothing; a failing batch
# leaves the batches before it committed and a failed run row naming the
# error and the key; covet_resume_commit finishes the run after a fix, each
# row changed exactly once.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch bcommit
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

q "CREATE TABLE big (id int PRIMARY KEY, v text, n int);
   INSERT INTO big SELECT g, md5(g::text), g FROM generate_series(1, 200000) g" >/dev/null
is "$(q "SELECT count(*), sum(n) FROM big")" "200000|20000100000" "big: 200000 rows, n = id"

# --- commit per batch, watched from another session --------------------------

PGAPPNAME=covet_bc psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" \
	-c "SET covet.progress_interval = 0" \
	-c "CALL covet_backfill_commit('big', 'n = n + 1, v = upper(v)', 1000)" >"$TMP/runner.out" 2>&1 &
runner=$!

samples=""
activity=""
for _ in $(seq 1 2000); do
	s=$(q "SELECT state || ':' || rows_done FROM covet.runs WHERE table_name = 'big' ORDER BY id DESC LIMIT 1")
	case "$s" in
	running:*) samples="$samples ${s#running:}" ;;
	completed:* | failed:*) break ;;
	esac
	a=$(q "SELECT query FROM pg_catalog.pg_stat_activity WHERE application_name = 'covet_bc' AND query LIKE 'covet run %'")
	[ -n "$a" ] && activity=$a
	kill -0 "$runner" 2>/dev/null || break
	sleep 0.02
done
wait "$runner"
rc=$?
runner=""
is "$rc" 0 "CALL covet_backfill_commit(...) succeeds"

# the samples taken while it ran: at least three different counts, growing
distinct=$(tr ' ' '\n' <<<"$samples" | grep -v '^$' | uniq | wc -l)
sorted=$(tr ' ' '\n' <<<"$samples" | grep -v '^$' | sort -n | tr '\n' ' ')
if [ "$distinct" -ge 3 ] && [ "$(tr ' ' '\n' <<<"$samples" | grep -v '^$' | tr '\n' ' ')" = "$sorted" ]; then
	ok "another session saw state 'running' and rows_done grow ($distinct distinct counts)"
else
	not_ok "another session saw state 'running' and rows_done grow" "samples:$samples"
fi
first=$(tr ' ' '\n' <<<"$samples" | grep -v '^$' | head -n 1)
if [ -n "$first" ] && [ "$first" -lt 200000 ] && [ $((first % 1000)) -eq 0 ]; then
	ok "rows_done moves in whole batches ($first seen first)"
else
	not_ok "rows_done moves in whole batches" "samples:$samples"
fi
if grep -Eq '^covet run [0-9]+ \(backfill on big\): [0-9.]+%, [0-9]+ of ~?[0-9]+ rows, [0-9]+ batches, [0-9]+ rows/s, ETA ' <<<"$activity"; then
	ok "pg_stat_activity.query showed the progress ($activity)"
else
	not_ok "pg_stat_activity.query showed the progress" "last seen: '$activity'"
fi
if grep -q '^NOTICE:  covet run [0-9]* (backfill on big): 100.0%, 200000 of 200000 rows.*(done)$' "$TMP/runner.out"; then
	ok "the client got progress NOTICEs, the last one complete"
else
	not_ok "the client got progress NOTICEs, the last one complete" "$(tail -n 3 "$TMP/runner.out")"
fi
if [ "$(grep -c '^NOTICE:  covet run' "$TMP/runner.out")" -ge 10 ]; then
	ok "with covet.progress_interval = 0, many progress NOTICEs ($(grep -c '^NOTICE:  covet run' "$TMP/runner.out"))"
else
	not_ok "with covet.progress_interval = 0, many progress NOTICEs" "$(head -n 5 "$TMP/runner.out")"
fi
is "$(q "SELECT state, rows_done, batches >= 200, last_key FROM covet.runs WHERE table_name = 'big' ORDER BY id DESC LIMIT 1")" \
	'completed|200000|t|["200000"]' "the run: completed, 200000 rows in batches of 1000"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 1 AND v = upper(md5(id::text))), sum(n) FROM big")" "200000|20000300000" \
	"every row changed exactly once"

# --- inside a transaction block ---------------------------------------------

before=$(q "SELECT count(*) FROM covet.runs")
out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" 2>&1 <<'EOF'
BEGIN;
CALL covet_backfill_commit('big', 'n = n - 1', 50000);
SELECT txid_current_if_assigned() IS NOT NULL;
COMMIT;
EOF
)
if grep -q 'NOTICE:  covet_backfill_commit runs atomically: it cannot commit inside a transaction block' <<<"$out"; then
	ok "inside BEGIN the CALL runs atomically, with a NOTICE"
else
	not_ok "inside BEGIN the CALL runs atomically, with a NOTICE" "$out"
fi
is "$(q "SELECT sum(n) FROM big")|$(q "SELECT count(*) - $before FROM covet.runs")" "20000100000|1" \
	"and its changes and run row are committed with the transaction"

out=$(psql -X -qAt -v ON_ERROR_STOP=0 -v VERBOSITY=verbose -d "$DB" 2>&1 <<'EOF'
\set VERBOSITY verbose
BEGIN;
UPDATE big SET v = 'x' WHERE id = 1;
CALL covet_backfill_commit('big', 'n = n + 5', 1000, require_commit => true);
ROLLBACK;
EOF
)
if grep -q 'ERROR:  25001: covet_backfill_commit cannot commit inside a transaction block' <<<"$out"; then
	ok "with require_commit => true inside BEGIN it fails (25001)"
else
	not_ok "with require_commit => true inside BEGIN it fails (25001)" "$out"
fi
is "$(q "SELECT sum(n), count(*) FILTER (WHERE v = 'x') FROM big")|$(q "SELECT count(*) - $before FROM covet.runs")" \
	"20000100000|0|1" "and changes nothing"

q "CREATE FUNCTION in_fn() RETURNS void LANGUAGE plpgsql AS \$\$ BEGIN CALL covet_backfill_commit('big', 'n = n', 1000, require_commit => true); END \$\$" >/dev/null
out=$(q "SELECT in_fn()")
if grep -q 'covet_backfill_commit cannot commit here' <<<"$out"; then
	ok "called from a function with require_commit => true it fails"
else
	not_ok "called from a function with require_commit => true it fails" "$out"
fi

# --- a failing batch in commit mode, then resume ------------------------------

q "CREATE TABLE f (id int PRIMARY KEY, d int NOT NULL, n int NOT NULL);
   INSERT INTO f SELECT g, CASE WHEN g = 5500 THEN 0 ELSE 1 END, g FROM generate_series(1, 10000) g" >/dev/null
out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "CALL covet_backfill_commit('f', 'n = n + 100 / d', 1000)" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && grep -q 'ERROR:  run [0-9]* failed in the batch after key \["5000"\]: division by zero' <<<"$out"; then
	ok "a failing batch raises its error, naming the key before it"
else
	not_ok "a failing batch raises its error, naming the key before it" "$out"
fi
run=$(q "SELECT id FROM covet.runs WHERE table_name = 'f'")
is "$(q "SELECT state, rows_done, batches, last_key, error, error_key, finished_at IS NOT NULL FROM covet.runs WHERE id = $run")" \
	'failed|5000|5|["5000"]|division by zero|["5000"]|t' "the run row is committed as failed, with error and error_key"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 100), count(*) FILTER (WHERE n = id), min(id) FILTER (WHERE n = id) FROM f")" \
	"5000|5000|5001" "the five batches before it stay committed, the rest is untouched"

q "UPDATE f SET d = 1 WHERE id = 5500" >/dev/null
out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "CALL covet_resume_commit($run, require_commit => true)" 2>&1)
is "$?" 0 "covet_resume_commit($run) after the fix succeeds"
is "$(q "SELECT state, rows_done, last_key, error IS NULL, error_key IS NULL FROM covet.runs WHERE id = $run")" \
	'completed|10000|["10000"]|t|t' "the run is completed with 10000 rows"
is "$(q "SELECT count(*) FILTER (WHERE n = id + 100), sum(n) FROM f")" "10000|51005000" \
	"every row of f changed exactly once"

# undo of a run done in commit mode
is "$(q "SELECT covet_undo($run) = $run")|$(q "SELECT count(*) FILTER (WHERE n = id) FROM f")|$(q "SELECT state FROM covet.runs WHERE id = $run")" \
	"t|10000|rolled back" "covet_undo puts f back and marks the run rolled back"

# --- an atomic run takes no subtransaction per batch ---------------------------
# A subtransaction that writes gets an XID of its own; past 64 of them in
# one transaction PostgreSQL marks its snapshot data overflowed, which slows
# every other session until it ends.  200 batches here: the transaction
# and the SELECT after it take two XIDs (a few more if autovacuum analyzes
# meanwhile), not 200 more.
before=$(q "SELECT sum(n) FROM big")
x1=$(q "SELECT pg_current_xact_id()")
out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "SET client_min_messages = warning" -c "BEGIN" \
	-c "SELECT covet_backfill('big', 'n = n + 1', 1000) > 0" -c "COMMIT" 2>&1)
x2=$(q "SELECT pg_current_xact_id()")
if [ "$out" = "t" ] && [ $((x2 - x1)) -lt 20 ]; then
	ok "an atomic run of 200 batches takes $((x2 - x1 - 1)) XID(s), not one per batch"
else
	not_ok "an atomic run of 200 batches takes no XID per batch" "$out; XIDs $x1 -> $x2"
fi
is "$(q "SELECT sum(n) - $before, (SELECT batches FROM covet.runs ORDER BY id DESC LIMIT 1) FROM big")" \
	"200000|200" "and changes every row once, in 200 batches"
# a failing atomic batch: the cause's message and SQLSTATE, named as before,
# and nothing changed
out=$(psql -X -qAt -d "$DB" -c "SELECT covet_backfill('f', 'n = n + 100 / (d - 1 + CASE WHEN id = 7500 THEN 0 ELSE 1 END)', 1000)" \
	-v VERBOSITY=verbose 2>&1)
if grep -q 'ERROR:  22012: run [0-9]* failed in the batch after key \["7000"\]: division by zero' <<<"$out" &&
	grep -q 'HINT:  Nothing was changed: the operation ran in one transaction, which is rolled back.' <<<"$out"; then
	ok "a failing atomic batch raises the cause's SQLSTATE, naming the run and the key, with the hint"
else
	not_ok "a failing atomic batch raises the cause's SQLSTATE, naming the run and the key, with the hint" "$out"
fi
is "$(q "SELECT sum(n) FROM f")|$(q "SELECT count(*) FROM covet.runs WHERE table_name = 'f'")" "50005000|1" \
	"and changes nothing, leaving no run row"

done_testing
