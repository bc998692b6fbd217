#!/usr/bin/env bash
# run.sh: covet's benchmarks ("make bench"), printed as one table.
#
# Sections (each a function below; add one and list it in SQLITE_SECTIONS or
# PG_SECTIONS):
#   runner   define 1,000 trivial migrations; one covet_migrate_up() applying
#            all of them; covet_status() over them; a covet_migrate_up() with
#            nothing pending (the runner lock, its transaction and the read of
#            what is defined and applied), per call over 200 calls in one
#            session, against 200 "SELECT 1" in the same kind of session
#   batch    batched data operations (test/bench/batch.sh): three workloads
#            on one generated users table of ROWS rows (default 1,000,000),
#            set-based UPDATE (the floor) against a PL/pgSQL batch procedure
#            and covet atomic, commit-per-batch and background; seconds,
#            rows/s, ratio to the floor with the targets, table sizes, and
#            peak memory at ROWS and MEM_ROWS (default 10 x ROWS) rows
#   fixtures fixtures and seeding (test/bench/fixtures.sh): dump and load
#            (JSON, CSV) and covet_seed of a users table of FIX_ROWS rows
#            (default ROWS), next to the engine's fastest path (PostgreSQL
#            COPY and INSERT ... SELECT generate_series; SQLite the shell's
#            CSV output and .import, INSERT ... SELECT from a recursive CTE);
#            seconds, rows/s, ratio to the floor with the targets
#   django   Django fixtures (test/bench/django.sh): covet_loaddata_file and
#            covet_dumpdata_file against Django 3.2's manage.py loaddata /
#            dumpdata and the floor (COPY; the shell's .import and csv
#            output) on one fixture of DJANGO_ROWS (default 100,000) records
#            in Django's schema, and the cost of Django's naming (app.model
#            names, foreign keys by field name) over plain table names
#   commit   commit per migration (test/bench/commit.sh): 1,000 trivial
#            migrations applied by covet_migrate_up() and by
#            covet_migrate_up_commit(), each in a fresh database; both times
#            and their ratio (SQLite also in WAL mode)
#   lockretry (PostgreSQL) the cost of lock timeouts with retry when nothing
#            blocks (test/bench/lockretry.sh): 1,000 migrations applied with
#            covet.ddl_lock_timeout on and off, and the ratio
#   fxmemory peak memory of covet_dumpdata_file and covet_loaddata_file at
#            FXMEM_BENCH_ROWS (default 100,000 and 1,000,000) rows
#            (test/bench/fxmemory.sh): flat, as they stream
#   tune     batch_time_ms from a bad start (test/bench/tune.sh): batch
#            sizes 100 and 1,000,000 on TUNE_ROWS rows, target
#            TUNE_TARGET_MS; the batch from which durations stay within 20%
#   diff     covet_diff of two 100-table schemas (10 columns, 3 indexes and
#            2 foreign keys each; test/bench/diff.sh), target under 0.5 s
#   migrate  one long migration (test/bench/migrate.sh): MIG_STATEMENTS
#            (default 1,490,000, 51 MB) INSERTs applied by covet_migrate_up;
#            time and peak memory (PostgreSQL: the backend's private peak
#            and VmHWM; SQLite: the process's peak RSS)
#   parallel (PostgreSQL) parallel background runs (test/bench/parallel.sh):
#            the batch workloads at PAR_ROWS (default 1,000,000 and
#            10,000,000) rows, one UPDATE against covet background with
#            workers => 1, 2, 4, interleaved, minimum of PAR_REPEAT rounds;
#            ratios, table sizes, CPU per worker and the workers' wait events
#            (about 40 minutes of a default run on 2 CPUs at both sizes)
#   cli      the covet command end to end (test/bench/cli.sh): covet
#            migrate up and down of 1,000 migration files against the floor
#            (the same statements in one transaction by psql -1 / the sqlite3
#            shell), sqitch deploy/revert and alembic upgrade/downgrade,
#            with ratios (installs sqitch and python3-alembic when missing)
#
# Settings: ROWS, MEM_ROWS (0 skips the memory runs at scale), FIX_ROWS,
# PAR_ROWS, PAR_REPEAT, PAR_WORKLOADS (the parallel section),
# MIG_STATEMENTS (0 skips the migrate section),
# BENCH_REPEAT (rounds per approach, best reported; default 2),
# BENCH_ONLY=runner, BENCH_ONLY=lockretry, BENCH_ONLY=batch, BENCH_ONLY=fixtures, BENCH_ONLY=fxmemory, BENCH_ONLY=commit, BENCH_ONLY=django, BENCH_ONLY=migrate, BENCH_ONLY=cli, BENCH_ONLY=diff, BENCH_ONLY=parallel or BENCH_ONLY=tune to run one kind
# of section, BENCH_ENGINE=sqlite or BENCH_ENGINE=postgres to run one engine, BENCH_NO_INSTALL=1 to use
# the installed PostgreSQL extension as it is (root runs make install first).  A default run takes about
# 22 minutes on 2 CPUs (fixtures about 7 of them), plus about 5 for cli (sqitch 2 to 3).
#
# SQLite runs on a file in a temporary directory (default settings: rollback
# journal, synchronous=FULL).  PostgreSQL runs in a throw-away cluster
# (pg_virtualenv, default settings); that part is skipped, with a message,
# when PostgreSQL or the installed extension is missing.  Times are wall
# clock: SQLite's ".timer on" for one statement, psql's "\timing" (client
# round trip) for PostgreSQL, date around a whole process otherwise.
#
# Internal use: "run.sh --pg-inner ROWFILE REPORTFILE" runs inside
# pg_virtualenv.
set -u
set -o pipefail

