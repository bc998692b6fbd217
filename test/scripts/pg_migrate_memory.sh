#!/usr/bin/env bash
# pg_migrate_memory.sh: a long migration runs in PostgreSQL without its
# memory growing with its length (TAP).
#
# Run inside pg_virtualenv (PGHOST, PGPORT, PGUSER set; a superuser) with
# the extension installed; test/run-all.sh does that.  It creates and drops
# its own database.
#
# What it proves: a 50,000-statement migration (1.7 MB of INSERTs) applied
# by covet_migrate_up in a fresh session raises the backend's peak memory
# (VmHWM, less the shared buffers it touched) by less than 16 MB.  Parsing
# the whole script first, as covet did before the migration was split a
# window at a time (src/pg/pg_script.c), held every statement's parse tree
# at once: about 40 MB here, 1.19 GB for 1.49M statements.  The 50 MB
# figures are in `make bench` (test/bench/migrate.sh).
set -u

cd "$(dirname "$0")/../.." || exit 1

# shellcheck source=test/scripts/lib/tap.sh
. test/scripts/lib/tap.sh
# shellcheck source=test/scripts/lib/pg.sh
. test/scripts/lib/pg.sh
# shellcheck source=test/scripts/lib/pgmem.sh
. test/scripts/lib/pgmem.sh

NSTMT=50000
BOUND_KB=16384

pg_scratch migmem
create_db
ok "fresh database $DB with CREATE EXTENSION covet"

seq 1 "$NSTMT" | awk 'BEGIN { print "CREATE TABLE mm_t (n int);" }
	{ printf "INSERT INTO mm_t VALUES (%d);\n", $1 }' >"$TMP/big.sql"
like "$(pg_mem_define "$DB" mm_big "$TMP/big.sql")" '^defined mm_big$' \
	"defined a migration of $((NSTMT + 1)) statements, $(stat -c %s "$TMP/big.sql") bytes"

if pg_mem_run "$DB" "SELECT covet_migrate_up();"; then
	ok "covet_migrate_up ran in ${MEM_MS} ms"
else
	not_ok "covet_migrate_up ran" "$MEM_OUT"
fi
is "$MEM_OUT" "applied mm_big ($((NSTMT + 1)) statements, $NSTMT rows)" "every statement ran"
is "$(q "SELECT count(*), sum(n) FROM mm_t")" "$NSTMT|$((NSTMT * (NSTMT + 1) / 2))" "every row is there"

grew=$((MEM_HWM - MEM_HWM0 - (MEM_SHM - MEM_SHM0)))
echo "# VmHWM $MEM_HWM0 -> $MEM_HWM kB, RssShmem $MEM_SHM0 -> $MEM_SHM kB, peak RssAnon seen $MEM_ANON kB"
if [ "$MEM_HWM" -gt 0 ] && [ "$grew" -lt "$BOUND_KB" ]; then
	ok "the backend's own peak memory grew by $grew kB (< $BOUND_KB kB)"
else
	not_ok "the backend's own peak memory grew by less than $BOUND_KB kB" \
		"it grew by $grew kB (VmHWM $MEM_HWM0 -> $MEM_HWM kB, RssShmem $MEM_SHM0 -> $MEM_SHM kB)"
fi

done_testing
