#!/usr/bin/env bash
# pg_lock_retry.sh: migration statements wait at most covet.ddl_lock_timeout
# for a lock, and covet retries the migration (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with the
# extension installed; test/run-all.sh does that.  It creates and drops its
# own database.
#
# What it proves, with covet.ddl_lock_timeout = 200ms:
#   - a blocker (application covet_blocker) holds ACCESS SHARE on lt in an
#     open transaction while a migration ALTERs lt: another session's SELECT
#     on lt, measured every 50 ms while the migration retries, never waits
#     more than the lock timeout plus 0.5 s;
#   - each retry is a NOTICE and a history row 'retry' / 'lock timeout'
#     whose detail names the blocker's pid and application; once the
#     blocker commits the migration is applied, and the caller's own
#     lock_timeout (7s) is in force again afterwards;
#   - with covet.ddl_lock_retries = 3 and the blocker never committing, the
#     migration fails with SQLSTATE 55P03 after 4 attempts, naming the
#     blocker's pid and application in DETAIL, and nothing is applied;
#   - with covet.ddl_lock_timeout = 0 covet sets no lock timeout and does
#     not retry (the session's lock_timeout applies).
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch lockretry
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

q "CREATE TABLE lt (id int PRIMARY KEY); INSERT INTO lt SELECT generate_series(1, 1000)" >/dev/null

# The blocker: a psql reading from a FIFO, so that its transaction stays
# open until the script writes COMMIT.
mkfifo "$TMP/blocker.in"
PGAPPNAME=covet_blocker psql -X -qAt -d "$DB" <"$TMP/blocker.in" >"$TMP/blocker.out" 2>&1 &
runner=$!
exec 3>"$TMP/blocker.in"

# block: the blocker takes ACCESS SHARE on lt in an open transaction.
block() {
	echo "BEGIN; LOCK TABLE lt IN ACCESS SHARE MODE; SELECT 'locked', pg_backend_pid();" >&3
	for _ in $(seq 1 100); do
		grep -q '^locked|' "$TMP/blocker.out" && break
		sleep 0.05
	done
	BPID=$(grep '^locked|' "$TMP/blocker.out" | tail -n 1 | cut -d'|' -f2)
}

block
if [ -n "$BPID" ]; then ok "the blocker holds lt (pid $BPID)"; else not_ok "the blocker holds lt" "$(cat "$TMP/blocker.out")"; fi

# --- retried until the blocker commits --------------------------------------

q "SELECT covet_define('lr_1', 'ALTER TABLE lt ADD COLUMN x int')" >/dev/null
psql -X -qAt -d "$DB" >"$TMP/mig1.out" 2>&1 <<'EOF' &
SET lock_timeout = '7s';
SET covet.ddl_lock_timeout = '200ms';
SET covet.ddl_lock_retries = 30;
BEGIN;
SELECT covet_migrate_up();
SHOW lock_timeout;
COMMIT;
EOF
mig=$!

# The reader: a SELECT on lt every 50 ms for 2.5 s, each in its own
# transaction; the longest one in milliseconds.
reader=$(psql -X -qAt -d "$DB" 2>&1 <<'EOF'
DO $$
DECLARE
	t0 timestamptz;
	worst float8 := 0;
	n int;
BEGIN
	FOR i IN 1..50 LOOP
		t0 := pg_catalog.clock_timestamp();
		SELECT count(*) INTO n FROM lt;
		worst := greatest(worst, 1000 * extract(epoch FROM pg_catalog.clock_timestamp() - t0));
		COMMIT;
		PERFORM pg_catalog.pg_sleep(0.05);
		COMMIT;
	END LOOP;
	RAISE NOTICE 'worst %', round(worst::numeric);
END
$$;
EOF
)
worst=$(grep -oE 'worst [0-9]+' <<<"$reader" | cut -d' ' -f2)
retries_seen=$(q "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE query LIKE '%covet_migrate_up%' AND pid <> pg_backend_pid()")
if [ -n "$worst" ] && [ "$worst" -lt 700 ]; then
	ok "a reader of lt never waited more than the lock timeout + 0.5 s (worst ${worst} ms)"
else
	not_ok "a reader of lt never waited more than the lock timeout + 0.5 s" "reader: $reader"
fi
is "$retries_seen" 1 "the migration is still retrying while the blocker holds lt"

echo "COMMIT;" >&3
wait "$mig"
out=$(cat "$TMP/mig1.out")
like "$out" '^applied lr_1 \(1 statement' "the migration is applied once the blocker commits"
like "$out" 'NOTICE:  migration "lr_1": lock timeout \(attempt 1 of 31\), retrying in [0-9]+ ms; Blocked by process' \
	"each retry is a NOTICE naming the blockers"
is "$(tail -n 1 <<<"$out")" "7s" "the caller's lock_timeout is back right after the call, in its transaction"
is "$(q "SELECT count(*) > 0 FROM covet.history WHERE name = 'lr_1' AND action = 'retry' AND outcome = 'lock timeout'")" t \
	"history has 'retry' rows with outcome 'lock timeout'"
is "$(q "SELECT count(*) FROM covet.history WHERE name = 'lr_1' AND action = 'retry'
	AND detail LIKE '%process $BPID (user %application \"covet_blocker\"%'")" \
	"$(q "SELECT count(*) FROM covet.history WHERE name = 'lr_1' AND action = 'retry'")" \
	"every retry row names the blocker's pid and application"