cd "$(dirname "$0")/../.." || exit 1
ROOT=$(pwd)
export LC_ALL=C.UTF-8

# shellcheck source=test/bench/batch.sh
. "$ROOT/test/bench/batch.sh"
batch_init
# shellcheck source=test/bench/fixtures.sh
. "$ROOT/test/bench/fixtures.sh"
fixtures_init
# shellcheck source=test/bench/migrate.sh
. "$ROOT/test/bench/migrate.sh"
# shellcheck source=test/bench/commit.sh
. "$ROOT/test/bench/commit.sh"
# shellcheck source=test/bench/lockretry.sh
. "$ROOT/test/bench/lockretry.sh"
# shellcheck source=test/bench/cli.sh
. "$ROOT/test/bench/cli.sh"
# shellcheck source=test/bench/django.sh
. "$ROOT/test/bench/django.sh"
# shellcheck source=test/bench/diff.sh
. "$ROOT/test/bench/diff.sh"
# shellcheck source=test/scripts/lib/pgmem.sh
. "$ROOT/test/scripts/lib/pgmem.sh"
# shellcheck source=test/bench/parallel.sh
. "$ROOT/test/bench/parallel.sh"
# shellcheck source=test/bench/fxmemory.sh
. "$ROOT/test/bench/fxmemory.sh"
# shellcheck source=test/bench/tune.sh
. "$ROOT/test/bench/tune.sh"
migrate_init

SQLITE_SECTIONS=(sqlite_runner sqlite_commit sqlite_batch sqlite_fixtures sqlite_fxmemory sqlite_django sqlite_migrate sqlite_cli sqlite_diff sqlite_tune)
PG_SECTIONS=(pg_runner pg_commit pg_lockretry pg_batch pg_parallel pg_fixtures pg_fxmemory pg_django pg_migrate pg_cli pg_diff pg_tune)
case "${BENCH_ONLY:-}" in
runner) SQLITE_SECTIONS=(sqlite_runner) PG_SECTIONS=(pg_runner) ;;
commit) SQLITE_SECTIONS=(sqlite_commit) PG_SECTIONS=(pg_commit) ;;
lockretry) SQLITE_SECTIONS=() PG_SECTIONS=(pg_lockretry) ;;
batch) SQLITE_SECTIONS=(sqlite_batch) PG_SECTIONS=(pg_batch) ;;
fixtures) SQLITE_SECTIONS=(sqlite_fixtures) PG_SECTIONS=(pg_fixtures) ;;
migrate) SQLITE_SECTIONS=(sqlite_migrate) PG_SECTIONS=(pg_migrate) ;;
cli) SQLITE_SECTIONS=(sqlite_cli) PG_SECTIONS=(pg_cli) ;;
fxmemory) SQLITE_SECTIONS=(sqlite_fxmemory) PG_SECTIONS=(pg_fxmemory) ;;
django) SQLITE_SECTIONS=(sqlite_django) PG_SECTIONS=(pg_django) ;;
diff) SQLITE_SECTIONS=(sqlite_diff) PG_SECTIONS=(pg_diff) ;;
parallel) SQLITE_SECTIONS=() PG_SECTIONS=(pg_parallel) ;;
tune) SQLITE_SECTIONS=(sqlite_tune) PG_SECTIONS=(pg_tune) ;;
esac
case "${BENCH_ENGINE:-}" in
sqlite) PG_SECTIONS=() ;;
postgres) SQLITE_SECTIONS=() ;;
esac

