#!/usr/bin/env bash
# pg_concurrency.sh: concurrent runners in PostgreSQL apply each migration
# exactly once (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with the
# extension installed; test/run-all.sh does that.  It creates and drops its
# own database.
#
# What it proves:
#   - idle: nobody holds the runner lock (covet.lock is empty), and a run with
#     nothing pending says "nothing to apply";
#   - contended: while one transaction holds the runner lock, a runner with
#     a short covet.lock_timeout fails with "migration lock is held by"
#     naming the holder's pid and covet.lock shows the holder; a runner with
#     the default timeout waits and then finds nothing left to apply;
#   - 8 sessions calling covet_migrate_up() at once on 20 pending migrations
#     (default lock_timeout: they queue): every session succeeds or fails
#     with the lock message, covet.applied has the 20, covet.history has
#     exactly one 'apply' row per migration, every table exists, and each
#     migration is reported applied by exactly one session;
#   - the same with covet.lock_timeout = 1 ms on 20 new pending migrations:
#     at least one session fails with the lock message, still exactly once.
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh

pg_scratch conc
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

# define PREFIX: 20 migrations PREFIX01..PREFIX20, each creating t_PREFIXNN
# and sleeping 20 ms.
define() {
	local i name sql="" out
	for i in $(seq -w 1 20); do
		name=$1$i
		sql+="SELECT covet_define('$name', 'CREATE TABLE t_$name (id int); SELECT pg_sleep(0.02)');"$'\n'
	done
	out=$(psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" <<<"$sql" 2>&1)
	is "$(grep -c '^defined ' <<<"$out")" 20 "define 20 migrations $1 01..20"
}

# race PREFIX SESSIONS [PGOPTIONS]: that many sessions run covet_migrate_up()
# at once; counts the outcomes into WON (succeeded), LOCKED (lock message)
# and OTHER (anything else).
race() {
	local prefix=$1 n=$2 opts=${3:-} i pids=() rc
	WON=0 LOCKED=0 OTHER=0
	for i in $(seq 1 "$n"); do
		PGOPTIONS=$opts psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" \
			-c "SELECT covet_migrate_up()" >"$TMP/$prefix.$i.out" 2>&1 &
		pids+=($!)
	done
	for i in $(seq 1 "$n"); do
		wait "${pids[$((i - 1))]}"
		rc=$?
		if [ "$rc" -eq 0 ]; then
			WON=$((WON + 1))
		elif grep -q 'migration lock is held by' "$TMP/$prefix.$i.out"; then
			LOCKED=$((LOCKED + 1))
		else
			OTHER=$((OTHER + 1))
			echo "# session $i: exit $rc: $(tr '\n' ' ' <"$TMP/$prefix.$i.out")"
		fi
	done
}

# exactly_once PREFIX: the checks after a race.
exactly_once() {
	local p=$1 reported dup
	is "$(q "SELECT count(*) FROM covet.applied WHERE name LIKE '$p%'")" 20 \
		"$p: covet.applied has the 20 migrations"
	is "$(q "SELECT count(*) FROM covet.history WHERE name LIKE '$p%'")" 20 \
		"$p: covet.history has exactly 20 rows"
	is "$(q "SELECT count(*) FROM covet.history WHERE name LIKE '$p%' AND action = 'apply'")" 20 \
		"$p: all 20 history rows are 'apply'"
	is "$(q "SELECT count(DISTINCT name) FROM covet.history WHERE name LIKE '$p%'")" 20 \
		"$p: each migration has exactly one history row"
	is "$(q "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = 'public' AND tablename LIKE 't\\_$p%'")" 20 \
		"$p: all 20 tables exist"
	reported=$(grep -hoE "^applied ${p}[0-9]+" "$TMP/$p".*.out | sort)
	dup=$(uniq -d <<<"$reported")
	is "$(grep -c . <<<"$reported")|$dup" "20|" \
		"$p: each migration is reported applied by exactly one session"
	is "$(q "SELECT count(*) FROM covet.lock")" 0 "$p: covet.lock is empty afterwards"
}

# --- idle and contended -----------------------------------------------------

is "$(q "SELECT count(*) FROM covet.lock")" 0 "idle: covet.lock is empty"
is "$(q "SELECT covet_migrate_up()")" "nothing to apply" "idle: nothing pending, nothing to apply"

q "SELECT covet_define('h01', 'CREATE TABLE t_h01 (id int)')" >/dev/null
# A holds the runner lock in an open transaction for 3 seconds.
PGAPPNAME=covet_holder psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" >"$TMP/holder.out" 2>&1 <<'EOF' &
BEGIN;
SELECT covet_migrate_up();
SELECT pg_sleep(3);
COMMIT;
EOF
holder=$!
hpid=""
for _ in $(seq 1 100); do
	hpid=$(q "SELECT pid FROM pg_catalog.pg_stat_activity WHERE application_name = 'covet_holder' AND wait_event = 'PgSleep'")
	[ -n "$hpid" ] && break
	sleep 0.05
done
if [ -n "$hpid" ]; then ok "contended: the holder's transaction is open (pid $hpid)"; else not_ok "contended: the holder's transaction is open"; fi
lockview=$(q "SELECT * FROM covet.lock")
if [ -n "$hpid" ] && grep -qw "$hpid" <<<"$lockview"; then
	ok "contended: covet.lock shows the holder's pid"
else
	not_ok "contended: covet.lock shows the holder's pid" "covet.lock: $lockview"
fi
t0=$(date +%s%N)
out=$(PGOPTIONS='-c covet.lock_timeout=200' psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "SELECT covet_migrate_up()" 2>&1)
rc=$?
t1=$(date +%s%N)
if [ "$rc" -ne 0 ] && grep -q "migration lock is held by" <<<"$out"; then
	ok "contended: lock_timeout=200 fails with \"migration lock is held by\""
else
	not_ok "contended: lock_timeout=200 fails with \"migration lock is held by\"" "exit $rc: $out"
fi
if [ -n "$hpid" ] && grep -qw "$hpid" <<<"$out"; then ok "contended: the message names the holder's pid"; else not_ok "contended: the message names the holder's pid" "$out"; fi
ms=$(((t1 - t0) / 1000000))
if [ "$ms" -ge 150 ] && [ "$ms" -lt 2500 ]; then
	ok "contended: it waited about lock_timeout before failing (${ms} ms)"
else
	not_ok "contended: it waited about lock_timeout before failing (${ms} ms)"
fi
out=$(q "SELECT covet_migrate_up()")
rc=$?
is "$rc|$out" "0|nothing to apply" "contended: a runner with the default timeout waits for the holder, then has nothing to apply"
wait "$holder"
is "$?|$(grep -c '^applied h01' "$TMP/holder.out")" "0|1" "contended: the holder applied h01 and committed"
is "$(q "SELECT count(*) FROM covet.history WHERE name = 'h01'")" 1 "contended: h01 applied exactly once"

# --- 8 sessions, default lock_timeout ---------------------------------------

define c
race c 8
is "$OTHER" 0 "c: 8 sessions: each succeeded or failed with the lock message ($WON succeeded, $LOCKED lock)"
if [ "$WON" -ge 1 ]; then ok "c: at least one session succeeded"; else not_ok "c: at least one session succeeded"; fi
exactly_once c

# --- 8 sessions, lock_timeout 1 ms ------------------------------------------

define d
race d 8 "-c covet.lock_timeout=1"
is "$OTHER" 0 "d: 8 sessions: each succeeded or failed with the lock message ($WON succeeded, $LOCKED lock)"
if [ "$LOCKED" -ge 1 ]; then ok "d: at least one session failed with the lock message"; else not_ok "d: at least one session failed with the lock message"; fi
if [ "$WON" -ge 1 ]; then ok "d: at least one session succeeded"; else not_ok "d: at least one session succeeded"; fi
exactly_once d

is "$(q "SELECT count(*) FROM covet.history")" 41 "covet.history has 41 rows in all (h01, c01..c20, d01..d20)"

done_testing