is "$(q "SELECT count(*) FROM covet.history WHERE name = 'lr_1' AND action = 'apply'")" 1 \
	"one apply row"
is "$(q "SELECT count(*) FROM information_schema.columns WHERE table_name = 'lt' AND column_name = 'x'")" 1 \
	"the column exists"

# --- retries exhausted --------------------------------------------------------

block
q "SELECT covet_define('lr_2', 'ALTER TABLE lt ADD COLUMN y int')" >/dev/null
t0=$(date +%s%N)
out=$(psql -X -qAt -v VERBOSITY=verbose -d "$DB" 2>&1 <<'EOF'
SET covet.ddl_lock_timeout = '200ms';
SET covet.ddl_lock_retries = 3;
SELECT covet_migrate_up();
EOF
)
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
like "$out" 'ERROR:  55P03: migration "lr_2" failed: canceling statement due to lock timeout' \
	"retries exhausted: fails with SQLSTATE 55P03"
like "$out" "DETAIL:  Blocked by process $BPID \\(user \"[^\"]+\", application \"covet_blocker\", query \"SELECT 'locked', pg_backend_pid\(\);\"\)\." \
	"the DETAIL names the blocker's pid, user, application and query"
like "$out" 'Gave up after 4 attempts, each waiting at most 200 ms for a lock' \
	"the DETAIL says how many attempts"
is "$(grep -c 'NOTICE:  00000: migration "lr_2": lock timeout (attempt' <<<"$out")" 3 "three NOTICEs, one per retry"
if [ "$ms" -ge 800 ] && [ "$ms" -lt 5000 ]; then
	ok "four attempts of 200 ms with growing waits (${ms} ms)"
else
	not_ok "four attempts of 200 ms with growing waits (${ms} ms)"
fi
is "$(q "SELECT count(*) FROM covet.applied WHERE name = 'lr_2'")|$(q "SELECT count(*) FROM covet.history WHERE name = 'lr_2'")" \
	"0|0" "nothing applied, and the failed run's history went with it"

# --- off ------------------------------------------------------------------------

out=$(psql -X -qAt -v VERBOSITY=verbose -d "$DB" 2>&1 <<'EOF'
SET covet.ddl_lock_timeout = 0;
SET lock_timeout = '300ms';
SELECT covet_migrate_up();
EOF
)
like "$out" 'ERROR:  55P03: migration "lr_2" failed: canceling statement due to lock timeout' \
	"ddl_lock_timeout = 0: the session's lock_timeout applies"
is "$(grep -c 'NOTICE' <<<"$out")" 0 "ddl_lock_timeout = 0: no retry"

echo "COMMIT;" >&3
is "$(q "SET covet.ddl_lock_timeout = '200ms'; SELECT covet_migrate_up()")" \
	"applied lr_2 (1 statement, 0 rows)" "without the blocker the migration applies at once"
is "$(q "SELECT count(*) FROM covet.history WHERE name = 'lr_2' AND action = 'retry'")" 0 \
	"no retry row when nothing blocks"

# --- the commit-per-migration form retries too --------------------------------

block
q "SELECT covet_define('lr_c', 'ALTER TABLE lt ADD COLUMN c int')" >/dev/null
PGOPTIONS="-c covet.ddl_lock_timeout=200ms -c covet.ddl_lock_retries=30" \
	psql -X -qAt -d "$DB" -c "CALL covet_migrate_up_commit()" >"$TMP/migc.out" 2>&1 &
migc=$!
sleep 1.2
is "$(q "SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE query LIKE 'CALL covet_migrate_up_commit%'")" 1 \
	"CALL covet_migrate_up_commit() is still retrying while the blocker holds lt"
echo "COMMIT;" >&3
wait "$migc"
out=$(cat "$TMP/migc.out")
like "$out" 'applied lr_c \(1 statement' "the _commit form applies it once the blocker commits"
like "$out" 'NOTICE:  migration "lr_c": lock timeout \(attempt 1 of 31\), retrying in [0-9]+ ms; Blocked by process' \
	"after NOTICEs of its retries, naming the blocker"
is "$(q "SELECT count(*) > 0 FROM covet.history WHERE name = 'lr_c' AND action = 'retry'")|$(q "SELECT count(*) FROM covet.history WHERE name = 'lr_c' AND action = 'apply'")" \
	"t|1" "its retry rows commit with it, and one apply row"

block
q "SELECT covet_define('lr_d', 'ALTER TABLE lt ADD COLUMN d int')" >/dev/null
out=$(PGOPTIONS="-c covet.ddl_lock_timeout=200ms -c covet.ddl_lock_retries=2" \
	psql -X -qAt -v VERBOSITY=verbose -d "$DB" -c "CALL covet_migrate_up_commit()" 2>&1)
like "$out" 'ERROR:  55P03: migration "lr_d" failed: canceling statement due to lock timeout' \
	"the _commit form, retries exhausted: 55P03 naming the migration"
like "$out" "Blocked by process $BPID" "and the blocker"
is "$(q "SELECT count(*) FROM covet.applied WHERE name = 'lr_d'")" 0 "lr_d is not applied"
echo "COMMIT;" >&3
is "$(psql -X -qAt -d "$DB" -c "CALL covet_migrate_up_commit()" 2>&1)" "applied lr_d (1 statement, 0 rows)" \
	"without the blocker it applies"

exec 3>&-
wait "$runner"
runner=""
done_testing