NMIG=${COVET_BENCH_MIGRATIONS:-1000}
NCALL=${COVET_BENCH_CALLS:-200}
ROWFILE=""
REPORTFILE=""

# row ENGINE WHAT FIGURE: one line of the table.
# The rows go to the file ROWFILE, printed afterwards (a section's longer
# report goes to REPORTFILE, see batch.sh).
row() {
	if [ -n "$ROWFILE" ]; then
		printf '%-10s  %-58s  %s\n' "$1" "$2" "$3" >>"$ROWFILE"
	else
		printf '%-10s  %-58s  %s\n' "$1" "$2" "$3"
	fi
}

now_ns() { date +%s%N; }

# fmt_ms MS: "N.N ms"
fmt_ms() {
	awk -v t="$1" 'BEGIN { printf "%.1f ms", t }'
}

# ms_between T0 T1: nanoseconds to "N.N ms"
ms_between() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f ms", (b - a) / 1e6 }'
}

# per_call TOTAL_MS CALLS: "N us per call"
per_call() {
	awk -v t="$1" -v n="$2" 'BEGIN { printf "%.0f us per call", t * 1000 / n }'
}

# --- SQLite -------------------------------------------------------------------

# sq DB: run stdin with the extension loaded.
sq() {
	sqlite3 -batch -cmd ".load $ROOT/covet" "$1" 2>&1
}

# sq_timer DB SQL: real time of the statement, from ".timer on", in ms.
sq_timer() {
	printf '.timer on\n%s\n' "$2" | sq "$1" |
		awk '/^Run Time: real/ { t += $4 } END { printf "%.1f", t * 1000 }'
}

# sq_calls DB SQL N: wall time of one process running SQL N times, in ms.
sq_calls() {
	local t0 t1 i script=""
	for i in $(seq 1 "$3"); do script+="$2"$'\n'; done
	t0=$(now_ns)
	sq "$1" <<<"$script" >/dev/null
	t1=$(now_ns)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e6 }'
}

sqlite_runner() {
	local tmp db script="" i t0 t1 ms out base call
	tmp=$(mktemp -d)
	db=$tmp/bench.db
	for i in $(seq -f '%04g' 1 "$NMIG"); do
		script+="SELECT covet_define('b$i', 'CREATE TABLE b_$i (id int)');"$'\n'
	done
	t0=$(now_ns)
	out=$(sq "$db" <<<"$script" | grep -c '^defined ')
	t1=$(now_ns)
	row sqlite "define $NMIG migrations (one process, autocommit each)" \
		"$(ms_between "$t0" "$t1") ($out defined)"

	ms=$(sq_timer "$db" "SELECT length(covet_migrate_up());")
	row sqlite "one covet_migrate_up() applying $NMIG migrations" \
		"$(fmt_ms "$ms") ($(sq "$db" <<<"SELECT count(*) FROM covet_applied;") applied)"

	ms=$(sq_timer "$db" "SELECT count(*) FROM covet_status();")
	row sqlite "SELECT * FROM covet_status() over $NMIG migrations" "$(fmt_ms "$ms")"

	base=$(sq_calls "$db" "SELECT 1;" "$NCALL")
	call=$(sq_calls "$db" "SELECT covet_migrate_up();" "$NCALL")
	row sqlite "covet_migrate_up(), nothing pending, $NMIG applied" \
		"$(awk -v c="$call" -v b="$base" -v n="$NCALL" 'BEGIN { printf "%.0f us per call (%.0f us over SELECT 1)", c * 1000 / n, (c - b) * 1000 / n }')"

	rm -f "$db"
	sq "$db" <<<"SELECT covet_migrate_up();" >/dev/null
	base=$(sq_calls "$db" "SELECT 1;" "$NCALL")
	call=$(sq_calls "$db" "SELECT covet_migrate_up();" "$NCALL")
	row sqlite "covet_migrate_up(), nothing defined (lock + transaction)" \
		"$(awk -v c="$call" -v b="$base" -v n="$NCALL" 'BEGIN { printf "%.0f us per call (%.0f us over SELECT 1)", c * 1000 / n, (c - b) * 1000 / n }')"
	row sqlite "SELECT 1 in the same shell (baseline)" "$(per_call "$base" "$NCALL")"
	rm -rf "$tmp"
}

# --- PostgreSQL ---------------------------------------------------------------

# pq_timing DB SQL...: psql with \timing; sum of the "Time:" lines in ms.
pq_timing() {
	local db=$1
	shift
	{
		printf '%s\n' '\timing on'
		printf '%s\n' "$@"
	} | psql -X -qAt -v ON_ERROR_STOP=1 -d "$db" 2>&1 |
		awk '/^Time: / { t += $2 } END { printf "%.3f", t }'
}

pg_runner() {
	local db=covet_bench i script=() t0 t1 ms out base call
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
	if ! psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "CREATE EXTENSION covet" >/dev/null 2>&1; then
		row postgres "runner: CREATE EXTENSION covet failed" "-"
		return
	fi
	for i in $(seq -f '%04g' 1 "$NMIG"); do
		script+=("SELECT covet_define('b$i', 'CREATE TABLE b_$i (id int)');")
	done
	t0=$(now_ns)
	out=$(printf '%s\n' "${script[@]}" | psql -X -qAt -d "$db" 2>&1 | grep -c '^defined ')
	t1=$(now_ns)
	row postgres "define $NMIG migrations (one session, autocommit each)" \
		"$(ms_between "$t0" "$t1") ($out defined)"

	ms=$(pq_timing "$db" "SELECT length(covet_migrate_up());")
	row postgres "one covet_migrate_up() applying $NMIG migrations" \
		"$(fmt_ms "$ms") ($(psql -X -qAt -d "$db" -c "SELECT count(*) FROM covet.applied" 2>&1) applied)"

	ms=$(pq_timing "$db" "SELECT count(*) FROM (SELECT * FROM covet_status()) s;")
	row postgres "SELECT * FROM covet_status() over $NMIG migrations" "$(fmt_ms "$ms")"

	mapfile -t script < <(for _ in $(seq 1 "$NCALL"); do echo "SELECT 1;"; done)
	base=$(pq_timing "$db" "${script[@]}")
	mapfile -t script < <(for _ in $(seq 1 "$NCALL"); do echo "SELECT covet_migrate_up();"; done)
	call=$(pq_timing "$db" "${script[@]}")
	row postgres "covet_migrate_up(), nothing pending, $NMIG applied" \
		"$(awk -v c="$call" -v b="$base" -v n="$NCALL" 'BEGIN { printf "%.0f us per call (%.0f us over SELECT 1)", c * 1000 / n, (c - b) * 1000 / n }')"

	psql -X -q -d postgres -c "DROP DATABASE $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
	psql -X -q -d "$db" -c "CREATE EXTENSION covet" >/dev/null 2>&1
	mapfile -t script < <(for _ in $(seq 1 "$NCALL"); do echo "SELECT 1;"; done)
	base=$(pq_timing "$db" "${script[@]}")
	mapfile -t script < <(for _ in $(seq 1 "$NCALL"); do echo "SELECT covet_migrate_up();"; done)
	call=$(pq_timing "$db" "${script[@]}")
	row postgres "covet_migrate_up(), nothing defined (lock + transaction)" \
		"$(awk -v c="$call" -v b="$base" -v n="$NCALL" 'BEGIN { printf "%.0f us per call (%.0f us over SELECT 1)", c * 1000 / n, (c - b) * 1000 / n }')"
	row postgres "SELECT 1 round trip (baseline)" "$(per_call "$base" "$NCALL")"
	psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
}

if [ "${1:-}" = "--pg-inner" ]; then
	ROWFILE=$2
	REPORTFILE=$3
	for section in "${PG_SECTIONS[@]+"${PG_SECTIONS[@]}"}"; do "$section"; done
	exit 0
fi

# --- main ---------------------------------------------------------------------

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

sqlite_note=""
if ! make --no-print-directory covet.so >/dev/null 2>&1; then
	if [ ! -f covet.so ]; then
		echo "bench: could not build covet.so (make covet.so)" >&2
		exit 1
	fi
	sqlite_note="NOTE: make covet.so failed; the covet.so built before is used"
fi

[ -t 2 ] && export BENCH_TTY=1
tmpdir=$(mktemp -d)
trap 'rm -rf "$tmpdir"' EXIT
ROWFILE=$tmpdir/sqlite.rows
REPORTFILE=$tmpdir/sqlite.report
: >"$ROWFILE"
: >"$REPORTFILE"
[ -n "$sqlite_note" ] && row sqlite "$sqlite_note" "-" && report "" "$sqlite_note"
for section in "${SQLITE_SECTIONS[@]+"${SQLITE_SECTIONS[@]}"}"; do "$section"; done

ROWFILE=$tmpdir/pg.rows
REPORTFILE=$tmpdir/pg.report
: >"$ROWFILE"
: >"$REPORTFILE"
pg_skip=""
if [ "${#PG_SECTIONS[@]}" -eq 0 ]; then
	pg_skip="BENCH_ENGINE=$BENCH_ENGINE"
elif ! command -v pg_config >/dev/null || ! command -v pg_virtualenv >/dev/null ||
	[ ! -x /usr/lib/postgresql/15/bin/postgres ]; then
	pg_skip="PostgreSQL 15 is not installed (bash test/scripts/deps.sh all)"
elif [ "$(id -u)" -eq 0 ] && [ -z "${BENCH_NO_INSTALL:-}" ]; then
	if ! make --no-print-directory >/dev/null 2>&1 || ! make --no-print-directory install >/dev/null 2>&1; then
		if [ -f "$(pg_config --sharedir)/extension/covet.control" ]; then
			row postgres "NOTE: make install failed; the installed extension is used" "-"
			report "" "NOTE: the PostgreSQL extension did not build or install; the figures below are" \
				"      of the extension installed before (make install)"
		else
			pg_skip="the PostgreSQL extension did not build or install"
		fi
	fi
elif [ ! -f "$(pg_config --sharedir)/extension/covet.control" ]; then
	pg_skip="the extension is not installed (make install, as root)"
fi

if [ -n "$pg_skip" ]; then
	row postgres "skipped: $pg_skip" "-"
	report "" "PostgreSQL: skipped: $pg_skip"
else
	pg_virtualenv -t -v 15 -c "-p $(free_port)" \
		bash "$ROOT/test/bench/run.sh" --pg-inner "$ROWFILE" "$REPORTFILE" \
		>/dev/null 2>&1 </dev/null ||
		row postgres "the PostgreSQL run failed (pg_virtualenv)" "-"
fi

echo "covet benchmarks ($(uname -m), $(nproc) CPUs, SQLite $(sqlite3 -version | cut -d' ' -f1))"
if [ -s "$tmpdir/sqlite.rows" ] || [ -s "$tmpdir/pg.rows" ]; then
	echo
	printf '%-10s  %-58s  %s\n' engine benchmark result
	printf '%-10s  %-58s  %s\n' ------ --------- ------
	cat "$tmpdir/sqlite.rows" "$tmpdir/pg.rows"
fi
cat "$tmpdir/sqlite.report" "$tmpdir/pg.report"
exit 0
